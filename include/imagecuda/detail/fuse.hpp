// SPDX-License-Identifier: MIT
/// @file fuse.hpp  Per-pixel fusion inside a Graph recording (GraphOptions::fuse_per_pixel).
///
/// A per-pixel op reads a pixel, applies one formula that depends on nothing but that pixel, its
/// coordinates and (for blends and masks) the pixel at the same place of a second image, and
/// writes it back. A run of such ops on the same view costs one read and one write of every pixel
/// per op when launched one by one; recorded into a fused pass, the run costs one read and one
/// write in all. Each op stays exactly the functor its own kernel runs (`Stage` holds a copy of
/// it); the pass applies them in order to the pixel held in registers.
///
/// The thread-local recorder (fuse.cu) keeps one pending pass per recording thread (CUDA: the
/// capture in Graph::capture; CPU: each Graph::launch): a per-pixel launcher calls `fusion::take`, which appends its stage when the view is the pass's view (and
/// no hazard forbids it: an overlay that the pass writes, an output the pass reads), and
/// otherwise ends the pass and starts another. Every other op ends the pass first
/// (`fusion::barrier`, called by `dispatch` and by the copy, transfer and free paths), so all
/// work keeps its order on the stream.
#pragma once

#include <driver_types.h>

#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>

#include "adjust.hpp"
#include "blend.hpp"
#include "convert.hpp"
#include "effect.hpp"
#include "fill.hpp"
#include "filter.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// A byte range [begin, end) that a stage reads or writes besides its own view.
struct MemRange {
  const void* begin = nullptr;
  const void* end = nullptr;
  [[nodiscard]] bool empty() const noexcept { return begin == end; }
  [[nodiscard]] bool overlaps(const MemRange& o) const noexcept {
    const auto a0 = reinterpret_cast<std::uintptr_t>(begin), a1 = reinterpret_cast<std::uintptr_t>(end);
    const auto b0 = reinterpret_cast<std::uintptr_t>(o.begin), b1 = reinterpret_cast<std::uintptr_t>(o.end);
    return !empty() && !o.empty() && a0 < b1 && b0 < a1;
  }
};
template <class P>
MemRange mem_range(const Pitched<P>& v) noexcept {
  if (v.width <= 0 || v.height <= 0) return {};
  const auto* b = reinterpret_cast<const unsigned char*>(v.data);
  return {b, b + std::size_t(v.height - 1) * v.pitch + std::size_t(v.width) * sizeof(P)};
}

// ------------------------------------------------------------------------------------------------
// Stages: f(pixel, x, y) -> pixel, each wrapping the functor of one op.
// ------------------------------------------------------------------------------------------------

/// A fill (fill::color, gradient, checkerboard, grid, stripes, dots, circle, noise, ngon).
template <class F>
struct GenerateStage {
  F f;
  static constexpr bool generates = true;
  IMAGECUDA_HD float4 operator()(float4, int x, int y) const { return f(x, y); }
};
/// A point filter (sepia, invert, threshold, solarize).
template <class F>
struct UpdateStage {
  F f;
  IMAGECUDA_HD float4 operator()(float4 p, int x, int y) const { return f(p, x, y); }
};
/// One adjust step (a chain of n steps becomes n stages).
struct AdjustStage {
  AdjustStep s;
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const { return apply_step(s, p); }
};
/// blend::composite and its named modes over the same placed region (the view is the region).
struct CompositeStage {
  Pitched<const float4> overlay;
  blend::Mode mode;
  float opacity;
  IMAGECUDA_HD float4 operator()(float4 p, int x, int y) const {
    const float4 s = overlay.row(y)[x];
    float4 r = p;
    visit_mode(mode, [&](auto m) { r = BlendOp<decltype(m)::value>{opacity}(p, s); });
    return r;
  }
  [[nodiscard]] MemRange reads() const noexcept { return mem_range(overlay); }
};
/// blend::mask.
struct MaskStage {
  Pitched<const float4> mask;
  MaskOp f;
  IMAGECUDA_HD float4 operator()(float4 p, int x, int y) const { return f(p, mask.row(y)[x]); }
  [[nodiscard]] MemRange reads() const noexcept { return mem_range(mask); }
};
/// effect::vignette, effect::rounded_corners, effect::chroma_key: the effect's own pixel formula
/// (the eager kernels visit only the pixels it can change).
template <class F>
struct EffectStage {
  F f;
  IMAGECUDA_HD float4 operator()(float4 p, int x, int y) const { return f.pixel(p, x, y); }
};
/// io::convert to 8 bit: writes the pixel as it is at this point of the pass to `dst`.
struct ConvertStage {
  Pitched<uchar4> dst;
  static constexpr bool emits = true;
  IMAGECUDA_HD float4 operator()(float4 p, int x, int y) const {
    dst.row(y)[x] = F32ToU8{}(p);
    return p;
  }
  [[nodiscard]] MemRange writes() const noexcept { return mem_range(dst); }
};

