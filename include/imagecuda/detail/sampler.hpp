// SPDX-License-Identifier: MIT
/// @file sampler.hpp  The one sampler layer of resize, rotate and zoom: PyImageCUDA's nearest,
/// bilinear, bicubic (Keys, a = -0.5) and lanczos-3 point samplers with its edge rules, on
/// premultiplied alpha; and the filter kernels and per-axis weights of antialiased resampling.
#pragma once

#include <driver_types.h>

#include <cstddef>

#include "blur.hpp"  // premultiply, unpremultiply, fma4
#include "vec.hpp"

namespace imagecuda::detail {

/// The reference's method ids (0 nearest, 1 bilinear, 2 bicubic, 3 lanczos).
/// area: resize only (always from weight tables, never point-sampled; see area_weight).
enum class SampleMode : int { nearest = 0, bilinear = 1, bicubic = 2, lanczos = 3, area = 4 };

inline constexpr float sampler_pi = 3.14159265358979323846f;

// Every product that meets a sum below is an explicit fmaf or an fp::mul (never contracted), and
// sin(pi t) is a fixed polynomial instead of libm's sinf, so the CUDA and CPU backends compute
// the same weights bit for bit (the CPU launchers compile with contraction off). Otherwise a
// last-bit difference in a weight is amplified by un-premultiplying a nearly transparent pixel.

// (fp::mul (vec.hpp): a * b never fused into a neighbouring add.)

/// Keys cubic convolution kernel with a = -0.5 (the reference's cubic_weight; the fmaf are the
/// contractions nvcc applies to the reference's kernel).
IMAGECUDA_HD inline float cubic_weight(float t) {
  constexpr float a = -0.5f;
  t = fabsf(t);
  if (t <= 1.f) return fmaf(fp::mul(fmaf(a + 2.f, t, -(a + 3.f)), t), t, 1.f);
  if (t < 2.f) return fmaf(fmaf(fmaf(a, t, -5.f * a), t, 8.f * a), t, -4.f * a);
  return 0.f;
}

/// sin(pi t): t = n + r with |r| <= 0.5, sin(pi r) by its Taylor series to r^11 (error < 1e-7),
/// the sign flipped for odd n. Deterministic: the same bits on every backend.
IMAGECUDA_HD inline float sin_pi(float t) {
  const float n = rintf(t);
  const float x = fp::mul(t - n, 3.14159265358979323846f);
  const float x2 = fp::mul(x, x);
  float p = fmaf(x2, -2.50521084e-08f, 2.75573192e-06f);
  p = fmaf(p, x2, -1.98412698e-04f);
  p = fmaf(p, x2, 8.33333333e-03f);
  p = fmaf(p, x2, -1.66666667e-01f);
  const float s = fmaf(fp::mul(p, x2), x, x);
  return (static_cast<long long>(n) & 1) ? -s : s;
}


/// sinc(t) = sin(pi t) / (pi t), 1 near 0 (the reference's threshold 1e-5).
IMAGECUDA_HD inline float sampler_sinc(float t) {
  if (fabsf(t) < 1e-5f) return 1.f;
  return sin_pi(t) / fp::mul(sampler_pi, t);
}

/// Lanczos-3 window: sinc(|d|) * sinc(|d| / 3), 0 for |d| >= 3 (the reference's lanczos_weight).
IMAGECUDA_HD inline float lanczos_weight(float d) {
  d = fabsf(d);
  if (d >= 3.f) return 0.f;
  return fp::mul(sampler_sinc(d), sampler_sinc(fp::mul(d, 0.333333333333f)));
}

/// Triangle (tent) kernel of bilinear filtering.
IMAGECUDA_HD inline float triangle_weight(float t) {
  t = fabsf(t);
  return t < 1.f ? 1.f - t : 0.f;
}

/// The area (box) filter: the weight of source pixel [i, i + 1) for an output pixel whose
/// footprint in the source is [c - s/2, c + s/2) (s = source pixels per output pixel, any
/// s > 0), with d = i + 0.5 - c, is the length of their overlap,
/// max(0, min(1, s, (1 + s)/2 - |d|)); resize normalises the weights by their sum. Reducing by
/// an integer factor k this is the mean of each k x k block (OpenCV's INTER_AREA, NPP's SUPER).
/// fp:: steps (no contraction): the same bits on both backends.
IMAGECUDA_HD inline float area_weight(float d, float s) {
  const float o = fminf(fminf(1.f, s), fp::sub(fp::mul(0.5f, fp::add(1.f, s)), fabsf(d)));
  return o > 0.f ? o : 0.f;
}
/// The area filter's support radius in source pixels: (1 + s)/2.
IMAGECUDA_HD inline float area_support(float s) { return fp::mul(0.5f, fp::add(1.f, s)); }

/// The continuous kernel of a mode and its support radius (antialiased resampling).
IMAGECUDA_HD inline float filter_support(SampleMode m) {
  return m == SampleMode::lanczos ? 3.f : (m == SampleMode::bicubic ? 2.f : (m == SampleMode::bilinear ? 1.f : 0.5f));
}
IMAGECUDA_HD inline float filter_weight(SampleMode m, float t) {
  switch (m) {
    case SampleMode::lanczos: return lanczos_weight(t);
    case SampleMode::bicubic: return cubic_weight(t);
    case SampleMode::bilinear: return triangle_weight(t);
    default: return (t >= -0.5f && t < 0.5f) ? 1.f : 0.f;
  }
}

/// Reads source pixels (straight alpha) and returns samples at continuous pixel coordinates
/// (pixel centres at integers, as the reference). Colour is mixed premultiplied and the result
/// un-premultiplied, so transparent pixels do not bleed their RGB; on an opaque source every
/// premultiply/unpremultiply is exact (x*1, x*(1/1)) and the result is the reference's formula.
struct Sampler {
  Pitched<const float4> src;
  SampleMode mode;

