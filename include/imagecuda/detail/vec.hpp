// SPDX-License-Identifier: MIT
/// @file vec.hpp  float4 arithmetic, the bit-reproducible fp:: helpers, HSV, and the tiny pitched
/// accessor that kernels and host loops share.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <type_traits>
#if !defined(__CUDA_ARCH__)
#include <bit>
#endif

#include "../core/config.hpp"

namespace imagecuda::detail {

IMAGECUDA_HD inline float4 make4(float r, float g, float b, float a) {
  float4 v;
  v.x = r; v.y = g; v.z = b; v.w = a;
  return v;
}
IMAGECUDA_HD inline float4 add4(float4 a, float4 b) { return make4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w); }
IMAGECUDA_HD inline float4 sub4(float4 a, float4 b) { return make4(a.x - b.x, a.y - b.y, a.z - b.z, a.w - b.w); }
IMAGECUDA_HD inline float4 mul4(float4 a, float s) { return make4(a.x * s, a.y * s, a.z * s, a.w * s); }
/// PyImageCUDA's lerp: a*(1-t) + b*t on all four channels.
IMAGECUDA_HD inline float4 lerp4(float4 a, float4 b, float t) {
  return make4(a.x * (1.f - t) + b.x * t, a.y * (1.f - t) + b.y * t, a.z * (1.f - t) + b.z * t,
               a.w * (1.f - t) + b.w * t);
}
IMAGECUDA_HD inline float clamp01(float v) { return fminf(fmaxf(v, 0.f), 1.f); }

/// PyImageCUDA's smoothstep (src/common.h): t = clamp((x-e0)/(e1-e0), 0, 1); t*t*(3-2t).
/// e0 == e1 gives NaN -> 0 through fminf/fmaxf, as the reference.
IMAGECUDA_HD inline float smoothstep(float e0, float e1, float x) {
  const float t = fminf(fmaxf((x - e0) / (e1 - e0), 0.f), 1.f);
  return t * t * (3.f - 2.f * t);
}

/// Rec.601 luma, the reference's weights everywhere.
IMAGECUDA_HD inline float luma(float r, float g, float b) { return 0.299f * r + 0.587f * g + 0.114f * b; }

struct Hsv {
  float h, s, v;
};
// ------------------------------------------------------------------------------------------------
// Bit-reproducible float arithmetic.
//
// nvcc contracts `a*b + c` into one FMA (a single rounding) wherever it can; the host compiler (ISO
// C++ mode, no -ffp-contract=fast) does not. The results then differ in the last bit, and a last
// bit of a pixel coordinate (pos ~ 4000, ulp 2.4e-4) becomes a visible difference after a 1-pixel
// anti-aliasing ramp. The fill, point-filter, HSV and sampler code therefore spell every product
// that meets a sum: fp::mul/add/sub round each step (never fused, on either backend), fp::fma fuses on both
// (the device's FFMA and the host's correctly rounded fmaf), fp::div and fp::sqrt are IEEE on both.
// The rest (floorf, fminf, fmaxf, fmodf, comparisons, integer hashes) is exact everywhere. So the
// CUDA and CPU backends produce the same bits. (vec.hpp's lerp4 and luma are left to contraction.)
// ------------------------------------------------------------------------------------------------
namespace fp {
#if defined(__CUDA_ARCH__)
__device__ inline float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ inline float add(float a, float b) { return __fadd_rn(a, b); }
__device__ inline float sub(float a, float b) { return __fsub_rn(a, b); }
__device__ inline float fma(float a, float b, float c) { return __fmaf_rn(a, b, c); }
__device__ inline float div(float a, float b) { return __fdiv_rn(a, b); }
__device__ inline float sqrt(float a) { return __fsqrt_rn(a); }
__device__ inline std::uint32_t bits(float f) { return __float_as_uint(f); }
__device__ inline float from_bits(std::uint32_t u) { return __uint_as_float(u); }
#else
inline float mul(float a, float b) { return a * b; }
inline float add(float a, float b) { return a + b; }
inline float sub(float a, float b) { return a - b; }
inline float fma(float a, float b, float c) { return std::fma(a, b, c); }
inline float div(float a, float b) { return a / b; }
inline float sqrt(float a) { return std::sqrt(a); }
inline std::uint32_t bits(float f) { return std::bit_cast<std::uint32_t>(f); }
inline float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }
#endif
}  // namespace fp

