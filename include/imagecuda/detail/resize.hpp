// SPDX-License-Identifier: MIT
/// @file resize.hpp  Per-pixel formulas of the resize module (point-sampled and antialiased) and
/// the launchers' declarations. The samplers themselves live in sampler.hpp.
#pragma once

#include <driver_types.h>

#include <cstddef>

#include "sampler.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// The reference's resize: sx = (dx + 0.5) * (sw / dw) - 0.5 (pixel-centre aligned), then one
/// point sample. The mapping is one explicit fmaf, as nvcc compiles the reference's kernel, so
/// both backends (and the reference) pick the same taps.
struct ResizeSample {
  Sampler s;
  float scale_x, scale_y;  // sw / dw, sh / dh
  template <SampleMode M>
  IMAGECUDA_HD float4 at(int x, int y) const {
    const float sx = fmaf(float(x) + 0.5f, scale_x, -0.5f);
    const float sy = fmaf(float(y) + 0.5f, scale_y, -0.5f);
    return s.template sample<M>(sx, sy);
  }
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float sx = fmaf(float(x) + 0.5f, scale_x, -0.5f);
    const float sy = fmaf(float(y) + 0.5f, scale_y, -0.5f);
    return s(sx, sy);
  }
};

/// Fills one axis' table: first[o] and the weights of output o at weights[o * out_stride +
/// k * tap_stride] (x: tap-major, out_stride 1 and tap_stride = the output width, so that a warp's
/// consecutive columns read consecutive weights; y: row-major, out_stride = taps, tap_stride 1).
struct ResizeAxisTable {
  AxisFilter f;
  int* first;
  float* weights;
  std::size_t out_stride, tap_stride;
  IMAGECUDA_HD void operator()(int o) const {
    first[o] = f.weights(o, weights + std::size_t(o) * out_stride, tap_stride);
  }
};

/// Resampling from precomputed per-column and per-row weights (AxisFilter): for each row tap j,
/// the row's horizontal sum over the column taps, then the weighted sum of those, on
/// premultiplied colour, un-premultiplied at the end (lanczos then clamps to [0,1] like the
/// reference). Zero weights are skipped without reading (they mark taps outside the source).
/// Every path computes exactly these sums in this order (bit-identical across backends): the
/// CUDA tiled kernel (horizontal sums of a block's source rows in shared memory) and the
/// two-pass form (all horizontal sums into an intermediate image, then the vertical sums).
struct ResizeFiltered {
  Pitched<const float4> src;
  const int* first_x;
  const float* wx;  // tap-major: weight i of column x at wx[i * dst_w + x]
  int kx;
  int dst_w;
  const int* first_y;
  const float* wy;  // row-major: weight j of row y at wy[y * ky + j]
  int ky;
  bool clamp;

  IMAGECUDA_HD float wx_at(int x, int i) const { return wx[std::size_t(i) * std::size_t(dst_w) + std::size_t(x)]; }

  /// Horizontal pass of output column x over source row `row`.
  IMAGECUDA_HD float4 row_sum(int x, int row) const {
    const int x0 = first_x[x];
    const float4* r = src.row(row);
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    for (int i = 0; i < kx; ++i) {
      const float w = wx_at(x, i);
      if (w != 0.f) fma4(acc, premultiply(r[x0 + i]), w);
    }
    return acc;
  }
  IMAGECUDA_HD float4 finish(float4 acc) const {
    const float4 o = unpremultiply(acc);
    return clamp ? make4(clamp01(o.x), clamp01(o.y), clamp01(o.z), clamp01(o.w)) : o;
  }
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int y0 = first_y[y];
    const float* cy = wy + std::size_t(y) * ky;
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    for (int j = 0; j < ky; ++j) {
      const float w = cy[j];
      if (w != 0.f) fma4(acc, row_sum(x, y0 + j), w);
    }
    return finish(acc);
  }
};