  IMAGECUDA_HD float4 pm(int x, int y) const { return premultiply(src.row(y)[x]); }

  /// nearest: ix = (int)floorf(sx + 0.5) clamped to the image (no mixing: straight copy).
  IMAGECUDA_HD float4 nearest(float sx, float sy) const {
    const int ix = clampi(int(floorf(sx + 0.5f)), 0, src.width - 1);
    const int iy = clampi(int(floorf(sy + 0.5f)), 0, src.height - 1);
    return src.row(iy)[ix];
  }

  /// bilinear: the coordinate is clamped to [0, w-1] (edge pixels replicated), fmaf lerps.
  IMAGECUDA_HD float4 bilinear(float sx, float sy) const {
    const float fx = fminf(fmaxf(sx, 0.f), float(src.width - 1));
    const float fy = fminf(fmaxf(sy, 0.f), float(src.height - 1));
    const int x0 = int(fx), y0 = int(fy);
    const int x1 = x0 + 1 < src.width ? x0 + 1 : src.width - 1;
    const int y1 = y0 + 1 < src.height ? y0 + 1 : src.height - 1;
    const float tx = fx - float(x0), ty = fy - float(y0);
    const float4 p00 = pm(x0, y0), p10 = pm(x1, y0), p01 = pm(x0, y1), p11 = pm(x1, y1);
    float4 top, bot, out;
    top.x = fmaf(p10.x - p00.x, tx, p00.x); top.y = fmaf(p10.y - p00.y, tx, p00.y);
    top.z = fmaf(p10.z - p00.z, tx, p00.z); top.w = fmaf(p10.w - p00.w, tx, p00.w);
    bot.x = fmaf(p11.x - p01.x, tx, p01.x); bot.y = fmaf(p11.y - p01.y, tx, p01.y);
    bot.z = fmaf(p11.z - p01.z, tx, p01.z); bot.w = fmaf(p11.w - p01.w, tx, p01.w);
    out.x = fmaf(bot.x - top.x, ty, top.x); out.y = fmaf(bot.y - top.y, ty, top.y);
    out.z = fmaf(bot.z - top.z, ty, top.z); out.w = fmaf(bot.w - top.w, ty, top.w);
    return unpremultiply(out);
  }

