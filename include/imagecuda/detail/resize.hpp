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

/// Fills one axis' table: first[o] and weights[o * taps .. + taps) (see AxisFilter).
struct ResizeAxisTable {
  AxisFilter f;
  int* first;
  float* weights;
  IMAGECUDA_HD void operator()(int o) const { first[o] = f.weights(o, weights + std::size_t(o) * f.taps); }
};

/// Resampling from precomputed per-column and per-row weights (AxisFilter): for each row tap j,
/// the row's horizontal sum over the column taps, then the weighted sum of those, on
/// premultiplied colour, un-premultiplied at the end (lanczos then clamps to [0,1] like the
/// reference). Zero weights are skipped without reading (they mark taps outside the source).
/// The CUDA tiled kernel computes the same sums in the same order (bit-identical).
struct ResizeFiltered {
  Pitched<const float4> src;
  const int* first_x;
  const float* wx;
  int kx;
  const int* first_y;
  const float* wy;
  int ky;
  bool clamp;

  /// Horizontal pass of output column x over source row `row`.
  IMAGECUDA_HD float4 row_sum(int x, int row) const {
    const int x0 = first_x[x];
    const float* cx = wx + std::size_t(x) * kx;
    const float4* r = src.row(row);
    float4 acc = make4(0.f, 0.f, 0.f, 0.f);
    for (int i = 0; i < kx; ++i) {
      const float w = cx[i];
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

/// Output rows per block of the CUDA tiled kernel, and the most source rows one block may need
/// (first_y is non-decreasing: rows first_y[oy0] .. first_y[oy0 + 7] + ky - 1).
inline constexpr int resize_tile_rows = 8;
IMAGECUDA_HD inline int resize_tile_src_rows(float scale_y, int ky) {
  return int(ceilf(float(resize_tile_rows - 1) * scale_y)) + 2 + ky;
}

namespace cuda {
void resize_sample(Pitched<float4> dst, ResizeSample f, cudaStream_t stream);
/// Fills both tables in one launch: outputs 0..nx-1 of x, then 0..ny-1 of y.
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y, cudaStream_t stream);
/// Tiled (a block's source rows filtered horizontally into shared memory once) when
/// `tile_rows` > 0 source rows fit in shared memory, else one output pixel per thread.
void resize_filtered(Pitched<float4> dst, ResizeFiltered f, int tile_rows, cudaStream_t stream);
}  // namespace cuda
namespace host {
void resize_sample(Pitched<float4> dst, ResizeSample f);
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y);
void resize_filtered(Pitched<float4> dst, ResizeFiltered f);
}  // namespace host

}  // namespace imagecuda::detail