/// The reference's rgb_to_hsv (h in degrees 0..360; exact float compare cmax == r tested first).
IMAGECUDA_HD inline Hsv rgb_to_hsv(float r, float g, float b) {
  const float cmax = fmaxf(r, fmaxf(g, b));
  const float cmin = fminf(r, fminf(g, b));
  const float delta = cmax - cmin;
  Hsv o;
  o.v = cmax;
  const float sd = delta / cmax;  // divided unconditionally: a select, not a branch, on the GPU
  o.s = cmax > 0.00001f ? sd : 0.f;
  // The reference's three branches each divide; selecting the numerator first leaves one
  // division per pixel (a warp whose pixels take different branches no longer runs three), with
  // the same operations on the same values, so the result is bit-identical (tested).
  // |g - b| <= delta when cmax == r, so the reference's fmodf(q, 6) == q exactly.
  const bool at_r = cmax == r, at_g = !at_r && cmax == g;
  const float num = at_r ? g - b : (at_g ? b - r : r - g);
  const float t = num / delta;
  if (delta < 0.00001f)
    o.h = 0.f;
  else
    o.h = fp::mul(60.f, at_r ? t : t + (at_g ? 2.f : 4.f));  // not t + 0 on the r branch: -0 stays -0
  if (o.h < 0.f) o.h += 360.f;
  return o;
}
/// The reference's hsv_to_rgb (sextants by h < 60, < 120, ... else), returns (r, g, b, 0).
IMAGECUDA_HD inline float4 hsv_to_rgb(float h, float s, float v) {
  const float c = fp::mul(v, s);
  // fmodf(q, 2) for q >= 0 is exactly q - 2*floor(q/2) (every step is exact in float); GPU
  // fmodf is a slow software routine, so take the fast path for the usual h in [0, 360].
  const float q = fp::mul(h, 1.f / 60.f);  // the reference divides; within an ulp, a third of the cost
  const float qm = q >= 0.f ? q - 2.f * floorf(q * 0.5f) : fmodf(q, 2.f);
  const float x = fp::mul(c, 1.f - fabsf(qm - 1.f));
  const float m = v - c;
  // The reference's if-chain over the sextants ((c,x,0), (x,c,0), (0,c,x), (0,x,c), (x,0,c), else
  // (c,0,x)) written as selects, so that a warp whose pixels fall in different sextants does not
  // run the chain's paths one after another; the same values are chosen (tested bit for bit).
  const bool s0 = h < 60.f, s1 = h < 120.f, s2 = h < 180.f, s3 = h < 240.f, s4 = h < 300.f;
  const float r = s0 ? c : (s1 ? x : (s3 ? 0.f : (s4 ? x : c)));
  const float g = s0 ? x : (s2 ? c : (s3 ? x : 0.f));
  const float b = s1 ? 0.f : (s2 ? x : (s4 ? c : x));
  return make4(r + m, g + m, b + m, 0.f);
}

/// Pitched pixel access usable in kernels and host loops (CV-CUDA's TensorWrap idea).
template <class P>
struct Pitched {
  P* data;
  std::size_t pitch;  // bytes
  int width;
  int height;

  IMAGECUDA_HD P* row(int y) const {
    using B = std::conditional_t<std::is_const_v<P>, const unsigned char, unsigned char>;
    return reinterpret_cast<P*>(reinterpret_cast<B*>(data) + std::size_t(y) * pitch);
  }
  IMAGECUDA_HD P& at(int x, int y) const { return row(y)[x]; }
};

}  // namespace imagecuda::detail
