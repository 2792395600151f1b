// SPDX-License-Identifier: MIT
/// @file resize.cu  CUDA launchers of the resize module (the formulas live in detail/resize.hpp).
#include "imagecuda/detail/resize.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {
__global__ void __launch_bounds__(256) axis_tables_kernel(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y) {
  const int o = blockIdx.x * 256 + threadIdx.x;
  if (o < nx)
    x(o);
  else if (o < nx + ny)
    y(o - nx);
}

/// One block: 32 output columns x 8 output rows. Pass 1 filters the block's source rows
/// horizontally (each thread one column, rows strided by 8) into shared memory; pass 2 sums
/// the row taps from shared memory. Same fma order as ResizeFiltered::operator() (bit-identical
/// to the CPU backend). KX/KY > 0: the tap counts as compile-time constants (weights held in
/// registers, loops unrolled); 0: the runtime counts.
template <int KX, int KY>
__global__ void __launch_bounds__(block_x* block_y) resize_tiled_kernel(Pitched<float4> dst, ResizeFiltered f,
                                                                        int tile_rows) {
  extern __shared__ float4 rows[];  // [tile_rows][block_x]
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int ox = blockIdx.x * block_x + tx;
  const int oy0 = blockIdx.y * block_y;
  const int oy_last = min(oy0 + block_y - 1, dst.height - 1);
  const int ky = KY > 0 ? KY : f.ky;
  const int r0 = max(f.first_y[oy0], 0);
  int r1 = min(f.first_y[oy_last] + ky, f.src.height);
  if (r1 - r0 > tile_rows) r1 = r0 + tile_rows;  // never: the host sizes tile_rows for the worst case
  if (ox < dst.width) {
    if constexpr (KX > 0) {
      float w[KX];
      const float* cx = f.wx + std::size_t(ox) * KX;
#pragma unroll
      for (int i = 0; i < KX; ++i) w[i] = cx[i];
      const int x0 = f.first_x[ox];
      for (int r = ty; r < r1 - r0; r += block_y) {
        const float4* src = f.src.row(r0 + r);
        float4 acc = make4(0.f, 0.f, 0.f, 0.f);
#pragma unroll
        for (int i = 0; i < KX; ++i)
          if (w[i] != 0.f) fma4(acc, premultiply(src[x0 + i]), w[i]);
        rows[r * block_x + tx] = acc;
      }
    } else {
      for (int r = ty; r < r1 - r0; r += block_y) rows[r * block_x + tx] = f.row_sum(ox, r0 + r);
    }
  }
  __syncthreads();
  const int oy = oy0 + ty;
  if (ox >= dst.width || oy >= dst.height) return;
  const int y0 = f.first_y[oy] - r0;
  const float* cy = f.wy + std::size_t(oy) * ky;
  float4 acc = make4(0.f, 0.f, 0.f, 0.f);
  if constexpr (KY > 0) {
#pragma unroll
    for (int j = 0; j < KY; ++j) {
      const float w = cy[j];
      if (w != 0.f) fma4(acc, rows[(y0 + j) * block_x + tx], w);
    }
  } else {
    for (int j = 0; j < ky; ++j) {
      const float w = cy[j];
      if (w != 0.f) fma4(acc, rows[(y0 + j) * block_x + tx], w);
    }
  }
  dst.row(oy)[ox] = f.finish(acc);
}

template <int KX, int KY>
void launch_tiled(Pitched<float4> dst, const ResizeFiltered& f, int tile_rows, cudaStream_t s) {
  const std::size_t smem = std::size_t(tile_rows) * block_x * sizeof(float4);
  resize_tiled_kernel<KX, KY><<<grid_for(dst.width, dst.height), dim3(block_x, block_y), smem, s>>>(dst, f, tile_rows);
}
}  // namespace

void resize_sample(Pitched<float4> dst, ResizeSample f, cudaStream_t s) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g, s, "resize"); });
}
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y, cudaStream_t s) {
  axis_tables_kernel<<<(nx + ny + 255) / 256, 256, 0, s>>>(nx, x, ny, y);
  check_launch("resize");
}
void resize_filtered(Pitched<float4> dst, ResizeFiltered f, int tile_rows, cudaStream_t s) {
  static_assert(block_y == resize_tile_rows);
  if (tile_rows <= 0) return generate(dst, f, s, "resize");
  // The common tap counts get unrolled kernels: 2:1 tent (4), bicubic (4), lanczos (6).
  if (f.kx == 4 && f.ky == 4)
    launch_tiled<4, 4>(dst, f, tile_rows, s);
  else if (f.kx == 6 && f.ky == 6)
    launch_tiled<6, 6>(dst, f, tile_rows, s);
  else
    launch_tiled<0, 0>(dst, f, tile_rows, s);
  check_launch("resize");
}
}  // namespace imagecuda::detail::cuda