/// Area reduction by integer factors: output (x, y) is the mean of the source block
/// [x kx, x kx + kx) x [y ky, y ky + ky). The weight tables of this case hold exactly 1/kx and 1/ky
/// (overlaps of 1, normalised by their exact sum; the last tap of each output weighs 0) and first
/// taps x kx, y ky, so this computes ResizeFiltered's sums in its order, without the tables:
/// acc = sum over j of (sum over i of premultiply(p) * wx, fma by fma) * wy, then unpremultiply.
struct AreaBlocks {
  Pitched<const float4> src;
  int kx, ky;
  float wx, wy;  // 1.0f / kx, 1.0f / ky (IEEE division on both backends)
  /// KX, KY > 0: the factors as compile-time constants (the CUDA kernel's 2x2 case, loops
  /// unrolled); 0: kx, ky. The GPU reads the source with evict-first loads (read once).
  template <int KX, int KY>
  IMAGECUDA_HD float4 at(int x, int y) const {
    const int nx = KX > 0 ? KX : kx, ny = KY > 0 ? KY : ky;
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    IMAGECUDA_UNROLL
    for (int j = 0; j < ny; ++j) {
      const float4* r = src.row(y * ny + j) + std::size_t(x) * std::size_t(nx);
      float4 row = make4(0.f, 0.f, 0.f, 0.f);
      IMAGECUDA_UNROLL
      for (int i = 0; i < nx; ++i) {
#if defined(__CUDA_ARCH__)
        fma4(row, premultiply(__ldcs(r + i)), wx);
#else
        fma4(row, premultiply(r[i]), wx);
#endif
      }
      fma4(acc, row, wy);
    }
    return unpremultiply(acc);
  }
  IMAGECUDA_HD float4 operator()(int x, int y) const { return at<0, 0>(x, y); }
};

/// Two-pass form, pass 1: mid(x, r) = row_sum(x, r) for every source row r (mid: dst_w x src_h).
struct ResizeRows {
  ResizeFiltered f;
  IMAGECUDA_HD float4 operator()(int x, int r) const { return f.row_sum(x, r); }
};
/// Two-pass form, pass 2: the vertical sums of ResizeFiltered over the rows of `mid`.
struct ResizeCols {
  ResizeFiltered f;
  Pitched<const float4> mid;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int y0 = f.first_y[y];
    const float* cy = f.wy + std::size_t(y) * f.ky;
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    for (int j = 0; j < f.ky; ++j) {
      const float w = cy[j];
      if (w != 0.f) fma4(acc, mid.row(y0 + j)[x], w);
    }
    return f.finish(acc);
  }
};

/// The most source rows one block of `out_rows` output rows may need (first_y is
/// non-decreasing: rows first_y[oy0] .. first_y[oy0 + out_rows - 1] + ky - 1).
IMAGECUDA_HD inline int resize_tile_src_rows(float scale_y, int ky, int out_rows) {
  return int(ceilf(float(out_rows - 1) * scale_y)) + 2 + ky;
}
namespace cuda {
void resize_sample(Pitched<float4> dst, ResizeSample f, cudaStream_t stream);
/// Fills both tables in one launch: outputs 0..nx-1 of x, then 0..ny-1 of y.
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y, cudaStream_t stream);
/// Tiled (a block's source rows filtered horizontally into shared memory once) when its
/// source rows fit in shared memory (scale_y = src_h / dst_h sizes them), else one output pixel
/// per thread.
void resize_filtered(Pitched<float4> dst, ResizeFiltered f, float scale_y, cudaStream_t stream);
/// The two-pass form: ResizeRows into `mid` (a block's row segment of the source staged
/// premultiplied in shared memory; scale_x = src_w / dst_w sizes it), then ResizeCols into dst.
void resize_two_pass(Pitched<float4> dst, ResizeFiltered f, Pitched<float4> mid, float scale_x, cudaStream_t stream);
/// AreaBlocks: one thread per output pixel reads its block straight from the source (each source
/// pixel once, evict-first loads; streaming stores).
void resize_area_blocks(Pitched<float4> dst, const AreaBlocks& f, cudaStream_t stream);
/// Test and benchmark hook: 0 (default) AreaBlocks where it applies; 1 never (the weight tables
/// and the tiled or two-pass kernels, as for a fractional factor: the same sums).
void set_resize_area_variant(int v);
[[nodiscard]] int resize_area_variant();
/// set_resize_area_variant(v) for a scope, back to 0 at its end (also when a test throws).
class ScopedResizeAreaVariant {
 public:
  explicit ScopedResizeAreaVariant(int v) { set_resize_area_variant(v); }
  ~ScopedResizeAreaVariant() { set_resize_area_variant(0); }
  ScopedResizeAreaVariant(const ScopedResizeAreaVariant&) = delete;
  ScopedResizeAreaVariant& operator=(const ScopedResizeAreaVariant&) = delete;
};
}  // namespace cuda
namespace host {
void resize_sample(Pitched<float4> dst, ResizeSample f);
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y);
void resize_filtered(Pitched<float4> dst, ResizeFiltered f);
void resize_two_pass(Pitched<float4> dst, ResizeFiltered f, Pitched<float4> mid);
void resize_area_blocks(Pitched<float4> dst, const AreaBlocks& f);
}  // namespace host

}  // namespace imagecuda::detail
