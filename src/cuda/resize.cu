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

/// Exact 2:1 reductions with 4 taps per axis (antialiased bilinear, point bicubic): output o's
/// taps are source pixels 2o-1 .. 2o+2, where the table's first index is 2o-1 (or 2o where the
/// left edge clips tap 2o-1: its weights are then shifted into the same frame). Each lane owns
/// one output column and walks `half_rows` output rows. It loads only its own source pixels 2o
/// and 2o+1 of each source row (a warp reads 1 KB contiguous) and takes 2o-1 and 2o+2 from its
/// neighbours by shuffles (lanes 0 and 31 load them), so every source pixel is read once;
/// consecutive output rows share two source rows, whose horizontal sums stay in registers.
/// Same sums in the same order as ResizeFiltered (zero-weight taps skipped): bit-identical to
/// the CPU backend. A lane whose table does not fit the frame (never for these filters) takes
/// ResizeFiltered's own sum.
constexpr int half_warps = 8;
__device__ __forceinline__ float4 shfl4(float4 v, int delta, bool up) {
  constexpr unsigned all = 0xffffffffu;
  if (up) return make4(__shfl_up_sync(all, v.x, delta), __shfl_up_sync(all, v.y, delta),
                       __shfl_up_sync(all, v.z, delta), __shfl_up_sync(all, v.w, delta));
  return make4(__shfl_down_sync(all, v.x, delta), __shfl_down_sync(all, v.y, delta),
               __shfl_down_sync(all, v.z, delta), __shfl_down_sync(all, v.w, delta));
}
/// The weights of a table entry (first index `first`, weights w[0..3]) in the frame 2o-1 ..
/// 2o+2; false when a nonzero weight falls outside the frame.
__device__ __forceinline__ bool half_frame(int o, int first, const float (&w)[4], float (&e)[4]) {
  const int s = first - (2 * o - 1);
  bool ok = true;
#pragma unroll
  for (int k = 0; k < 4; ++k) e[k] = 0.f;
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int k = i + s;
    if (k >= 0 && k < 4)
      e[k] = w[i];
    else if (w[i] != 0.f)
      ok = false;
  }
  return ok;
}
__device__ __forceinline__ float4 half_sum(const float4 (&t)[4], const float (&e)[4]) {
  float4 acc = make4(0.f, 0.f, 0.f, 0.f);
#pragma unroll
  for (int k = 0; k < 4; ++k)
    if (e[k] != 0.f) fma4(acc, t[k], e[k]);
  return acc;
}
/// One lane's output column of a 2:1 reduction: its column weights in the frame 2o-1 .. 2o+2,
/// the horizontal sum of a source row, and the output from four such sums.
struct HalfColumn {
  const ResizeFiltered& f;
  int lane, ox, o, xa, xh;
  float ex[4];
  bool okx;
  __device__ HalfColumn(const ResizeFiltered& fil, int dst_w) : f(fil), lane(int(threadIdx.x)) {
    ox = blockIdx.x * 32 + lane;
    o = min(ox, dst_w - 1);  // lanes past the edge load valid pixels, store nothing
    float w[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) w[i] = f.wx_at(o, i);
    okx = half_frame(o, f.first_x[o], w, ex);
    xa = 2 * o;                                                            // 2o and 2o+1: always inside
    xh = lane == 0 ? max(xa - 1, 0) : min(xa + 2, f.src.width - 1);  // lane 0: 2o-1, lane 31: 2o+2
  }
  __device__ __forceinline__ float4 hsum(int row) const {
    const float4* r = f.src.row(clampi(row, 0, f.src.height - 1));
    const float4 p0 = premultiply(__ldg(r + xa)), p1 = premultiply(__ldg(r + xa + 1));
    float4 ph = p0;
    if (lane == 0 || lane == 31) ph = premultiply(__ldg(r + xh));
    float4 t[4] = {shfl4(p1, 1, true), p0, p1, shfl4(p0, 1, false)};
    if (lane == 0) t[0] = ph;
    if (lane == 31) t[3] = ph;
    return half_sum(t, ex);
  }
  /// Output row oy from the horizontal sums of source rows 2oy-1 .. 2oy+2.
  __device__ __forceinline__ float4 out(const float4 (&h)[4], int oy) const {
    float wy[4], ey[4];
#pragma unroll
    for (int j = 0; j < 4; ++j) wy[j] = f.wy[std::size_t(oy) * 4 + j];
    const bool oky = half_frame(oy, f.first_y[oy], wy, ey);
    return okx && oky ? f.finish(half_sum(h, ey)) : f(o, oy);
  }
};

