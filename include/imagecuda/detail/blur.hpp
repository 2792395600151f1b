// SPDX-License-Identifier: MIT
/// @file blur.hpp  The gaussian/box blur formulas shared by the CUDA and CPU backends.
///
/// A blur is planned once on the host (BlurPlan: which method, the weights) and executed by
/// two thin backends from the per-sample formulas below.
/// - direct: out = c*k0 + sum_i (p[x-i] + p[x+i]) * k[i], separable, clamp-to-edge — the
///   reference's formula, exact.
/// - cosine: the window weights are fitted on the host by a short cosine series
///   g(i) ~= sum_k a_k cos(w_k i) on [-R, R] (least squares, K <= 6, period searched), and the
///   window sum is slid along each line in O(K) per pixel (Z_k(n+1) = e^{-jw}(Z_k(n) - x[n-R]
///   e^{-jwR} + x[n+R+1] e^{jw(R+1)})), re-initialised exactly every segment so rounding cannot
///   drift. The host computes a bound on its worst-case error (0.5 * L1 distance of the 2-D
///   kernels) and uses it only when the bound is within the accuracy promised for that radius.
///   A box blur is the K = 1 case, exact.
/// All channels are blurred premultiplied by alpha and un-premultiplied at the end, so
/// transparent pixels do not bleed dark fringes (on opaque images this is the reference).
#pragma once

#include <driver_types.h>
#include <vector_types.h>

#include <type_traits>

#include "vec.hpp"