/// Every stage type; a Stage's `kind` is an index into this list.
using StageTypes =
    std::tuple<AdjustStage, UpdateStage<FilterSepia>, UpdateStage<FilterInvert>, UpdateStage<FilterThreshold>,
               UpdateStage<FilterSolarize>, GenerateStage<FillColor>, GenerateStage<FillGradient>,
               GenerateStage<FillCheckerboard>, GenerateStage<FillGrid>, GenerateStage<FillStripes>,
               GenerateStage<FillDots>, GenerateStage<FillCircle>, GenerateStage<FillNoise>, GenerateStage<FillNgon>,
               CompositeStage, MaskStage, EffectStage<Vignette>, EffectStage<RoundedCorners>, EffectStage<ChromaKey>,
               ConvertStage>;
inline constexpr int stage_type_count = int(std::tuple_size_v<StageTypes>);

template <class T, int I = 0>
constexpr int stage_kind() {
  static_assert(I < stage_type_count, "not a stage type (add it to StageTypes)");
  if constexpr (std::is_same_v<T, std::tuple_element_t<I, StageTypes>>)
    return I;
  else
    return stage_kind<T, I + 1>();
}

/// One recorded op: its kind and a copy of its stage object.
struct Stage {
  static constexpr std::size_t capacity = 80;
  alignas(16) unsigned char bytes[capacity];
  int kind;

  template <class T>
  static Stage of(const T& t) noexcept {
    static_assert(std::is_trivially_copyable_v<T> && sizeof(T) <= capacity);
    Stage s;
    std::memcpy(s.bytes, &t, sizeof(T));
    s.kind = stage_kind<T>();
    return s;
  }
};

/// Calls fn(stage object) with the stage's own type.
template <int I = 0, class Fn>
IMAGECUDA_HD inline void visit_stage(const Stage& s, Fn&& fn) {
  if constexpr (I < stage_type_count) {
    using T = std::tuple_element_t<I, StageTypes>;
    if (s.kind == I) {
      T t;
      std::memcpy(static_cast<void*>(&t), s.bytes, sizeof(T));
      fn(t);
    } else {
      visit_stage<I + 1>(s, static_cast<Fn&&>(fn));
    }
  }
}

/// A fused pass: the stages applied in order to every pixel of `img`.
struct FusedPass {
  static constexpr int max_stages = 16;
  Pitched<float4> img;
  int count;
  bool load;   ///< false when the first stage is a fill (every pixel is overwritten)
  bool store;  ///< false when every stage only reads the pixel (io::convert)
  Stage stages[max_stages];
};

namespace fusion {
/// Ends the pending fused pass of this thread's recording, if any: launches it on the recording
/// stream. Called before every op that is not per-pixel. No-op outside a fused recording.
void barrier();
/// In a fused CUDA recording on `stream`: records `stage` on `img` (ending the pending pass first
/// when it cannot join it) and returns true; the caller launches nothing. Otherwise false.
bool take(cudaStream_t stream, Pitched<float4> img, const Stage& stage);
/// The same for the CPU backend's launchers, in a fused CPU recording (Graph::launch).
bool take(Pitched<float4> img, const Stage& stage);
/// Offers every step of an adjust chain through `take_one(stage)`: all join the pending pass or
/// none does (the first refusal comes before any step is taken, as the steps share the view and
/// read nothing else). Returns whether they joined.
template <class TakeOne>
bool take_chain(const AdjustChain& c, TakeOne&& take_one) {
  if (c.count <= 0 || !take_one(Stage::of(AdjustStage{c.steps[0]}))) return false;
  for (int i = 1; i < c.count; ++i) (void)take_one(Stage::of(AdjustStage{c.steps[i]}));
  return true;
}
}  // namespace fusion

/// The body of a pass at one pixel: every stage in order (both backends' pass loops).
IMAGECUDA_HD inline float4 run_stages(const FusedPass& pass, float4 p, int x, int y) {
  for (int i = 0; i < pass.count; ++i) visit_stage(pass.stages[i], [&](const auto& st) { p = st(p, x, y); });
  return p;
}

namespace cuda {
/// Launches a fused pass of two or more stages.
void launch_fused(const FusedPass& pass, cudaStream_t stream);
/// Launches a pass of one stage with that op's own launcher.
void launch_alone(const FusedPass& pass, cudaStream_t stream);
}  // namespace cuda
namespace host {
void launch_fused(const FusedPass& pass);
void launch_alone(const FusedPass& pass);
}  // namespace host

}  // namespace imagecuda::detail
