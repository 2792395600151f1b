// SPDX-License-Identifier: MIT
/// @file resize.cu  CUDA launchers of the resize module (the formulas live in detail/resize.hpp).
#include "imagecuda/detail/resize.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {
constexpr std::size_t smem_limit = 48 * 1024;

__global__ void __launch_bounds__(256) axis_tables_kernel(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y) {
  const int o = blockIdx.x * 256 + threadIdx.x;
  if (o < nx)
    x(o);
  else if (o < nx + ny)
    y(o - nx);
}

/// Streaming store (evict-first: the output is not read again, the source stays in L2).
template <bool CS>
__device__ __forceinline__ void put(float4* p, float4 v) {
  if constexpr (CS)
    __stcs(p, v);
  else
    *p = v;
}

/// One block: 32 output columns x 8 R output rows. Pass 1 filters the block's source rows
/// horizontally (each thread one column, rows strided by 8) into shared memory; pass 2 sums
/// the row taps from shared memory, R output rows per thread. Same fma order as
/// ResizeFiltered::operator() (bit-identical to the CPU backend). KX/KY > 0: the tap counts as
/// compile-time constants (weights held in registers, loops unrolled); 0: the runtime counts.
/// MINB: the blocks per SM the registers must allow (8 for the upscaling bicubic/lanczos
/// kernels: measured on the H100, 259 instead of 282 µs for bicubic 2x of 4K). CS: streaming stores.
template <int KX, int KY, int R, bool CS, int MINB>
__global__ void __launch_bounds__(block_x* block_y, MINB)
    resize_tiled_kernel(Pitched<float4> dst, ResizeFiltered f, int tile_rows) {
  extern __shared__ float4 rows[];  // [tile_rows][block_x]
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int ox = blockIdx.x * block_x + tx;
  const int oy0 = blockIdx.y * (block_y * R);
  const int oy_last = min(oy0 + block_y * R - 1, dst.height - 1);
  const int ky = KY > 0 ? KY : f.ky;
  const int r0 = max(f.first_y[oy0], 0);
  int r1 = min(f.first_y[oy_last] + ky, f.src.height);
  if (r1 - r0 > tile_rows) r1 = r0 + tile_rows;  // never: the host sizes tile_rows for the worst case
  if (ox < dst.width) {
    if constexpr (KX > 0) {
      float w[KX];
#pragma unroll
      for (int i = 0; i < KX; ++i) w[i] = f.wx_at(ox, i);
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
  if (ox >= dst.width) return;
#pragma unroll
  for (int k = 0; k < R; ++k) {
    const int oy = oy0 + ty + block_y * k;
    if (oy >= dst.height) return;
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
    put<CS>(dst.row(oy) + ox, f.finish(acc));
  }
}

template <int KX, int KY, int R, bool CS, int MINB>
void launch_tiled(Pitched<float4> dst, const ResizeFiltered& f, int tile_rows, cudaStream_t s) {
  const std::size_t smem = std::size_t(tile_rows) * block_x * sizeof(float4);
  const dim3 grid((dst.width + block_x - 1) / block_x, (dst.height + block_y * R - 1) / (block_y * R));
  resize_tiled_kernel<KX, KY, R, CS, MINB><<<grid, dim3(block_x, block_y), smem, s>>>(dst, f, tile_rows);
}
template <int KX, int KY, int R>
void launch_tiled_cs(Pitched<float4> dst, const ResizeFiltered& f, int tile_rows, bool cs, cudaStream_t s) {
  constexpr int minb = (KX == 4 || KX == 6) && R >= 4 ? 8 : 1;
  if (cs)
    launch_tiled<KX, KY, R, true, minb>(dst, f, tile_rows, s);
  else
    launch_tiled<KX, KY, R, false, minb>(dst, f, tile_rows, s);
}
template <int KX, int KY>
void launch_tiled_r(Pitched<float4> dst, const ResizeFiltered& f, int r, int tile_rows, bool cs, cudaStream_t s) {
  if (r == 8)
    launch_tiled_cs<KX, KY, 8>(dst, f, tile_rows, cs, s);
  else if (r == 4)
    launch_tiled_cs<KX, KY, 4>(dst, f, tile_rows, cs, s);
  else if (r == 2)
    launch_tiled_cs<KX, KY, 2>(dst, f, tile_rows, cs, s);
  else
    launch_tiled_cs<KX, KY, 1>(dst, f, tile_rows, cs, s);
}

/// Two-pass form, pass 1: one block = blockDim.y source rows x blockDim.x output columns. Each
/// row's segment the block reads is staged premultiplied in shared memory by coalesced loads;
/// each thread then sums its column's taps from it (weights tap-major: coalesced, and shared by
/// the block's rows through L1). Same sums in the same order as ResizeFiltered::row_sum.
__global__ void __launch_bounds__(256) resize_rows_kernel(Pitched<float4> mid, ResizeFiltered f, int seg_px) {
  extern __shared__ float4 segs[];
  float4* seg = segs + std::size_t(threadIdx.y) * seg_px;
  const int xb = blockIdx.x * blockDim.x;
  const int xe = min(xb + int(blockDim.x), mid.width);
  const int r = blockIdx.y * blockDim.y + threadIdx.y;
  const int lo = f.first_x[xb];
  int hi = min(f.first_x[xe - 1] + f.kx, f.src.width);
  if (hi - lo > seg_px) hi = lo + seg_px;  // never: the host sizes seg_px for the worst case
  if (r < mid.height) {
    const float4* row = f.src.row(r);
    for (int i = threadIdx.x; i < hi - lo; i += blockDim.x) seg[i] = premultiply(row[lo + i]);
  }
  __syncthreads();
  const int x = xb + threadIdx.x;
  if (x >= xe || r >= mid.height) return;
  const int x0 = f.first_x[x] - lo;
  const float* w = f.wx + x;
  const std::size_t ws = std::size_t(f.dst_w);
  float4 acc = make4(0.f, 0.f, 0.f, 0.f);
#pragma unroll 4
  for (int i = 0; i < f.kx; ++i) {
    const float wi = w[std::size_t(i) * ws];
    if (wi != 0.f) fma4(acc, seg[x0 + i], wi);
  }
  mid.row(r)[x] = acc;
}
/// AreaBlocks, one output pixel per thread (KX, KY > 0: the factors at compile time; 0: at run
/// time), the functor's own sums; streaming stores (the output is not read again).
template <int KX, int KY>
__global__ void __launch_bounds__(block_x* block_y) area_blocks_kernel(Pitched<float4> dst, AreaBlocks f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < dst.width && y < dst.height) put<true>(dst.row(y) + x, f.template at<KX, KY>(x, y));
}

int g_area_variant = 0;

/// Point sampling (nearest, bilinear, bicubic without tables): two output rows per thread, y and
/// y + block_y (a block covers 32 x 16 outputs), both computed before either is stored, with
/// streaming stores. On the H100, bilinear 2x of 4K: 234.7 us against 251.2 with one output per
/// thread (NPP 236.9; session 7, docs/resize.md). The sums are the generate kernel's.
template <class F>
__global__ void __launch_bounds__(block_x* block_y) sample_kernel(Pitched<float4> dst, F f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y0 = blockIdx.y * (2 * block_y) + threadIdx.y, y1 = y0 + block_y;
  if (x >= dst.width || y0 >= dst.height) return;
  const bool second = y1 < dst.height;
  const float4 a = f(x, y0);
  float4 b{};
  if (second) b = f(x, y1);
  __stcs(dst.row(y0) + x, a);
  if (second) __stcs(dst.row(y1) + x, b);
}
}  // namespace

