// SPDX-License-Identifier: MIT
/// @file adjust.hpp  Per-pixel formulas of the adjust module (PyImageCUDA's src/adjust/*.cu), the
/// one-pass chain, and their launchers.
#pragma once

#include <driver_types.h>

#include "vec.hpp"

namespace imagecuda::adjust {
/// Which adjustment a chain step applies (declared here so that kernels see it; see adjust.hpp).
enum class Kind : int { brightness, contrast, saturation, gamma, opacity, hue, vibrance };
}  // namespace imagecuda::adjust

namespace imagecuda::detail {

/// adjust::brightness: rgb = clamp01(rgb + factor).
struct AdjustBrightness {
  float factor;
  IMAGECUDA_HD float4 operator()(float4 p) const {
    return make4(clamp01(p.x + factor), clamp01(p.y + factor), clamp01(p.z + factor), p.w);
  }
};

/// adjust::contrast: rgb = clamp01((rgb - 0.5) * factor + 0.5).
struct AdjustContrast {
  float factor;
  IMAGECUDA_HD float4 operator()(float4 p) const {
    return make4(clamp01((p.x - 0.5f) * factor + 0.5f), clamp01((p.y - 0.5f) * factor + 0.5f),
                 clamp01((p.z - 0.5f) * factor + 0.5f), p.w);
  }
};

/// adjust::saturation: g = Rec.601 luma; rgb = clamp01(g + (rgb - g) * factor).
struct AdjustSaturation {
  float factor;
  IMAGECUDA_HD float4 operator()(float4 p) const {
    const float g = luma(p.x, p.y, p.z);
    return make4(clamp01(g + (p.x - g) * factor), clamp01(g + (p.y - g) * factor), clamp01(g + (p.z - g) * factor),
                 p.w);
  }
};

/// adjust::gamma: rgb = pow(max(0, rgb), 1/gamma); no upper clamp. `inv_gamma` = 1.0f / gamma.
/// pow(v, y) is evaluated as exp2(y * log2(v)) for v > 0 and 0 otherwise (NaN -> 0, as
/// powf(fmaxf(0, NaN), y)): within 5e-6 relative of the exact power for v in (0, 2] and gamma in
/// [0.2, 5] on both backends (tested; a 16-bit step is 1.5e-5), at a fraction of the cost of
/// CUDA's powf (which works in extended precision), so that gamma in an adjust::chain next to the
/// HSV adjustments stays near the cost of one pass over memory. On the GPU, log2 is the exponent
/// plus the hardware lg2 of the mantissa in [1, 2) (absolute error 2^-22 there), which costs a
/// third of CUDA's log2f polynomial; the CPU uses std::log2.
struct AdjustGamma {
  float inv_gamma;
  IMAGECUDA_HD static float log2_pos(float v) {  // v > 0, finite
#if defined(__CUDA_ARCH__)
    float bias = 127.f;
    if (v < 1.17549435e-38f) {  // subnormal: scale into the normal range first
      v *= 8388608.f;
      bias = 150.f;
    }
    const unsigned bits = __float_as_uint(v);
    const float m = __uint_as_float((bits & 0x7fffffu) | 0x3f800000u);
    float l;
    asm("lg2.approx.f32 %0, %1;" : "=f"(l) : "f"(m));
    return (float(bits >> 23) - bias) + l;
#else
    return log2f(v);
#endif
  }
  IMAGECUDA_HD static float pow_pos(float v, float y) {
    if (!(v > 0.f)) return 0.f;  // 0, negatives and NaN
    if (!(v < INFINITY)) return exp2f(y * v);  // +inf: y > 0 always (gamma > 0 is validated)
    return exp2f(y * log2_pos(v));
  }
  IMAGECUDA_HD float4 operator()(float4 p) const {
    return make4(pow_pos(p.x, inv_gamma), pow_pos(p.y, inv_gamma), pow_pos(p.z, inv_gamma), p.w);
  }
};

/// adjust::opacity: a *= factor (unclamped).
struct AdjustOpacity {
  float factor;
  IMAGECUDA_HD float4 operator()(float4 p) const { return make4(p.x, p.y, p.z, p.w * factor); }
};

/// adjust::hue: rotate the HSV hue by `degrees` (h = fmod(h + degrees, 360), + 360 if negative).
struct AdjustHue {
  float degrees;
  IMAGECUDA_HD float4 operator()(float4 p) const {
    const Hsv c = rgb_to_hsv(p.x, p.y, p.z);
    const float t = c.h + degrees;
    // fmodf(t, 360) (+ 360 if negative), which the GPU runs as a long software routine, is
    // exactly t - 360 for t in [360, 720) (Sterbenz) and t for |t| < 360: take those first.
    float h;
    if (t >= 0.f && t < 720.f)
      h = t >= 360.f ? t - 360.f : t;
    else if (t > -360.f && t < 0.f)
      h = t + 360.f;
    else {
      h = fmodf(t, 360.f);
      if (h < 0.f) h += 360.f;
    }
    const float4 o = hsv_to_rgb(h, c.s, c.v);
    return make4(o.x, o.y, o.z, p.w);
  }
};

/// adjust::vibrance: boost = amount*(1-s)*s, damped to 0.3x on skin hues (0..50, 330..360);
/// s = clamp01(s + boost); pixels with s < 0.001 are unchanged.
struct AdjustVibrance {
  float amount;
  IMAGECUDA_HD float4 operator()(float4 p) const {
    const Hsv c = rgb_to_hsv(p.x, p.y, p.z);
    if (c.s < 0.001f) return p;
    const float boost = amount * (1.f - c.s) * c.s;
    const float skin = ((c.h >= 0.f && c.h <= 50.f) || (c.h >= 330.f && c.h <= 360.f)) ? 0.3f : 1.f;
    const float s = clamp01(c.s + fp::mul(boost, skin));  // never an FMA in one kernel and not another
    const float4 o = hsv_to_rgb(c.h, s, c.v);
    return make4(o.x, o.y, o.z, p.w);
  }
};

/// Adapts a pixel functor to the update shape f(p, x, y).
template <class F>
struct AtPixel {
  F f;
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const { return f(p); }
};

/// One validated chain step: `value` is what the functor takes (1/gamma for gamma).
struct AdjustStep {
  adjust::Kind kind;
  float value;
};

/// Calls fn(functor) with exactly the functor the single op uses for this step, so a chain equals
/// the ops one by one (the CUDA chain kernel applies it to two pixels per call).
template <class Fn>
IMAGECUDA_HD inline void visit_step(AdjustStep s, Fn&& fn) {
  switch (s.kind) {
    case adjust::Kind::brightness:
      return fn(AdjustBrightness{s.value});
    case adjust::Kind::contrast:
      return fn(AdjustContrast{s.value});
    case adjust::Kind::saturation:
      return fn(AdjustSaturation{s.value});
    case adjust::Kind::gamma:
      return fn(AdjustGamma{s.value});
    case adjust::Kind::opacity:
      return fn(AdjustOpacity{s.value});
    case adjust::Kind::hue:
      return fn(AdjustHue{s.value});
    case adjust::Kind::vibrance:
      return fn(AdjustVibrance{s.value});
  }
}

IMAGECUDA_HD inline float4 apply_step(AdjustStep s, float4 p) {
  visit_step(s, [&p](auto f) { p = f(p); });
  return p;
}

/// adjust::chain: up to max_steps adjustments in one read and one write of each pixel.
struct AdjustChain {
  static constexpr int max_steps = 16;
  int count;
  AdjustStep steps[max_steps];
  /// The chain of one step: a single adjust op, or one fused stage run alone.
  IMAGECUDA_HD static AdjustChain of(const AdjustStep& s) {
    AdjustChain c{};
    c.count = 1;
    c.steps[0] = s;
    return c;
  }
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const {
    for (int i = 0; i < count; ++i) p = apply_step(steps[i], p);
    return p;
  }
};

namespace cuda {
/// Every CUDA adjust op: a single op is launched as a chain of one step (op names it in errors).
void adjust_chain(Pitched<float4> v, const AdjustChain& f, cudaStream_t stream, const char* op);
}  // namespace cuda
namespace host {
void adjust_brightness(Pitched<float4> v, AdjustBrightness f);
void adjust_contrast(Pitched<float4> v, AdjustContrast f);
void adjust_saturation(Pitched<float4> v, AdjustSaturation f);
void adjust_gamma(Pitched<float4> v, AdjustGamma f);
void adjust_opacity(Pitched<float4> v, AdjustOpacity f);
void adjust_hue(Pitched<float4> v, AdjustHue f);
void adjust_vibrance(Pitched<float4> v, AdjustVibrance f);
void adjust_chain(Pitched<float4> v, const AdjustChain& f);
/// In a fused CPU Graph recording: the chain's steps join the pending pass (true); else false.
bool adjust_fuse(Pitched<float4> v, const AdjustChain& f);
}  // namespace host

}  // namespace imagecuda::detail