/// HR output rows per warp, each warp on its own; MINB blocks per SM for the register budget.
template <int HR, int MINB>
__global__ void __launch_bounds__(32 * half_warps, MINB) resize_half_kernel(Pitched<float4> dst, const __grid_constant__ ResizeFiltered f) {
  const int oy0 = (blockIdx.y * half_warps + threadIdx.y) * HR;
  if (oy0 >= dst.height) return;  // the whole warp
  const HalfColumn c(f, dst.width);
  float4 h[4];
  h[0] = c.hsum(2 * oy0 - 1);
  h[1] = c.hsum(2 * oy0);
#pragma unroll
  for (int k = 0; k < HR; ++k) {
    const int oy = min(oy0 + k, dst.height - 1);  // past the bottom: recomputes the last row, stores nothing
    h[2] = c.hsum(2 * oy + 1);
    h[3] = c.hsum(2 * oy + 2);
    const float4 v = c.out(h, oy);
    if (c.ox < dst.width && oy0 + k < dst.height) dst.row(oy)[c.ox] = v;
    h[0] = h[2];
    h[1] = h[3];
  }
}

/// The block's 8 warps on 8 consecutive output rows: the 18 source rows they need are summed
/// horizontally once (warp w: local rows 2w and 2w+1, warps 0 and 1 also 16 and 17) into shared
/// memory, then warp w sums its four.
__global__ void __launch_bounds__(32 * half_warps, 4) resize_half_block_kernel(Pitched<float4> dst, const __grid_constant__ ResizeFiltered f) {
  __shared__ float4 hs[2 * half_warps + 2][32];
  const int w = threadIdx.y, lane = threadIdx.x;
  const int oy0 = blockIdx.y * half_warps;
  const HalfColumn c(f, dst.width);
  const int r0 = 2 * oy0 - 1;  // local row k is source row r0 + k
  hs[2 * w][lane] = c.hsum(r0 + 2 * w);
  hs[2 * w + 1][lane] = c.hsum(r0 + 2 * w + 1);
  if (w < 2) hs[2 * half_warps + w][lane] = c.hsum(r0 + 2 * half_warps + w);
  __syncthreads();
  const int oy = oy0 + w;
  if (oy >= dst.height) return;
  const float4 h[4] = {hs[2 * w][lane], hs[2 * w + 1][lane], hs[2 * w + 2][lane], hs[2 * w + 3][lane]};
  const float4 v = c.out(h, oy);
  if (c.ox < dst.width) dst.row(oy)[c.ox] = v;
}

/// The 2:1 kernel's shape (set_resize_half_variant): 0, none (the tiled kernel); 1, 4 output
/// rows per warp, rows unrolled (3 blocks per SM); 2, 2 rows per warp (4 blocks per SM); 3, one
/// row per warp (its 4 source rows' 12 loads all in flight at once; 4 blocks per SM); 4, one row
/// per warp, the block's source rows summed once into shared memory (4 blocks per SM).
constexpr int half_default = 1;
int g_half_variant = -1;

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
}  // namespace

void set_resize_half_variant(int variant) { g_half_variant = variant; }
int resize_half_variant() { return g_half_variant; }

void resize_sample(Pitched<float4> dst, ResizeSample f, cudaStream_t s) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g, s, "resize"); });
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
  if (f.kx == 4 && f.ky == 4 && f.src.width == 2 * dst.width && f.src.height == 2 * dst.height) {
    // Exact 2:1 (antialiased bilinear, point bicubic): every source pixel read once. Measured on
    // the H100, 4K -> 1080p antialiased bilinear: variant 0 (tiled) 71.2 us, 1 88.1 us.
    auto go = [&](auto kernel, int rows) {
      const int warps_y = (dst.height + rows - 1) / rows;
      kernel<<<dim3((dst.width + 31) / 32, (warps_y + half_warps - 1) / half_warps), dim3(32, half_warps), 0, s>>>(dst, f);
    };
    const int v = g_half_variant >= 0 ? g_half_variant : half_default;
    if (v >= 1 && v <= 4) {
      if (v == 1)
        go(resize_half_kernel<4, 3>, 4);
      else if (v == 2)
        go(resize_half_kernel<2, 4>, 2);
      else if (v == 3)
        go(resize_half_kernel<1, 4>, 1);
      else
        go(resize_half_block_kernel, 1);
      return check_launch("resize");
    }
    // v == 0: the general tiled kernel below
  }
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