void set_resize_area_variant(int v) { g_area_variant = v; }

int resize_area_variant() { return g_area_variant; }

void resize_area_blocks(Pitched<float4> dst, const AreaBlocks& f, cudaStream_t s) {
  const dim3 grid = grid_for(dst.width, dst.height), block(block_x, block_y);
  if (f.kx == 2 && f.ky == 2)
    area_blocks_kernel<2, 2><<<grid, block, 0, s>>>(dst, f);
  else if (f.kx == 4 && f.ky == 4)
    area_blocks_kernel<4, 4><<<grid, block, 0, s>>>(dst, f);
  else
    area_blocks_kernel<0, 0><<<grid, block, 0, s>>>(dst, f);
  check_launch("resize");
}

void resize_sample(Pitched<float4> dst, ResizeSample f, cudaStream_t s) {
  const dim3 grid((dst.width + block_x - 1) / block_x, (dst.height + 2 * block_y - 1) / (2 * block_y));
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { sample_kernel<<<grid, dim3(block_x, block_y), 0, s>>>(dst, g); });
  check_launch("resize");
}
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y, cudaStream_t s) {
  axis_tables_kernel<<<(nx + ny + 255) / 256, 256, 0, s>>>(nx, x, ny, y);
  check_launch("resize");
}
void resize_filtered(Pitched<float4> dst, ResizeFiltered f, float scale_y, cudaStream_t s) {
  // Output rows per thread: 8 when upscaling (few source rows per output row: the block's
  // horizontal pass is amortised over more outputs), 2 when reducing (1 for tap counts up to 4),
  // fewer while the block's source rows do not fit in shared memory (none fit: untiled).
  // Streaming stores when upscaling (the output is the bulk of the traffic). Measured on the
  // H100 (4K source): bicubic 2x R=1 404 µs, R=2 323, R=4 283, R=8 with 8 blocks/SM 259.
  int r = scale_y < 1.f ? 8 : (f.ky <= 4 ? 1 : 2), tile_rows = 0;
  for (; r >= 1; r /= 2) {
    tile_rows = resize_tile_src_rows(scale_y, f.ky, block_y * r);
    if (std::size_t(tile_rows) * block_x * sizeof(float4) <= smem_limit) break;
  }
  if (r < 1) return generate(dst, f, s, "resize");
  const bool cs = scale_y < 1.f;
  // The common tap counts get unrolled kernels: bicubic and 2:1 tent (4), lanczos (6), 2:1
  // antialiased bicubic (8) and lanczos (12).
  if (f.kx == 4 && f.ky == 4)
    launch_tiled_r<4, 4>(dst, f, r, tile_rows, cs, s);
  else if (f.kx == 6 && f.ky == 6)
    launch_tiled_r<6, 6>(dst, f, r, tile_rows, cs, s);
  else if (f.kx == 8 && f.ky == 8)
    launch_tiled_r<8, 8>(dst, f, r, tile_rows, cs, s);
  else if (f.kx == 12 && f.ky == 12)
    launch_tiled_r<12, 12>(dst, f, r, tile_rows, cs, s);
  else
    launch_tiled_r<0, 0>(dst, f, r, tile_rows, cs, s);
  check_launch("resize");
}
void resize_two_pass(Pitched<float4> dst, ResizeFiltered f, Pitched<float4> mid, float scale_x, cudaStream_t s) {
  // Blocks of `cols` output columns (the widest whose row segment fits in shared memory:
  // measured on the H100, 4K -> 256x144 lanczos takes 150 µs with 128, 160 with 64, 164 with
  // 32) x `rows` source rows (as many as fit, up to 256 threads).
  int cols = 128;
  int seg_px = 0;
  for (; cols >= 32; cols /= 2) {
    seg_px = resize_tile_src_rows(scale_x, f.kx, cols);
    if (std::size_t(seg_px) * sizeof(float4) <= smem_limit) break;
  }
  if (cols >= 32) {
    int rows = 256 / cols;
    while (rows > 1 && std::size_t(rows) * std::size_t(seg_px) * sizeof(float4) > smem_limit) rows /= 2;
    const dim3 grid((mid.width + cols - 1) / cols, (mid.height + rows - 1) / rows);
    resize_rows_kernel<<<grid, dim3(cols, rows), std::size_t(rows) * std::size_t(seg_px) * sizeof(float4), s>>>(
        mid, f, seg_px);
    check_launch("resize");
  } else {
    generate(mid, ResizeRows{f}, s, "resize");
  }
  generate(dst, ResizeCols{f, Pitched<const float4>{mid.data, mid.pitch, mid.width, mid.height}}, s, "resize");
}
}  // namespace imagecuda::detail::cuda