  /// bicubic: taps floor(s)-1 .. floor(s)+2; out-of-image taps skipped and the sum divided by
  /// the used weights (if > 0); not clamped (overshoot kept, as the reference).
  IMAGECUDA_HD float4 bicubic(float sx, float sy) const {
    const float fx0 = floorf(sx), fy0 = floorf(sy);
    const int x0 = int(fx0), y0 = int(fy0);
    const float tx = sx - fx0, ty = sy - fy0;
    float wx[4], wy[4];
    for (int i = 0; i < 4; ++i) {
      wx[i] = cubic_weight(float(i - 1) - tx);
      wy[i] = cubic_weight(float(i - 1) - ty);
    }
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    float wsum = 0.f;
    for (int j = 0; j < 4; ++j) {
      const int py = y0 + j - 1;
      if (py < 0 || py >= src.height) continue;
      for (int i = 0; i < 4; ++i) {
        const int px = x0 + i - 1;
        if (px < 0 || px >= src.width) continue;
        const float w = fp::mul(wx[i], wy[j]);
        fma4(acc, pm(px, py), w);
        wsum += w;
      }
    }
    if (wsum > 0.f) acc = mul4(acc, 1.f / wsum);
    return unpremultiply(acc);
  }

  /// lanczos-3: taps round(s)-2 .. round(s)+3 (6x6), out-of-image taps skipped; a positive
  /// weight sum normalises and the result is clamped to [0,1] on all four channels (after
  /// un-premultiplying, so that opaque inputs give the reference's values), else the raw sum.
  IMAGECUDA_HD float4 lanczos(float sx, float sy) const {
    const int xc = int(floorf(sx + 0.5f)), yc = int(floorf(sy + 0.5f));
    float wx[6], wy[6];
    for (int i = 0; i < 6; ++i) {
      wx[i] = lanczos_weight(sx - float(xc + i - 2));
      wy[i] = lanczos_weight(sy - float(yc + i - 2));
    }
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    float wsum = 0.f;
    for (int j = 0; j < 6; ++j) {
      const int py = yc + j - 2;
      if (py < 0 || py >= src.height) continue;
      for (int i = 0; i < 6; ++i) {
        const int px = xc + i - 2;
        if (px < 0 || px >= src.width) continue;
        const float w = fp::mul(wx[i], wy[j]);
        fma4(acc, pm(px, py), w);
        wsum += w;
      }
    }
    if (!(wsum > 0.f)) return unpremultiply(acc);
    const float4 o = unpremultiply(mul4(acc, 1.f / wsum));
    return make4(clamp01(o.x), clamp01(o.y), clamp01(o.z), clamp01(o.w));
  }

  /// The sampler M (a compile-time choice: kernels are instantiated per sampler, see FixedMode).
  template <SampleMode M>
  IMAGECUDA_HD float4 sample(float sx, float sy) const {
    if constexpr (M == SampleMode::nearest) return nearest(sx, sy);
    else if constexpr (M == SampleMode::bilinear) return bilinear(sx, sy);
    else if constexpr (M == SampleMode::bicubic) return bicubic(sx, sy);
    else return lanczos(sx, sy);
  }
  IMAGECUDA_HD float4 operator()(float sx, float sy) const {
    switch (mode) {
      case SampleMode::nearest: return nearest(sx, sy);
      case SampleMode::bilinear: return bilinear(sx, sy);
      case SampleMode::bicubic: return bicubic(sx, sy);
      default: return lanczos(sx, sy);
    }
  }
};

/// A per-pixel functor `F` (with `template <SampleMode M> float4 at(int x, int y)`) bound to one
/// sampler at compile time, so a CUDA kernel carries only that sampler's code and registers.
template <class F, SampleMode M>
struct FixedMode {
  F f;
  IMAGECUDA_HD float4 operator()(int x, int y) const { return f.template at<M>(x, y); }
};

/// Runs `run(FixedMode<F, M>{f})` for the runtime mode `m`.
template <class F, class Run>
void with_fixed_mode(const F& f, SampleMode m, Run&& run) {
  switch (m) {
    case SampleMode::nearest: run(FixedMode<F, SampleMode::nearest>{f}); break;
    case SampleMode::bilinear: run(FixedMode<F, SampleMode::bilinear>{f}); break;
    case SampleMode::bicubic: run(FixedMode<F, SampleMode::bicubic>{f}); break;
    default: run(FixedMode<F, SampleMode::lanczos>{f}); break;
  }
}

/// Resize's separable weights along one axis, one row of `taps` weights per output index
/// (resize precomputes them per column and per row instead of per pixel).
/// - point (the reference's samplers, for upscaling or antialias = false): s = (o + 0.5) * scale
///   - 0.5; bicubic taps floor(s)-1 .. floor(s)+2 with cubic_weight, lanczos taps round(s)-2 ..
///   round(s)+3 with lanczos_weight; out-of-image taps get weight 0 and the rest is normalised
///   (the reference's 2D weight sum is the product of the two axes' sums).
/// - filtered (antialiased downscale, Pillow's scheme): output o covers source [o*scale,
///   (o+1)*scale), centre c = (o + 0.5) * scale, the kernel stretched by f = max(scale, 1)
///   (support * f source pixels); out-of-image taps dropped, the rest normalised.
struct AxisFilter {
  SampleMode mode;
  float scale;  // source pixels per output pixel
  int in_size;
  int taps;
  bool point;

