// SPDX-License-Identifier: MIT
/// @file effect.hpp  effect: rounded_corners, vignette, chroma_key (in place) and stroke (a new
/// canvas), with PyImageCUDA's formulas, defaults and canvas rules (docs/effect.md).
///
///   effect::rounded_corners(card, 24.f);                                   // in place
///   effect::vignette(photo, {.radius = 0.8f, .softness = 0.6f});
///   effect::chroma_key(frame, {.key_color = hex("#00ff00"), .threshold = 0.35f});
///   ImageF32 outlined = effect::stroke(logo, {.width = 6, .color = hex("#ffffff")});
///   effect::stroke(logo, out, {.width = 6}, {stream, &workspace});        // no allocation
///
/// Contract: float4 pixels, straight alpha. In-place ops take any view (crop views included) and
/// change only its pixels; no scratch. stroke reads any view and writes a caller's image (or a new
/// one) of the canvas size; scratch from the workspace (stroke_requirements); dst may even be the
/// source's own image (the source is then copied aside first). Deterministic; asynchronous on
/// `ex.stream`; GPU and CPU give the same results (stroke distances bit for bit).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/effect.hpp"
#include "detail/shadow.hpp"
#include "neighbourhood.hpp"
#include "detail/transfer.hpp"

namespace imagecuda::effect {

// ---------------------------------------------------------------------------------------------
// Parameters (PyImageCUDA's defaults)
// ---------------------------------------------------------------------------------------------

/// effect::vignette: darkens (or tints) towards the corners of an ellipse fitted to the image.
struct VignetteParams {
  float radius = 0.9f;    ///< where the falloff is centred, in units of the half-diagonal ellipse; < 0 -> 0
  float softness = 1.0f;  ///< width of the falloff; < 0 -> 0 (0: hard edge)
  float4 color = {0.f, 0.f, 0.f, 1.f};  ///< blended in with weight k * color.a; alpha untouched
};

/// effect::chroma_key: keys out pixels near `key_color` in HSV.
struct ChromaKeyParams {
  float4 key_color = {0.f, 1.f, 0.f, 1.f};  ///< RGB of the key (its alpha is ignored)
  float threshold = 0.4f;                    ///< 0..1; HSV distance below which alpha falls; < 1e-6 does nothing
  float smoothness = 0.1f;                   ///< 0..1; width of the soft edge below the threshold
  float spill_suppression = 0.5f;            ///< 0..1; removes the key colour from half-keyed pixels
};

/// Which side of the shape's edge the stroke is drawn on.
enum class StrokePosition : int { outside, inside };

/// effect::stroke: an outline of the shape given by the source's alpha.
struct StrokeParams {
  int width = 2;                               ///< pixels, 1..1000
  float4 color = {0.f, 0.f, 0.f, 1.f};         ///< stroke colour, straight alpha
  StrokePosition position = StrokePosition::outside;
  bool expand = true;                          ///< outside only: grow the canvas by `width` on every side
};

/// The canvas a stroke produces and where the source sits on it.
struct StrokeCanvas {
  int width = 0, height = 0;
  int offset = 0;  ///< the source's top-left corner is at (offset, offset)
};

/// outside + expand: (w + 2 width) x (h + 2 width) with the source at (width, width);
/// otherwise w x h with the source at (0, 0) (inside ignores expand).
[[nodiscard]] constexpr StrokeCanvas stroke_canvas(int w, int h, const StrokeParams& p = {}) noexcept {
  if (p.position == StrokePosition::outside && p.expand) return {w + 2 * p.width, h + 2 * p.width, p.width};
  return {w, h, 0};
}

// ---------------------------------------------------------------------------------------------
// Internals: validation and the stroke's scratch layout
// ---------------------------------------------------------------------------------------------
namespace detail {
using namespace imagecuda::detail;

/// Byte offsets of the stroke's scratch parts (WorkspaceLayout: one sequence sizes and carves).
struct StrokeLayout {
  std::size_t site = 0, start = 0, g = 0, first = 0, last = 0, count = 0, copy = 0, distances = 0;
  std::size_t total = 0;
};

/// The layout for a canvas of cw x ch; `copy_pixels` float4 for a source copied aside (aliasing),
/// `distance_pixels` uint32 for the test hook's distance output.
inline StrokeLayout stroke_layout(int cw, int ch, std::size_t copy_pixels = 0, std::size_t distance_pixels = 0) {
  const std::size_t n = std::size_t(cw) * std::size_t(ch);
  WorkspaceLayout l;
  StrokeLayout o;
  o.site = l.add<std::uint16_t>(n);  // also the seed mask (n bytes) until the envelopes are built
  o.start = l.add<std::uint16_t>(n);
  o.g = l.add<std::uint16_t>(n);
  o.first = l.add<std::int32_t>(std::size_t(edt_segments(ch)) * std::size_t(cw));
  o.last = l.add<std::int32_t>(std::size_t(edt_segments(ch)) * std::size_t(cw));
  o.count = l.add<std::int32_t>(std::size_t(edt_bands(cw)) * std::size_t(ch));
  o.copy = l.add<float4>(copy_pixels);
  o.distances = l.add<std::uint32_t>(distance_pixels);
  o.total = l.total();
  return o;
}

inline EdtBuffers edt_buffers(const StrokeLayout& l, std::byte* base, int cw, int ch) {
  EdtBuffers b;
  b.w = cw;
  b.h = ch;
  b.segments = edt_segments(ch);
  b.bands = edt_bands(cw);
  b.mask = reinterpret_cast<std::uint8_t*>(base + l.site);
  b.site = reinterpret_cast<std::uint16_t*>(base + l.site);
  b.start = reinterpret_cast<std::uint16_t*>(base + l.start);
  b.g = reinterpret_cast<std::uint16_t*>(base + l.g);
  b.first = reinterpret_cast<std::int32_t*>(base + l.first);
  b.last = reinterpret_cast<std::int32_t*>(base + l.last);
  b.count = reinterpret_cast<std::int32_t*>(base + l.count);
  return b;
}

/// Validates the parameters; returns the canvas.
inline StrokeCanvas check_stroke(const char* op, int w, int h, const StrokeParams& p) {
  expects(p.width >= 1 && p.width <= 1000, ErrorCode::invalid_argument, "{}: width must be in 1..1000, got {}", op,
          p.width);
  check_finite(op, "color", p.color);
  expects(p.position == StrokePosition::outside || p.position == StrokePosition::inside,
          ErrorCode::invalid_argument, "{}: position must be StrokePosition::outside or ::inside, got {}", op,
          int(p.position));
  const StrokeCanvas c = stroke_canvas(w, h, p);
  expects(c.width <= edt_max_side && c.height <= edt_max_side, ErrorCode::invalid_argument,
          "{}: the {}x{} result exceeds the largest side of {}", op, c.width, c.height, edt_max_side);
  return c;
}

inline StrokeComposite stroke_composite(Pitched<const float4> src, const StrokeCanvas& c, const StrokeParams& p) {
  StrokeComposite f;
  f.src = src;
  f.off = c.offset;
  f.width = float(p.width);
  f.width2 = std::uint32_t(p.width) * std::uint32_t(p.width);
  f.color = p.color;
  f.inside = p.position == StrokePosition::inside;
  return f;
}

/// Test hook: the stroke's squared distance of every canvas pixel to its nearest seed (edt_none:
/// no seed), tightly packed, from the same transform the op runs. Blocks until done.
inline std::vector<std::uint32_t> stroke_distances(ConstImageView<float4> src, const StrokeParams& p = {},
                                                   const Exec& ex = {}) {
  constexpr const char* op = "effect::stroke";
  check_view(op, "src", src);
  const StrokeCanvas c = check_stroke(op, src.width(), src.height(), p);
  const std::size_t n = std::size_t(c.width) * std::size_t(c.height);
  const StrokeLayout l = stroke_layout(c.width, c.height, 0, n);
  Scratch scratch(op, src.device(), l.total, ex);
  const EdtBuffers b = edt_buffers(l, scratch.data(), c.width, c.height);
  const StrokeSeed seed{pitched(src), c.offset};
  auto* d2 = scratch.at<std::uint32_t>(l.distances);
  dispatch(
      src.device(), [&] { cuda::stroke_distance(seed, b, d2, ex.stream.value()); },
      [&] { host::stroke_distance(seed, b, d2); });
  std::vector<std::uint32_t> out(n);
  download_2d(src.device(), out.data(), n * sizeof(std::uint32_t), d2, n * sizeof(std::uint32_t),
              n * sizeof(std::uint32_t), 1, ex.stream);
  ex.stream.synchronize();
  return out;
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// In-place effects
// ---------------------------------------------------------------------------------------------

/// Rounds the corners of `img` by multiplying alpha with an antialiased quarter-disc mask.
/// radius < 0 (or not finite) -> Error; radius == 0 does nothing; radius > min(w, h)/2 is clamped
/// to min(w, h)/2 (as the reference). Only the corner boxes are read and written.
inline void rounded_corners(ImageView<float4> img, float radius, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::rounded_corners";
  check_view(op, "img", img);
  check_finite(op, "radius", radius);
  expects(radius >= 0.f, ErrorCode::invalid_argument, "{}: radius must be >= 0, got {}", op, radius);
  if (radius == 0.f) return;
  double r = radius;
  const double limit = std::min(img.width(), img.height()) / 2.0;
  if (r > limit) r = limit;
  const float rf = float(r);
  const int box = int(std::ceil(rf));
  const RoundedCorners f{pitched(img), rf, std::min(img.width(), box), std::min(img.height(), box)};
  dispatch_per_pixel(img.device(), [&] { cuda::rounded_corners(f, ex.stream.value()); }, [&] { host::rounded_corners(f); });
}

/// Blends `color` into `img` outside an ellipse: see VignetteParams and docs/effect.md.
/// 1-pixel-wide or -high images are valid (that axis contributes 0 to the distance).
inline void vignette(ImageView<float4> img, const VignetteParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::vignette";
  check_view(op, "img", img);
  check_finite(op, "radius", p.radius);
  check_finite(op, "softness", p.softness);
  check_finite(op, "color", p.color);
  if (p.color.w == 0.f) return;  // mix = 0 everywhere: nothing changes
  const float radius = std::max(0.f, p.radius), softness = std::max(0.f, p.softness);
  const Vignette f{pitched(img), radius - softness / 2.f, radius + softness / 2.f, p.color};
  dispatch_per_pixel(img.device(), [&] { cuda::vignette(f, ex.stream.value()); }, [&] { host::vignette(f); });
}

/// Makes pixels near `key_color` (HSV distance) transparent, with a soft edge and spill removal.
/// threshold, smoothness, spill_suppression must be in [0, 1]; |threshold| < 1e-6 does nothing.
inline void chroma_key(ImageView<float4> img, const ChromaKeyParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::chroma_key";
  check_view(op, "img", img);
  const float4 k = p.key_color;
  expects(std::isfinite(k.x) && std::isfinite(k.y) && std::isfinite(k.z), ErrorCode::invalid_argument,
          "{}: key_color must be finite, got ({}, {}, {})", op, k.x, k.y, k.z);
  auto unit = [&](const char* name, float v) {
    expects(v >= 0.f && v <= 1.f, ErrorCode::invalid_argument, "{}: {} must be in [0, 1], got {}", op, name, v);
  };
  unit("threshold", p.threshold);
  unit("smoothness", p.smoothness);
  unit("spill_suppression", p.spill_suppression);
  if (std::fabs(p.threshold) < 1e-6f) return;
  const ChromaKey f{pitched(img), k.x, k.y, k.z, rgb_to_hsv(k.x, k.y, k.z), p.threshold, p.smoothness,
                    p.spill_suppression};
  dispatch_per_pixel(img.device(), [&] { cuda::chroma_key(f, ex.stream.value()); }, [&] { host::chroma_key(f); });
}

// ---------------------------------------------------------------------------------------------
// stroke
// ---------------------------------------------------------------------------------------------

/// Scratch one stroke of a w x h source needs (about 6.3 bytes per canvas pixel). Add
/// `in_place = true` when dst will be the source's own image (the source is copied aside).
[[nodiscard]] inline WorkspaceRequirements stroke_requirements(int w, int h, const StrokeParams& p = {},
                                                               bool in_place = false) {
  constexpr const char* op = "effect::stroke_requirements";
  imagecuda::detail::expects(w > 0 && h > 0, ErrorCode::invalid_argument, "{}: size must be positive, got {}x{}", op,
                             w, h);
  const StrokeCanvas c = detail::check_stroke(op, w, h, p);
  return {detail::stroke_layout(c.width, c.height, in_place ? std::size_t(w) * std::size_t(h) : 0).total};
}

/// Draws an outline of the shape in `src`'s alpha into `dst` (its logical size becomes the canvas
/// size, stroke_canvas(); Error if its capacity is too small). The distance to the shape's edge is
/// an exact Euclidean distance transform (docs/effect.md). With a workspace of
/// stroke_requirements(w, h, p): no allocation.
inline void stroke(ConstImageView<float4> src, ImageF32& dst, const StrokeParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::stroke";
  check_view(op, "src", src);
  const StrokeCanvas c = detail::check_stroke(op, src.width(), src.height(), p);
  const bool aliased = imagecuda::detail::overlaps(src, dst);
  prepare_dst(op, dst, c.width, c.height, src.device(), ex.stream);
  const int w = src.width(), h = src.height();
  const auto l = detail::stroke_layout(c.width, c.height, aliased ? std::size_t(w) * std::size_t(h) : 0);
  Scratch scratch(op, src.device(), l.total, ex);
  Pitched<const float4> in = pitched(src);
  if (aliased) {
    const std::size_t row = std::size_t(w) * sizeof(float4);
    copy_2d(src.device(), scratch.data() + l.copy, row, src.data(), src.pitch(), row, h, ex.stream);
    in = Pitched<const float4>{scratch.at<float4>(l.copy), row, w, h};
  }
  const EdtBuffers b = detail::edt_buffers(l, scratch.data(), c.width, c.height);
  const StrokeSeed seed{in, c.offset};
  const StrokeComposite f = detail::stroke_composite(in, c, p);
  const auto out = pitched(dst.view());
  dispatch(
      src.device(), [&] { cuda::stroke(seed, b, f, out, ex.stream.value()); },
      [&] { host::stroke(seed, b, f, out); });
}

/// The same, into a new image on src's device.
[[nodiscard]] inline ImageF32 stroke(ConstImageView<float4> src, const StrokeParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "effect::stroke";
  imagecuda::detail::check_view(op, "src", src);
  const StrokeCanvas c = detail::check_stroke(op, src.width(), src.height(), p);  // validate before allocating
  ImageF32 out(c.width, c.height, src.device(), ex.stream);
  stroke(src, out, p, ex);
  return out;
}

// ---------------------------------------------------------------------------------------------
// drop_shadow
// ---------------------------------------------------------------------------------------------

/// effect::drop_shadow: PyImageCUDA's defaults and canvas rules.
struct DropShadowParams {
  int offset_x = 10;  ///< shadow offset in pixels (any sign)
  int offset_y = 10;
  int blur = 20;      ///< gaussian radius (sigma = blur/3), 0..1000 (PyImageCUDA: 0..100)
  float4 color{0.f, 0.f, 0.f, 0.5f};  ///< straight RGBA; its alpha scales the shadow
  bool expand = true;  ///< grow the canvas so that neither the blur nor the offset is clipped
};

/// Where things go on the drop_shadow canvas.
struct DropShadowCanvas {
  int width = 0, height = 0;  ///< result size
  int image_x = 0, image_y = 0;    ///< the image's position on it
  int layer_x = 0, layer_y = 0;    ///< the (image-sized, or canvas-sized when expanded) shadow layer's position
  int layer_w = 0, layer_h = 0;    ///< the shadow layer's size
  int mask_x = 0, mask_y = 0;      ///< the image alpha's position inside the layer
};

/// The reference's canvas: with expand, pad_l = blur + max(0, -offset_x), pad_r = blur +
/// max(0, offset_x) (same for y), the image at (pad_l, pad_t) and a canvas-sized shadow layer
/// drawn at (offset_x, offset_y); without expand, the image's own size, everything at (0, 0)
/// and the shadow layer (image-sized, blurred within it) drawn at the offset, clipped.
[[nodiscard]] inline DropShadowCanvas drop_shadow_canvas(int w, int h, const DropShadowParams& p = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::drop_shadow";
  expects(p.blur >= 0 && p.blur <= blur_max_radius, ErrorCode::invalid_argument, "{}: blur must be in 0..{}, got {}",
          op, blur_max_radius, p.blur);
  expects(std::abs(std::int64_t(p.offset_x)) <= max_dimension && std::abs(std::int64_t(p.offset_y)) <= max_dimension,
          ErrorCode::invalid_argument, "{}: offsets must be within +-{}, got ({}, {})", op, max_dimension, p.offset_x,
          p.offset_y);
  check_finite(op, "color", p.color);
  DropShadowCanvas c;
  if (p.expand) {
    const int pl = p.blur + std::max(0, -p.offset_x), pr = p.blur + std::max(0, p.offset_x);
    const int pt = p.blur + std::max(0, -p.offset_y), pb = p.blur + std::max(0, p.offset_y);
    const std::int64_t cw = std::int64_t(w) + pl + pr, ch = std::int64_t(h) + pt + pb;
    expects(cw <= max_dimension && ch <= max_dimension, ErrorCode::invalid_argument,
            "{}: the {}x{} result exceeds the largest side of {}", op, cw, ch, max_dimension);
    c.width = int(cw);
    c.height = int(ch);
    c.image_x = pl;
    c.image_y = pt;
    c.layer_w = c.width;
    c.layer_h = c.height;
    c.mask_x = pl;
    c.mask_y = pt;
  } else {
    c.width = c.layer_w = w;
    c.height = c.layer_h = h;
  }
  c.layer_x = p.offset_x;
  c.layer_y = p.offset_y;
  return c;
}

/// Scratch drop_shadow needs: the shadow's blurred coverage and the blur's temp (two
/// layer-sized buffers of one float per pixel).
[[nodiscard]] inline WorkspaceRequirements drop_shadow_requirements(int w, int h, const DropShadowParams& p = {}) {
  const DropShadowCanvas c = drop_shadow_canvas(w, h, p);
  WorkspaceLayout l;
  l.add<float>(std::size_t(c.layer_w) * std::size_t(c.layer_h));
  l.add<float>(std::size_t(c.layer_w) * std::size_t(c.layer_h));
  return l.requirements();
}

/// Draws `src` over a blurred, offset copy of its alpha in `p.color`, into `dst` (its logical
/// size becomes drop_shadow_canvas(...)'s). Fixed: the shadow keeps its colour (PyImageCUDA
/// darkens non-black shadows). With a workspace of drop_shadow_requirements: no allocation.
/// The layer's colour is constant, so only its coverage (one channel) is blurred: three
/// launches (or two, one for each blur pass, plus the composite) on a quarter of the data.
inline void drop_shadow(ConstImageView<float4> src, ImageF32& dst, const DropShadowParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "effect::drop_shadow";
  check_view(op, "src", src);
  const DropShadowCanvas c = drop_shadow_canvas(src.width(), src.height(), p);
  expects(!overlaps(src, dst), ErrorCode::invalid_argument, "{}: dst must not be src's own memory", op);
  const BlurPlan plan = filter::detail::gaussian_plan(op, {.radius = p.blur});
  prepare_dst(op, dst, c.width, c.height, src.device(), ex.stream);
  const std::size_t layer_px = std::size_t(c.layer_w) * std::size_t(c.layer_h);
  WorkspaceLayout l;
  const std::size_t a_off = l.add<float>(layer_px), t_off = l.add<float>(layer_px);
  Scratch scratch(op, src.device(), l.total(), ex);
  const Pitched<float> a{scratch.at<float>(a_off), std::size_t(c.layer_w) * sizeof(float), c.layer_w, c.layer_h};
  float* const t = scratch.at<float>(t_off);
  const ShadowAlpha alpha{pitched(src), c.mask_x, c.mask_y};
  const ShadowComposite composite{Pitched<const float>{a.data, a.pitch, a.width, a.height}, pitched(src), c.image_x,
                                  c.image_y, c.layer_x, c.layer_y, p.color};
  const auto d = pitched(dst.view());
  dispatch(
      src.device(),
      [&] {
        cuda::shadow_coverage(alpha, a, t, plan, ex.stream.value());
        cuda::shadow_composite(composite, d, ex.stream.value());
      },
      [&] {
        host::shadow_coverage(alpha, a, t, plan);
        host::shadow_composite(composite, d);
      });
}

/// drop_shadow into a new image.
[[nodiscard]] inline ImageF32 drop_shadow(ConstImageView<float4> src, const DropShadowParams& p = {}, const Exec& ex = {}) {
  imagecuda::detail::check_view("effect::drop_shadow", "src", src);
  const DropShadowCanvas c = drop_shadow_canvas(src.width(), src.height(), p);
  ImageF32 out(c.width, c.height, src.device(), ex.stream);
  drop_shadow(src, out, p, ex);
  return out;
}

}  // namespace imagecuda::effect
