// SPDX-License-Identifier: MIT
/// @file blend.hpp  Per-pixel formulas of the blend module (PyImageCUDA's src/blend/*.cu, with W3C
/// Compositing and Blending Level 1 for the backdrop alpha and the extra modes), and their launchers.
#pragma once

#include <driver_types.h>

#include <type_traits>

#include "vec.hpp"

namespace imagecuda::blend {

/// Blend modes of blend::composite (declared here so that kernels see them; see blend.hpp).
/// The first seven are PyImageCUDA's (same B(Cb, Cs)); the rest are W3C Compositing Level 1's.
enum class Mode : int {
  normal,
  multiply,
  screen,
  add,
  overlay,
  soft_light,
  hard_light,
  darken,
  lighten,
  color_dodge,
  color_burn,
  difference,
  exclusion,
  hue,
  saturation,
  color,
  luminosity,
};
inline constexpr int mode_count = int(Mode::luminosity) + 1;

/// Where blend::mask reads its coverage: the mask's alpha, or its Rec.601 luminance.
enum class MaskMode : int { alpha, luminance };

}  // namespace imagecuda::blend

namespace imagecuda::detail {

struct Rgb {
  float r, g, b;
};

/// W3C Lum(C) = 0.3 R + 0.59 G + 0.11 B (the non-separable modes' weights).
IMAGECUDA_HD inline float w3c_lum(Rgb c) { return 0.3f * c.r + 0.59f * c.g + 0.11f * c.b; }

/// W3C ClipColor: brings C back into [0, 1] keeping its Lum.
IMAGECUDA_HD inline Rgb w3c_clip_color(Rgb c) {
  const float l = w3c_lum(c);
  const float n = fminf(c.r, fminf(c.g, c.b));
  const float x = fmaxf(c.r, fmaxf(c.g, c.b));
  // l == n (or l == x) means every channel equals l: nothing to scale (and no 0/0).
  if (n < 0.f && l - n > 0.f) {
    const float k = l / (l - n);
    c = Rgb{l + (c.r - l) * k, l + (c.g - l) * k, l + (c.b - l) * k};
  }
  if (x > 1.f && x - l > 0.f) {
    const float k = (1.f - l) / (x - l);
    c = Rgb{l + (c.r - l) * k, l + (c.g - l) * k, l + (c.b - l) * k};
  }
  return c;
}

/// W3C SetLum(C, l).
IMAGECUDA_HD inline Rgb w3c_set_lum(Rgb c, float l) {
  const float d = l - w3c_lum(c);
  return w3c_clip_color(Rgb{c.r + d, c.g + d, c.b + d});
}

/// W3C Sat(C) = max - min.
IMAGECUDA_HD inline float w3c_sat(Rgb c) { return fmaxf(c.r, fmaxf(c.g, c.b)) - fminf(c.r, fminf(c.g, c.b)); }

/// W3C SetSat(C, s): min -> 0, max -> s, mid -> (mid - min) * s / (max - min); grey -> 0.
/// Written per channel, which is the spec's Cmax/Cmid/Cmin form (ties get the same value).
IMAGECUDA_HD inline Rgb w3c_set_sat(Rgb c, float s) {
  const float n = fminf(c.r, fminf(c.g, c.b));
  const float x = fmaxf(c.r, fmaxf(c.g, c.b));
  if (!(x > n)) return Rgb{0.f, 0.f, 0.f};
  const float k = s / (x - n);
  return Rgb{(c.r - n) * k, (c.g - n) * k, (c.b - n) * k};
}

/// The separable B(Cb, Cs) of one channel; the first seven are PyImageCUDA's formulas.
template <blend::Mode M>
IMAGECUDA_HD inline float blend_channel(float cb, float cs) {
  using blend::Mode;
  if constexpr (M == Mode::normal)
    return cs;
  else if constexpr (M == Mode::multiply)
    return cb * cs;
  else if constexpr (M == Mode::screen)
    return 1.f - (1.f - cb) * (1.f - cs);
  else if constexpr (M == Mode::add)
    return fminf(cb + cs, 1.f);
  else if constexpr (M == Mode::overlay)
    return cb < 0.5f ? 2.f * cb * cs : 1.f - 2.f * (1.f - cb) * (1.f - cs);
  else if constexpr (M == Mode::soft_light)
    return (1.f - 2.f * cs) * cb * cb + 2.f * cs * cb;  // Pegtop
  else if constexpr (M == Mode::hard_light)
    return cs < 0.5f ? 2.f * cs * cb : 1.f - 2.f * (1.f - cs) * (1.f - cb);
  else if constexpr (M == Mode::darken)
    return fminf(cb, cs);
  else if constexpr (M == Mode::lighten)
    return fmaxf(cb, cs);
  else if constexpr (M == Mode::color_dodge)
    return cb == 0.f ? 0.f : cs >= 1.f ? 1.f : fminf(1.f, cb / (1.f - cs));
  else if constexpr (M == Mode::color_burn)
    return cb == 1.f ? 1.f : cs <= 0.f ? 0.f : 1.f - fminf(1.f, (1.f - cb) / cs);
  else if constexpr (M == Mode::difference)
    return fabsf(cb - cs);
  else if constexpr (M == Mode::exclusion)
    return cb + cs - 2.f * cb * cs;
  else
    return 0.f;  // non-separable modes are handled in blend_rgb
}

/// B(Cb, Cs) on the colour.
template <blend::Mode M>
IMAGECUDA_HD inline Rgb blend_rgb(Rgb cb, Rgb cs) {
  using blend::Mode;
  if constexpr (M == Mode::hue)
    return w3c_set_lum(w3c_set_sat(cs, w3c_sat(cb)), w3c_lum(cb));
  else if constexpr (M == Mode::saturation)
    return w3c_set_lum(w3c_set_sat(cb, w3c_sat(cs)), w3c_lum(cb));
  else if constexpr (M == Mode::color)
    return w3c_set_lum(cs, w3c_lum(cb));
  else if constexpr (M == Mode::luminosity)
    return w3c_set_lum(cb, w3c_lum(cs));
  else
    return Rgb{blend_channel<M>(cb.r, cs.r), blend_channel<M>(cb.g, cs.g), blend_channel<M>(cb.b, cs.b)};
}

/// One base pixel under one overlay pixel, in place on the base:
///   Sa = Ds * opacity, Oa = Sa + Db (1 - Sa)
///   Cs' = (1 - Db) Cs + Db B(Cb, Cs)                 (W3C; = B(Cb, Cs) on an opaque base)
///   out = ((Cs' Sa + Cb Db (1 - Sa)) / Oa, Oa), or (0, 0, 0, Oa) when Oa <= 1e-6
/// On an opaque base this is PyImageCUDA's blend kernel exactly; nothing is clamped.
template <blend::Mode M>
struct BlendOp {
  float opacity;
  IMAGECUDA_HD float4 operator()(float4 b, float4 s) const {
    const float sa = s.w * opacity;
    const float da = b.w;
    const float oa = sa + da * (1.f - sa);
    Rgb c{s.x, s.y, s.z};
    if constexpr (M != blend::Mode::normal) {  // normal: B = Cs, so Cs' = Cs for any Db
      const Rgb m = blend_rgb<M>(Rgb{b.x, b.y, b.z}, c);
      const float k = 1.f - da;
      c = Rgb{k * c.r + da * m.r, k * c.g + da * m.g, k * c.b + da * m.b};
    }
    if (oa > 1e-6f) {
      // The reference's expression order: (B*Sa + Cb*Da*(1-Sa)) / Oa.
      return make4((c.r * sa + b.x * da * (1.f - sa)) / oa, (c.g * sa + b.y * da * (1.f - sa)) / oa,
                   (c.b * sa + b.z * da * (1.f - sa)) / oa, oa);
    }
    return make4(0.f, 0.f, 0.f, oa);
  }
};

/// blend::mask: base.a *= m, with m = the mask's alpha or its Rec.601 luminance.
struct MaskOp {
  blend::MaskMode mode;
  IMAGECUDA_HD float4 operator()(float4 b, float4 m) const {
    const float k = mode == blend::MaskMode::luminance ? luma(m.x, m.y, m.z) : m.w;
    return make4(b.x, b.y, b.z, b.w * k);
  }
};

/// Calls f(std::integral_constant<Mode, m>{}) for the runtime mode `m`: each mode gets its own
/// kernel, with no per-pixel switch (host side), or a fused pass switches per stage (device side).
#if defined(__CUDACC__)
#pragma nv_exec_check_disable
#endif
template <class F>
IMAGECUDA_HD void visit_mode(blend::Mode m, F&& f) {
  using blend::Mode;
  switch (m) {
#define IMAGECUDA_BLEND_CASE(name)                 \
  case Mode::name:                                 \
    f(std::integral_constant<Mode, Mode::name>{}); \
    return;
    IMAGECUDA_BLEND_CASE(normal)
    IMAGECUDA_BLEND_CASE(multiply)
    IMAGECUDA_BLEND_CASE(screen)
    IMAGECUDA_BLEND_CASE(add)
    IMAGECUDA_BLEND_CASE(overlay)
    IMAGECUDA_BLEND_CASE(soft_light)
    IMAGECUDA_BLEND_CASE(hard_light)
    IMAGECUDA_BLEND_CASE(darken)
    IMAGECUDA_BLEND_CASE(lighten)
    IMAGECUDA_BLEND_CASE(color_dodge)
    IMAGECUDA_BLEND_CASE(color_burn)
    IMAGECUDA_BLEND_CASE(difference)
    IMAGECUDA_BLEND_CASE(exclusion)
    IMAGECUDA_BLEND_CASE(hue)
    IMAGECUDA_BLEND_CASE(saturation)
    IMAGECUDA_BLEND_CASE(color)
    IMAGECUDA_BLEND_CASE(luminosity)
#undef IMAGECUDA_BLEND_CASE
  }
}

// Launchers. `base` and `overlay` are the already-placed, already-clipped regions: same width and
// height, pixel (x, y) of one lies under pixel (x, y) of the other.
namespace cuda {
void blend_composite(Pitched<float4> base, Pitched<const float4> overlay, blend::Mode mode, float opacity,
                     cudaStream_t stream);
void blend_mask(Pitched<float4> base, Pitched<const float4> mask, MaskOp f, cudaStream_t stream);
}  // namespace cuda
namespace host {
void blend_composite(Pitched<float4> base, Pitched<const float4> overlay, blend::Mode mode, float opacity);
void blend_mask(Pitched<float4> base, Pitched<const float4> mask, MaskOp f);
}  // namespace host

}  // namespace imagecuda::detail