  IMAGECUDA_HD static int tap_count(SampleMode m, float scale, bool point) {
    if (point) return m == SampleMode::lanczos ? 6 : (m == SampleMode::bicubic ? 4 : 2);
    if (m == SampleMode::area) {
      const int n = int(ceilf(2.f * area_support(scale)));
      return n > 1 ? n : 1;
    }
    // [lo, hi) = floor(x) .. floor(x + 2 support f) spans at most ceil(2 support f) taps; when
    // rounding makes one span a tap wider, weights() drops that tap, whose weight is K(support) = 0.
    const float f = scale > 1.f ? scale : 1.f;
    const int n = int(ceilf(2.f * filter_support(m) * f));
    return n > 1 ? n : 1;
  }
  /// The filtered mode's taps of output o: [lo, hi), clipped to the source. Explicit fmaf so
  /// that the host (which sizes the tables with it) and the device compute the same bounds.
  IMAGECUDA_HD void span(int o, int& lo, int& hi) const {
    const float f = scale > 1.f ? scale : 1.f;
    const float support = mode == SampleMode::area ? area_support(scale) : fp::mul(filter_support(mode), f);
    lo = int(floorf(fmaf(float(o) + 0.5f, scale, 0.5f - support)));
    if (lo < 0) lo = 0;
    hi = int(floorf(fmaf(float(o) + 0.5f, scale, 0.5f + support)));
    if (hi > in_size) hi = in_size;
  }
  /// Writes the `taps` normalised weights of output `o` to w[0], w[stride], w[2 stride] ...;
  /// returns the source index of the first. Weights of taps outside [0, in_size) are 0 (callers
  /// skip zero weights without reading).
  IMAGECUDA_HD int weights(int o, float* w, std::size_t stride = 1) const {
    float sum = 0.f;
    int lo;
    if (point) {
      const float s = fmaf(float(o) + 0.5f, scale, -0.5f);
      if (mode == SampleMode::lanczos) {
        lo = int(floorf(s + 0.5f)) - 2;
        for (int k = 0; k < taps; ++k) {
          const int i = lo + k;
          w[k * stride] = (i >= 0 && i < in_size) ? lanczos_weight(s - float(i)) : 0.f;
        }
      } else {
        const float f0 = floorf(s);
        const float t = s - f0;
        lo = int(f0) - 1;
        for (int k = 0; k < taps; ++k) {
          const int i = lo + k;
          w[k * stride] = (i >= 0 && i < in_size) ? cubic_weight(float(k - 1) - t) : 0.f;
        }
      }
      for (int k = 0; k < taps; ++k) sum += w[k * stride];
      if (sum > 0.f) {
        const float r = 1.f / sum;
        for (int k = 0; k < taps; ++k) w[k * stride] *= r;
      }
      return lo;
    }
    const float f = scale > 1.f ? scale : 1.f;
    const float c = fp::mul(float(o) + 0.5f, scale);
    int hi;
    span(o, lo, hi);
    if (hi - lo > taps) hi = lo + taps;
    const float inv = 1.f / f;
    for (int k = 0; k < taps; ++k) {
      const int i = lo + k;
      const float d = float(i) + 0.5f - c;
      const float v = i >= hi ? 0.f : (mode == SampleMode::area ? area_weight(d, scale) : filter_weight(mode, fp::mul(d, inv)));
      w[k * stride] = v;
      sum += v;
    }
    if (sum != 0.f) {
      const float r = 1.f / sum;
      for (int k = 0; k < taps; ++k) w[k * stride] *= r;
    }
    return lo;
  }
};

}  // namespace imagecuda::detail