namespace imagecuda::detail {

inline constexpr int blur_max_radius = 1000;
inline constexpr int blur_max_terms = 6;
/// Fewest cosine terms tried; the planner takes the smallest K in [4, 6] that meets the bound.
inline constexpr int blur_min_terms = 4;
/// Lines are walked in segments (cosine method): long enough that the exact re-initialisation
/// of each segment (2R+1 taps) stays a small part of the work, short enough for parallelism.
IMAGECUDA_HD inline int blur_segment_for(int radius) { return radius <= 16 ? 128 : (radius <= 100 ? 256 : 512); }
struct BlurPlan;
/// The segment length of one cosine pass over `columns` lines of `samples` each: the plan's,
/// halved (down to 64) while the pass would have fewer than ~1000 line segments of 32 columns,
/// so that small images still fill the GPU. Both backends use it, so they segment alike.
IMAGECUDA_HD inline int blur_pass_segment(int plan_segment, int columns, int samples) {
  int seg = plan_segment;
  while (seg > 64 && ((columns + 31) / 32) * ((samples + seg - 1) / seg) < 960) seg /= 2;
  return seg;
}
/// Direct plans up to this radius run as one fused launch on the GPU, which cannot run in place.
inline constexpr int blur_fused_max_radius = 24;
/// True when the CUDA backend blurs `plan` in one fused pass (src and dst must not overlap, or
/// the launcher first copies src into the temp buffer).
IMAGECUDA_HD inline bool blur_single_pass(const struct BlurPlan& plan);

struct BlurPlan {
  enum Method : int { copy = 0, direct = 1, cosine = 2 };
  int method = copy;
  int radius = 0;  ///< effective radius (negligible tails dropped)
  int terms = 0;   ///< cosine: K (term 0 is the constant)
  int segment = 0; ///< cosine: samples per segment (blur_segment_for(radius))
  float coef[blur_max_terms] = {};    ///< cosine: a_k
  float omega[blur_max_terms] = {};   ///< cosine: w_k
  float2 rot[blur_max_terms] = {};    ///< e^{-j w_k}
  float2 leave[blur_max_terms] = {};  ///< e^{-j w_k R}
  float2 enter[blur_max_terms] = {};  ///< e^{ j w_k (R+1)}
  float weights[blur_max_radius + 1] = {};  ///< direct: k[0..radius], normalised
};

IMAGECUDA_HD inline bool blur_single_pass(const BlurPlan& plan) {
  return plan.method == BlurPlan::direct && plan.radius <= blur_fused_max_radius;
}

IMAGECUDA_HD inline float4 premultiply(float4 p) { return make4(p.x * p.w, p.y * p.w, p.z * p.w, p.w); }
/// Un-premultiplies; a (near) zero alpha gives transparent black, like every pixel the library creates.
IMAGECUDA_HD inline float4 unpremultiply(float4 p) {
  if (!(fabsf(p.w) > 1e-12f)) return make4(0.f, 0.f, 0.f, 0.f);
  const float inv = 1.f / p.w;
  return make4(p.x * inv, p.y * inv, p.z * inv, p.w);
}
IMAGECUDA_HD inline int clampi(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }
IMAGECUDA_HD inline void fma4(float4& acc, float4 v, float k) {
  acc.x = fmaf(v.x, k, acc.x);
  acc.y = fmaf(v.y, k, acc.y);
  acc.z = fmaf(v.z, k, acc.z);
  acc.w = fmaf(v.w, k, acc.w);
}
/// The same operations on one channel (effect::drop_shadow blurs only the alpha): every
/// formula below is written once for a sample type V, float4 (four channels) or float (one),
/// with the same operations per channel, so a one-channel blur equals the alpha channel of the
/// four-channel one.
IMAGECUDA_HD inline void fma4(float& acc, float v, float k) { acc = fmaf(v, k, acc); }
IMAGECUDA_HD inline float add4(float a, float b) { return a + b; }
IMAGECUDA_HD inline float sub4(float a, float b) { return a - b; }
IMAGECUDA_HD inline float mul4(float a, float s) { return a * s; }
template <class V>
IMAGECUDA_HD inline V blur_zero() {
  if constexpr (std::is_same_v<V, float>) return 0.f;
  else return make4(0.f, 0.f, 0.f, 0.f);
}
/// (tr + j ti) * (r.x + j r.y): the real and the imaginary part, per channel.
IMAGECUDA_HD inline float4 cmul_re(float4 tr, float4 ti, float2 r) {
  return make4(tr.x * r.x - ti.x * r.y, tr.y * r.x - ti.y * r.y, tr.z * r.x - ti.z * r.y, tr.w * r.x - ti.w * r.y);
}
IMAGECUDA_HD inline float4 cmul_im(float4 tr, float4 ti, float2 r) {
  return make4(tr.x * r.y + ti.x * r.x, tr.y * r.y + ti.y * r.x, tr.z * r.y + ti.z * r.x, tr.w * r.y + ti.w * r.x);
}
IMAGECUDA_HD inline float cmul_re(float tr, float ti, float2 r) { return tr * r.x - ti * r.y; }
IMAGECUDA_HD inline float cmul_im(float tr, float ti, float2 r) { return tr * r.y + ti * r.x; }

/// One direct tap sum along a line: `at(i)` returns the (premultiplied) sample at clamped
/// offset i from the centre (a float4, or a float for one channel).
template <class At>
IMAGECUDA_HD auto direct_sum(const BlurPlan& plan, const At& at) {
  auto acc = mul4(at(0), plan.weights[0]);
  for (int i = 1; i <= plan.radius; ++i) fma4(acc, add4(at(-i), at(i)), plan.weights[i]);
  return acc;
}

/// The sliding cosine-series window of one line, for four channels (V = float4) or one
/// (V = float), with K terms known at compile time (so that the state lives in registers):
/// K = 1 for box blurs, 4..6 for gaussians.
template <int K, class V = float4>
struct CosineWalker {
  V re[K];
  V im[K];

  IMAGECUDA_HD static float2 make_f2(float x, float y) {
    float2 v;
    v.x = x;
    v.y = y;
    return v;
  }
  IMAGECUDA_HD static float2 cmul(float2 a, float2 b) { return make_f2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }

  /// Z_k = sum_{i=-R..R} x[n+i] e^{j w_k i}; `at(i)` returns x[n+i] (clamped, premultiplied).
  /// The phase is recomputed exactly every 32 taps so that no rounding accumulates.
  template <class At>
  IMAGECUDA_HD void init(const BlurPlan& plan, const At& at) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int k = 0; k < K; ++k) {
      re[k] = blur_zero<V>();
      im[k] = blur_zero<V>();
    }
    const int R = plan.radius;
    for (int i0 = -R; i0 <= R; i0 += 32) {
      float2 ph[K];
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
      for (int k = 0; k < K; ++k) {
        const float a = plan.omega[k] * float(i0);
        ph[k] = make_f2(cosf(a), sinf(a));
      }
      const int i1 = i0 + 32 <= R + 1 ? i0 + 32 : R + 1;
#if defined(__CUDA_ARCH__)
#pragma unroll 8
#endif
      for (int i = i0; i < i1; ++i) {
        const V v = at(i);
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
        for (int k = 0; k < K; ++k) {
          fma4(re[k], v, ph[k].x);
          fma4(im[k], v, ph[k].y);
          ph[k] = cmul(ph[k], make_f2(plan.rot[k].x, -plan.rot[k].y));  // times e^{+jw}
        }
      }
    }
  }

  /// Slides the window one sample on: `out` = x[n-R] leaves, `in` = x[n+R+1] enters.
  IMAGECUDA_HD void step(const BlurPlan& plan, V out, V in) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int k = 0; k < K; ++k) {
      if (k == 0) {  // w_0 = 0: a plain running sum, no phase (known at compile time once unrolled)
        re[0] = add4(sub4(re[0], out), in);
        continue;
      }
      const float2 l = plan.leave[k], e = plan.enter[k], r = plan.rot[k];
      V tr = re[k], ti = im[k];  // t = Z - out*l + in*e
      fma4(tr, out, -l.x);
      fma4(ti, out, -l.y);
      fma4(tr, in, e.x);
      fma4(ti, in, e.y);
      // Z = r * t
      re[k] = cmul_re(tr, ti, r);
      im[k] = cmul_im(tr, ti, r);
    }
  }

  IMAGECUDA_HD V value(const BlurPlan& plan) const {
    V acc = blur_zero<V>();
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (int k = 0; k < K; ++k) fma4(acc, re[k], plan.coef[k]);
    return acc;
  }
};

/// Host: plans a gaussian (sigma > 0) or box (sigma <= 0 with box = true) blur of `radius`.
/// `max_error` is the accuracy the cosine method must prove to be chosen (0 = never).
/// Sets `*error_bound` to the worst-case deviation from the exact separable result.
BlurPlan plan_gaussian(int radius, float sigma, double max_error, double* error_bound = nullptr);
BlurPlan plan_box(int radius);

namespace cuda {
/// src -> dst (same size; `aliased` when they overlap); `temp` holds w*h float4.
void blur(Pitched<const float4> src, Pitched<float4> dst, float4* temp, const BlurPlan& plan, bool aliased,
          cudaStream_t stream);
/// Tuning hook (benchmarks and tests only; not thread-safe, process-wide): forces the shape of
/// the fused single-pass kernel used for compile-time radii (1..12). -1: the defaults (in
/// blur.cu); 0: 32x(32|64|128) tiles of 256 threads, loads not pipelined (the session-2
/// kernel); 1: the same tiles with the next rows' loads in flight during the horizontal sums;
/// 2: pipelined, 32x64 tiles at r > 4 (3 blocks per SM at r = 10); 3: pipelined, 32x32 tiles of
/// 128 threads; 4: pipelined, 32x96 tiles of 384 threads at r > 4 (as 1 below); 5: at r >= 5 the
/// warp-specialised streaming kernel (the default at r >= 5 on images with at least one 32x64
/// piece per streaming block the GPU holds at once: 264 on an H100), below r = 5 as 1. Every
/// variant computes the same sums in the same order: bit-identical results.
void set_blur_fused_variant(int variant);
int blur_fused_variant();
}  // namespace cuda
namespace host {
void blur(Pitched<const float4> src, Pitched<float4> dst, float4* temp, const BlurPlan& plan);
}  // namespace host

}  // namespace imagecuda::detail
