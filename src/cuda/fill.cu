// SPDX-License-Identifier: MIT
/// @file fill.cu  CUDA launchers of the fill module (the formulas live in detail/fill.hpp).
#include "imagecuda/detail/fill.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void fill_color(Pitched<float4> dst, FillColor f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::color"); }
void fill_gradient(Pitched<float4> dst, FillGradient f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::gradient"); }
void fill_checkerboard(Pitched<float4> dst, FillCheckerboard f, cudaStream_t s) {
  generate_or_fuse(dst, f, s, "fill::checkerboard");
}
void fill_grid(Pitched<float4> dst, FillGrid f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::grid"); }
void fill_stripes(Pitched<float4> dst, FillStripes f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::stripes"); }
void fill_dots(Pitched<float4> dst, FillDots f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::dots"); }
void fill_circle(Pitched<float4> dst, FillCircle f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::circle"); }
void fill_noise(Pitched<float4> dst, FillNoise f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::noise"); }

namespace {
// perlin: each thread evaluates a span of 8 consecutive pixels (a lattice cell's corner gradients
// are computed once per span instead of once per pixel), staged through shared memory so that the
// warp's global stores stay coalesced. A block is 32x8 threads over 256x8 pixels.
constexpr int perlin_span = 8;
__global__ void __launch_bounds__(block_x* block_y) perlin_kernel(Pitched<float4> dst, const FillPerlin f) {
  // [row][k][thread] with a padded thread dimension: conflict-free writes (fixed k, consecutive
  // threads) and reads (8 consecutive pixels = 8 different k at stride 33).
  __shared__ float4 tile[block_y][perlin_span][block_x + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int y = blockIdx.y * block_y + ty;
  const int x_block = blockIdx.x * (block_x * perlin_span);
  float4 px[perlin_span];
  f.span<perlin_span>(x_block + tx * perlin_span, y, perlin_span, px);  // rows past the end too: no memory touched
#pragma unroll
  for (int k = 0; k < perlin_span; ++k) tile[ty][k][tx] = px[k];
  __syncwarp();  // each warp reads back only its own row
  if (y >= dst.height) return;
  float4* row = dst.row(y);
#pragma unroll
  for (int j = 0; j < perlin_span; ++j) {
    const int p = j * block_x + tx;  // pixel within the block's 256
    const int x = x_block + p;
    if (x < dst.width) row[x] = tile[ty][p % perlin_span][p / perlin_span];
  }
}
}  // namespace

void fill_perlin(Pitched<float4> dst, const FillPerlin& f, cudaStream_t s) {
  const dim3 grid((dst.width + block_x * perlin_span - 1) / (block_x * perlin_span), (dst.height + block_y - 1) / block_y);
  perlin_kernel<<<grid, dim3(block_x, block_y), 0, s>>>(dst, f);
  check_launch("fill::perlin");
}
void fill_ngon(Pitched<float4> dst, FillNgon f, cudaStream_t s) { generate_or_fuse(dst, f, s, "fill::ngon"); }
}  // namespace imagecuda::detail::cuda
