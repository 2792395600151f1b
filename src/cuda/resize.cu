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
/// the row taps from shared memory. Same fma order as ResizeFiltered::operator().
__global__ void __launch_bounds__(block_x* block_y) resize_tiled_kernel(Pitched<float4> dst, ResizeFiltered f,
                                                                        int tile_rows) {
  extern __shared__ float4 rows[];  // [tile_rows][block_x]
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int ox = blockIdx.x * block_x + tx;
  const int oy0 = blockIdx.y * block_y;
  const int oy_last = min(oy0 + block_y - 1, dst.height - 1);
  const int r0 = max(f.first_y[oy0], 0);
  int r1 = min(f.first_y[oy_last] + f.ky, f.src.height);
  if (r1 - r0 > tile_rows) r1 = r0 + tile_rows;  // never: the host sizes tile_rows for the worst case
  if (ox < dst.width) {
    for (int r = ty; r < r1 - r0; r += block_y) rows[r * block_x + tx] = f.row_sum(ox, r0 + r);
  }
  __syncthreads();
  const int oy = oy0 + ty;
  if (ox >= dst.width || oy >= dst.height) return;
  const int y0 = f.first_y[oy] - r0;
  const float* cy = f.wy + std::size_t(oy) * f.ky;
  float4 acc = make4(0.f, 0.f, 0.f, 0.f);
  for (int j = 0; j < f.ky; ++j) {
    const float w = cy[j];
    if (w != 0.f) fma4(acc, rows[(y0 + j) * block_x + tx], w);
  }
  dst.row(oy)[ox] = f.finish(acc);
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
  const std::size_t smem = std::size_t(tile_rows) * block_x * sizeof(float4);
  resize_tiled_kernel<<<grid_for(dst.width, dst.height), dim3(block_x, block_y), smem, s>>>(dst, f, tile_rows);
  check_launch("resize");
}
}  // namespace imagecuda::detail::cuda
