// SPDX-License-Identifier: MIT
/// @file blur.cu  CUDA launchers of the blur: a fused single-pass direct kernel for small radii,
/// a two-pass direct kernel for large radii, and the sliding cosine-series kernel (O(1) in the
/// radius) which walks columns and writes its result transposed, so two launches blur both axes.
#include <cuda_runtime.h>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <vector>

#include "imagecuda/detail/blur.hpp"
#include "imagecuda/detail/cuda_check.hpp"
#include "cosine_walk.cuh"

namespace imagecuda::detail::cuda {
namespace {

// ---------------------------------------------------------------------------------------------
// Fused direct: one launch, read once, write once. A block of NT threads owns a 32 x TH output tile.
//   A) each warp stages 4 input rows in shared memory (coalesced) and computes 4 adjacent
//      horizontal sums per lane from a register window into `hbuf` ((TH+2R) x 32, shared).
//   B) each thread computes TH/(NT/32) vertically adjacent outputs of one column from `hbuf`.
// Pipe (compile-time radii only): the loads of a warp's next 4 rows are issued (ld.global.nc,
// into registers) before the horizontal sums of the current ones, so that the global latency
// overlaps the arithmetic instead of stalling every row group; the per-lane staging indices
// are computed once.
// ---------------------------------------------------------------------------------------------
constexpr int fused_w = 32;
constexpr int fused_rows_per_warp = 4;
/// Output rows per block of the classic (variant 0) shape: short tiles for tiny radii (more
/// blocks in flight), tall ones for larger radii (less vertical halo per output). Measured on an
/// H100 at 4K: r=3 117.9 us with 32 rows (124.9 with 64), r=10 168.1 us with 128 rows (172.8 with 64).
constexpr int fused_height(int rc) { return rc == 0 ? 64 : (rc <= 4 ? 32 : (rc <= 8 ? 64 : 128)); }
/// Shared-memory index of pixel c of a staged row: one pad float4 every 8, so that 8 lanes
/// reading pixels 4k + j (k = 0..7) touch 8 different 16-byte bank groups.
__host__ __device__ constexpr int skewed(int c) { return c + (c >> 3); }

/// One tap of the register window every blur kernel slides: input v at offset j of a window of N
/// adjacent outputs adds weights[|j - R - o|] * v to output o wherever |j - R - o| <= R (the
/// taps reach each output in increasing j, so every kernel sums in the same order).
template <int N>
__device__ __forceinline__ void window_tap(float4 (&acc)[N], float4 v, int j, int R, const BlurPlan& plan) {
#pragma unroll
  for (int o = 0; o < N; ++o) {
    const int d = j - R - o;
    const int ad = d < 0 ? -d : d;
    if (ad <= R) fma4(acc[o], v, plan.weights[ad]);
  }
}

/// The fused kernel's shapes (see set_blur_fused_variant): tile height, threads, blocks per SM
/// the register budget is set for (launch bounds), and whether the loads are pipelined.
struct FusedShape {
  int th, nt, min_blocks;
  bool pipe;
};
constexpr FusedShape fused_shape(int variant, int rc) {
  if (rc == 0) return {fused_height(0), 256, 1, false};
  switch (variant) {
    case 0: return {fused_height(rc), 256, 1, false};                    // the session-2 kernel
    case 2: return {rc <= 4 ? 32 : 64, 256, 3, true};                    // shorter tiles: 3 blocks/SM at r=10
    case 3: return {32, 128, 5, true};                                   // small blocks: 5 blocks/SM at r=10
    case 4:  // 12 warps of 8 outputs: 24 warps/SM at r=10 with less halo than 2
      return rc <= 4 ? FusedShape{fused_height(rc), 256, 3, true} : FusedShape{96, 384, 2, true};
    default: return {fused_height(rc), 256, rc <= 4 ? 3 : 2, true};      // 1: same tiles, pipelined loads
  }
}

// RC > 0: the radius as a compile-time constant (loops fully unrolled, weights in registers);
// RC == 0: the radius from the plan.
template <int RC, int TH, int NT, int MINB, bool Pipe>
__global__ void __launch_bounds__(NT, MINB)
    blur_fused(Pitched<const float4> src, Pitched<float4> dst, const __grid_constant__ BlurPlan plan) {
  static_assert(!Pipe || RC > 0, "pipelined staging needs a compile-time radius");
  constexpr int warps = NT / 32;
  extern __shared__ float4 smem[];
  const int R = RC > 0 ? RC : plan.radius;
  constexpr int fused_h = TH, per = TH / warps;
  static_assert(per * warps == TH, "tile height must split evenly over the warps");
  const int rows = fused_h + 2 * R;
  const int in_w = fused_w + 2 * R;
  const int slab_w = skewed(in_w) + 1;
  float4* hbuf = smem;  // rows x 32 horizontal sums, premultiplied
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  float4* slab = smem + rows * fused_w + warp * fused_rows_per_warp * slab_w;  // this warp's input rows
  const int x0 = blockIdx.x * fused_w, y0 = blockIdx.y * fused_h;
  const int W = src.width, H = src.height;

  // A) horizontal. Each warp stages 4 input rows (coalesced loads, premultiplied) in its own
  //    slab, stored with one pad every 8 pixels so that the reads below hit distinct banks; then
  //    8 lanes per row compute 4 adjacent sums each from a register window. No block barrier.
  const int lr = lane >> 3, xo = (lane & 7) * 4;
  auto horizontal = [&](int r0, int nr) {
    if (lr < nr) {
      const float4* line = slab + lr * slab_w;
      float4 acc[4] = {};
#pragma unroll(RC > 0 ? 2 * RC + 4 : 1)
      for (int j = 0; j < 2 * R + 4; ++j) {
        const float4 v = line[skewed(xo + j)];
        window_tap(acc, v, j, R, plan);
      }
#pragma unroll
      for (int o = 0; o < 4; ++o) hbuf[(r0 + lr) * fused_w + xo + o] = acc[o];
    }
  };
  if constexpr (Pipe) {
    constexpr int RCc = RC > 0 ? RC : 1;
    constexpr int cin_w = fused_w + 2 * RCc, cslab_w = skewed(cin_w) + 1;
    constexpr int group = fused_rows_per_warp * cin_w;  // pixels per staged row group
    constexpr int lpt = (group + 31) / 32;              // loads per lane per group
    int gx[lpt], gr[lpt], sidx[lpt];                    // source column, row in group, slab index
#pragma unroll
    for (int q = 0; q < lpt; ++q) {
      const int i = lane + 32 * q;
      const int r = i / cin_w, c = i - r * cin_w;
      gr[q] = i < group ? r : fused_rows_per_warp;  // past the group: never loaded
      gx[q] = clampi(x0 - RCc + c, 0, W - 1);
      sidx[q] = r * cslab_w + skewed(c);
    }
    float4 buf[lpt];
    auto fetch = [&](int r0) {
      const int nr = min(fused_rows_per_warp, rows - r0);
#pragma unroll
      for (int q = 0; q < lpt; ++q)
        if (gr[q] < nr) buf[q] = __ldg(src.row(clampi(y0 - RCc + r0 + gr[q], 0, H - 1)) + gx[q]);
    };
    int r0 = warp * fused_rows_per_warp;
    if (r0 < rows) fetch(r0);
    for (; r0 < rows; r0 += warps * fused_rows_per_warp) {
      const int nr = min(fused_rows_per_warp, rows - r0);
#pragma unroll
      for (int q = 0; q < lpt; ++q)
        if (gr[q] < nr) slab[sidx[q]] = premultiply(buf[q]);
      __syncwarp();
      if (r0 + warps * fused_rows_per_warp < rows) fetch(r0 + warps * fused_rows_per_warp);
      horizontal(r0, nr);
      __syncwarp();
    }
  } else {
    for (int r0 = warp * fused_rows_per_warp; r0 < rows; r0 += warps * fused_rows_per_warp) {
      const int nr = min(fused_rows_per_warp, rows - r0);
      for (int i = lane; i < nr * in_w; i += 32) {
        const int r = i / in_w, c = i - r * in_w;
        const float4* srow = src.row(clampi(y0 - R + r0 + r, 0, H - 1));
        slab[r * slab_w + skewed(c)] = premultiply(srow[clampi(x0 - R + c, 0, W - 1)]);
      }
      __syncwarp();
      horizontal(r0, nr);
      __syncwarp();
    }
  }
  __syncthreads();
  const int t = threadIdx.x;

  // B) vertical: each thread computes `per` adjacent outputs of one column from a register window.
  const int col = t & 31;
  const int yo = (t >> 5) * per;  // `per` adjacent outputs
  float4 acc[per] = {};
#pragma unroll(RC > 0 ? 2 * RC + per : 1)
  for (int j = 0; j < 2 * R + per; ++j) {
    const float4 v = hbuf[(yo + j) * fused_w + col];
    window_tap(acc, v, j, R, plan);
  }
  const int x = x0 + col;
  if (x < W) {
#pragma unroll
    for (int o = 0; o < per; ++o) {
      const int y = y0 + yo + o;
      if (y < H) dst.row(y)[x] = unpremultiply(acc[o]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Streaming (radii 5..12): a block walks one 32-column strip down a segment of rows, with its
// warps specialised. Four producer warps stage the strip's input rows (premultiplied, next rows'
// loads in flight) and compute the horizontal sums exactly as blur_fused does, into a ring of
// 2*G + 2R rows of shared memory; four consumer warps compute the vertical sums of G = 32 output
// rows per step from the ring (8 adjacent outputs per thread) and write them. Named barriers
// hand steps over (FULL: producers -> consumers, EMPTY: consumers -> producers, two of each), so
// producers fill step t+1 while consumers read step t: the loads, the horizontal sums and the
// vertical sums of different steps overlap, and each segment's vertical halo is computed once
// instead of once per tile. Same sums in the same order as blur_fused: bit-identical.
// ---------------------------------------------------------------------------------------------
constexpr int stream_g = 32;        // rows per step
constexpr int stream_producers = 4; // warps; the other 4 consume
constexpr int stream_per = 8;       // adjacent outputs per consumer thread (4 warps x 8 = stream_g)
constexpr int stream_threads = 256;
constexpr int stream_ring(int r) { return 2 * stream_g + 2 * r; }
/// Output windows start at multiples of 8 minus this, so that none straddles the segment start.
constexpr int stream_lead(int r) { return (2 * r + 7) / 8 * 8; }

__device__ __forceinline__ void named_sync(int id) { asm volatile("bar.sync %0, %1;" ::"r"(id), "r"(stream_threads) : "memory"); }
__device__ __forceinline__ void named_arrive(int id) { asm volatile("bar.arrive %0, %1;" ::"r"(id), "r"(stream_threads) : "memory"); }

template <int R>
__global__ void __launch_bounds__(stream_threads, 2)
    blur_stream(Pitched<const float4> src, Pitched<float4> dst, const __grid_constant__ BlurPlan plan, int seg_rows) {
  constexpr int ring_rows = stream_ring(R), lead = stream_lead(R);
  constexpr int in_w = fused_w + 2 * R, slab_w = skewed(in_w) + 1;
  constexpr int group = fused_rows_per_warp * in_w;  // pixels per staged group of 4 rows
  constexpr int lpt = (group + 31) / 32;              // loads per lane per group
  constexpr int passes = stream_g / (stream_producers * fused_rows_per_warp);  // groups per warp per step
  extern __shared__ float4 smem[];
  float4* ring = smem;  // ring_rows x 32 horizontal sums; hsum row i lives in ring row i % ring_rows
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int W = src.width, H = src.height;
  const int x0 = blockIdx.x * fused_w, y0 = blockIdx.y * seg_rows;
  const int rows_out = min(seg_rows, H - y0);
  const int steps = (rows_out + lead + stream_g - 1) / stream_g;
  // hsum row i is the horizontal sum of image row y0 - (lead - R) + i.
  const int row0 = y0 - (lead - R);
  enum { full0 = 1, empty0 = 3 };  // barrier 0 is __syncthreads'

  if (warp < stream_producers) {
    float4* slab = ring + ring_rows * fused_w + warp * fused_rows_per_warp * slab_w;
    // Load q of a lane: pixel i = lane + 32 q of the group, row i / in_w, column i % in_w
    // (recomputed at each use: cheaper than holding 3 * lpt indices in registers).
    // Group g of this warp: hsum rows (g / passes) * G + (g % passes) * 16 + warp * 4 + 0..3.
    auto first_row = [&](int g) {
      return (g / passes) * stream_g + (g % passes) * (stream_producers * fused_rows_per_warp) + warp * fused_rows_per_warp;
    };
    float4 buf[lpt];
    auto fetch = [&](int g) {
      const int i0 = row0 + first_row(g);
#pragma unroll
      for (int q = 0; q < lpt; ++q) {
        const int i = lane + 32 * q, r = i / in_w, c = i - r * in_w;
        if (i < group) buf[q] = __ldg(src.row(clampi(i0 + r, 0, H - 1)) + clampi(x0 - R + c, 0, W - 1));
      }
    };
    const int lr = lane >> 3, xo = (lane & 7) * 4;
    fetch(0);
    for (int t = 0; t < steps; ++t) {
      if (t >= 2) named_sync(empty0 + (t & 1));
#pragma unroll 1
      for (int p = 0; p < passes; ++p) {
        const int g = t * passes + p;
#pragma unroll
        for (int q = 0; q < lpt; ++q) {
          const int i = lane + 32 * q, r = i / in_w, c = i - r * in_w;
          if (i < group) slab[r * slab_w + skewed(c)] = premultiply(buf[q]);
        }
        __syncwarp();
        if (g + 1 < steps * passes) fetch(g + 1);
        const float4* line = slab + lr * slab_w;
        float4 acc[4] = {};
#pragma unroll
        for (int j = 0; j < 2 * R + 4; ++j) {
          const float4 v = line[skewed(xo + j)];
          window_tap(acc, v, j, R, plan);
        }
        float4* out = ring + ((first_row(g) + lr) % ring_rows) * fused_w + xo;
#pragma unroll
        for (int o = 0; o < 4; ++o) out[o] = acc[o];
        __syncwarp();
      }
      __threadfence_block();  // the ring rows before the hand-over (bar.arrive alone orders them too)
      named_arrive(full0 + (t & 1));
    }
  } else {
    const int k = warp - stream_producers;  // this thread's window: 8 adjacent outputs of column `lane`
    const int x = x0 + lane;
    for (int t = 0; t < steps; ++t) {
      named_sync(full0 + (t & 1));
      const int yw = t * stream_g - lead + k * stream_per;  // first output (relative to y0)
      if (yw >= 0 && yw < rows_out) {
        // Output y needs hsum rows y + lead - 2R .. y + lead.
        const int i0 = yw + lead - 2 * R;
        int slot = i0 % ring_rows;
        float4 acc[stream_per] = {};
#pragma unroll
        for (int j = 0; j < 2 * R + stream_per; ++j) {
          const float4 v = ring[slot * fused_w + lane];
          slot = slot + 1 == ring_rows ? 0 : slot + 1;
          window_tap(acc, v, j, R, plan);
        }
        if (x < W) {
#pragma unroll
          for (int o = 0; o < stream_per; ++o)
            if (yw + o < rows_out) dst.row(y0 + yw + o)[x] = unpremultiply(acc[o]);
        }
      }
      if (t + 2 < steps) named_arrive(empty0 + (t & 1));
    }
  }
}

/// The fused kernel's default shapes (see fused_shape and blur() below), chosen on an
/// H100 (4K float, single calls; batches of 10 in brackets). 2026-11-25, shapes 0..4:
///   r=3:  125.0, 116.6, 117.7, 127.2, 116.5 us
///   r=10: 169.0, 170.3, 183.2, 202.8, 186.5 us  (162.9, 162.9, 176.4, 195.6, 178.1)
/// A 512-thread shape with 8 staging warps (32 warps/SM, no spills at 63 registers) measured
/// 179.9 at r=10: occupancy is not what limits the tiled kernel; its phases (stage + horizontal,
/// then vertical) do not overlap within a block. 2026-12-05, shape 1 against shape 5 (the
/// streaming kernel, whose warps overlap those phases): r=3 115.2 / 116.8 (streaming for r <= 4
/// is not compiled: the curve crosses near r=5), r=5 122.9 / 121.6, r=10 166.1 / 138.0; a
/// three-blocks-per-SM streaming shape (80 registers, spills) took 173.9 at r=10. Shapes 1..4 are
/// kept for tuning on other GPUs (set_blur_fused_variant; tests/gpu_blur.cpp checks that every
/// shape gives bit-identical pixels).
/// The tiled shape used at every radius where the streaming one is not (see blur() below).
constexpr int fused_default = 1;
/// The shape forced by set_blur_fused_variant (tuning), or -1: the defaults above.
int g_fused_variant = -1;

// ---------------------------------------------------------------------------------------------
// Two-pass direct (any radius): horizontal into premultiplied temp, vertical into dst.
// ---------------------------------------------------------------------------------------------
__global__ void blur_direct_h(Pitched<const float4> src, Pitched<float4> tmp, const __grid_constant__ BlurPlan plan) {
  const int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 8 + threadIdx.y;
  if (x >= src.width || y >= src.height) return;
  const float4* row = src.row(y);
  const int last = src.width - 1;
  tmp.row(y)[x] = direct_sum(plan, [&](int i) { return premultiply(row[clampi(x + i, 0, last)]); });
}
__global__ void blur_direct_v(Pitched<const float4> tmp, Pitched<float4> dst, const __grid_constant__ BlurPlan plan) {
  const int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 8 + threadIdx.y;
  if (x >= tmp.width || y >= tmp.height) return;
  const int last = tmp.height - 1;
  dst.row(y)[x] = unpremultiply(direct_sum(plan, [&](int i) { return tmp.row(clampi(y + i, 0, last))[x]; }));
}

// ---------------------------------------------------------------------------------------------
// Cosine: each warp walks 32 adjacent columns of `in` over one segment of plan.segment
// samples and writes the result transposed into `out` (out(n, x) = blurred in(x, n)), staging
// 16 x 32 pixels in shared memory so that both the reads and the writes are coalesced.
// ---------------------------------------------------------------------------------------------
constexpr int cos_warps = 4;
constexpr int cos_flush = 16;  // steps staged per transposed write (16 x 16 B = 256 B runs)

template <int K, bool Premul, bool Unpremul>
__global__ void __launch_bounds__(32 * cos_warps)
    blur_cosine(Pitched<const float4> in, Pitched<float4> out, const __grid_constant__ BlurPlan plan) {
  extern __shared__ float4 tiles[];  // cos_warps x cos_flush x 33
  const int lane = threadIdx.x, warp = threadIdx.y;
  float4* tile = tiles + warp * cos_flush * 33;
  const int W = in.width, N = in.height;
  const int x0 = blockIdx.x * 32;
  const int x = min(x0 + lane, W - 1);
  const int seg = blur_pass_segment(plan.segment, W, N);
  const int n0 = (blockIdx.y * cos_warps + warp) * seg;
  if (n0 >= N) return;
  const int n1 = min(n0 + seg, N);
  auto load = [&](int m) {
    const float4 v = in.row(clampi(m, 0, N - 1))[x];
    return Premul ? premultiply(v) : v;
  };
  cosine_walk_segment<K, cos_flush>(plan, n0, n1, lane, x0, W, tile, out, load,
                                    [](float4 v) { return Unpremul ? unpremultiply(v) : v; });
}

void check(const char* op) { IMAGECUDA_CUDA_TRY(cudaGetLastError(), op); }

/// Raises a kernel's dynamic shared-memory limit to `bytes` on the current device. The driver
/// call is made only when the limit set so far (per kernel and device) is lower: a launch costs
/// no extra driver call in steady state.
template <class K>
void set_smem(K kernel, std::size_t bytes) {
  static std::mutex m;
  static std::vector<std::tuple<const void*, int, std::size_t>> done;  // kernel, device, bytes set
  int device = 0;
  IMAGECUDA_CUDA_TRY(cudaGetDevice(&device), "filter::gaussian_blur");
  const void* key = reinterpret_cast<const void*>(kernel);
  std::lock_guard lk(m);
  for (auto& [k, d, b] : done)
    if (k == key && d == device) {
      if (b >= bytes) return;
      IMAGECUDA_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)),
                         "filter::gaussian_blur");
      b = bytes;
      return;
    }
  IMAGECUDA_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)),
                     "filter::gaussian_blur");
  done.emplace_back(key, device, bytes);
}

/// Blocks of `kernel` (stream_threads threads, `smem` bytes) the current device holds at once,
/// over all its SMs; the occupancy query is made once per kernel and device.
template <class K>
int resident_blocks(K kernel, std::size_t smem) {
  static std::mutex m;
  static std::vector<std::tuple<const void*, int, int>> done;  // kernel, device, resident blocks
  int device = 0;
  IMAGECUDA_CUDA_TRY(cudaGetDevice(&device), "filter::gaussian_blur");
  const void* key = reinterpret_cast<const void*>(kernel);
  std::lock_guard lk(m);
  for (auto& [k, d, n] : done)
    if (k == key && d == device) return n;
  int per_sm = 0, sms = 0;
  IMAGECUDA_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, stream_threads, smem),
                     "filter::gaussian_blur");
  IMAGECUDA_CUDA_TRY(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "filter::gaussian_blur");
  const int n = std::max(1, per_sm * sms);
  done.emplace_back(key, device, n);
  return n;
}
}  // namespace

void set_blur_fused_variant(int variant) { g_fused_variant = variant; }
int blur_fused_variant() { return g_fused_variant; }

void blur(Pitched<const float4> src, Pitched<float4> dst, float4* temp, const BlurPlan& plan, bool aliased,
          cudaStream_t s) {
  const int W = src.width, H = src.height;
  const char* op = "filter::gaussian_blur";
  if (plan.method == BlurPlan::direct && plan.radius <= blur_fused_max_radius) {
    Pitched<const float4> in = src;
    if (aliased) {  // in place: the tiles read halos that other blocks write
      IMAGECUDA_CUDA_TRY(cudaMemcpy2DAsync(temp, std::size_t(W) * sizeof(float4), src.data, src.pitch,
                                           std::size_t(W) * sizeof(float4), H, cudaMemcpyDeviceToDevice, s),
                         op);
      in = Pitched<const float4>{temp, std::size_t(W) * sizeof(float4), W, H};
    }
    const int R = plan.radius;
    const int slab_w = skewed(fused_w + 2 * R) + 1;
    auto launch = [&](auto rc) {
      constexpr int RCv = decltype(rc)::value;
      auto go = [&](auto shape_tag) {
        constexpr FusedShape sh = fused_shape(decltype(shape_tag)::value, RCv);
        constexpr int warps = sh.nt / 32;
        auto kernel = blur_fused<RCv, sh.th, sh.nt, sh.min_blocks, sh.pipe>;
        const std::size_t bytes =
            (std::size_t(sh.th + 2 * R) * fused_w + std::size_t(warps) * fused_rows_per_warp * slab_w) * sizeof(float4);
        set_smem(kernel, bytes);
        kernel<<<dim3((W + fused_w - 1) / fused_w, (H + sh.th - 1) / sh.th), dim3(sh.nt), bytes, s>>>(in, dst, plan);
      };
      const int variant = g_fused_variant >= 0 ? g_fused_variant : fused_default;
      if constexpr (RCv >= 5) {
        if (g_fused_variant < 0 || variant == 5) {
          auto kernel = blur_stream<RCv>;
          const std::size_t bytes = (std::size_t(stream_ring(RCv)) * fused_w +
                                     std::size_t(stream_producers) * fused_rows_per_warp * (skewed(fused_w + 2 * RCv) + 1)) *
                                    sizeof(float4);
          set_smem(kernel, bytes);
          const int resident = resident_blocks(kernel, bytes);
          const int strips = (W + fused_w - 1) / fused_w;
          // By default only on images with at least one 32x64 piece per block the GPU holds at
          // once (264 on an H100: 4K and 1080p, not 512x512, where the tiled shape takes 12.5 us
          // and the streaming one 14.7): each block needs a walk of several steps.
          if (variant == 5 || strips * ((H + 2 * stream_g - 1) / (2 * stream_g)) >= resident) {
            // As many segments per strip as one wave of resident blocks allows (every block walks
            // its segment to the end, so a second wave would only add a tail), each of at least
            // one step's rows.
            const int segs = std::max(1, std::min(resident / strips, (H + stream_g - 1) / stream_g));
            const int seg = (H + segs - 1) / segs;
            kernel<<<dim3(strips, (H + seg - 1) / seg), dim3(stream_threads), bytes, s>>>(in, dst, plan, seg);
            return;
          }
        }
      }
      switch (RCv == 0 ? 0 : variant) {
        case 0: go(std::integral_constant<int, 0>{}); break;
        case 2: go(std::integral_constant<int, 2>{}); break;
        case 3: go(std::integral_constant<int, 3>{}); break;
        case 4: go(std::integral_constant<int, 4>{}); break;
        default: go(std::integral_constant<int, 1>{}); break;
      }
    };
    switch (R) {
      case 1: launch(std::integral_constant<int, 1>{}); break;
      case 2: launch(std::integral_constant<int, 2>{}); break;
      case 3: launch(std::integral_constant<int, 3>{}); break;
      case 4: launch(std::integral_constant<int, 4>{}); break;
      case 5: launch(std::integral_constant<int, 5>{}); break;
      case 6: launch(std::integral_constant<int, 6>{}); break;
      case 7: launch(std::integral_constant<int, 7>{}); break;
      case 8: launch(std::integral_constant<int, 8>{}); break;
      case 9: launch(std::integral_constant<int, 9>{}); break;
      case 10: launch(std::integral_constant<int, 10>{}); break;
      case 11: launch(std::integral_constant<int, 11>{}); break;
      case 12: launch(std::integral_constant<int, 12>{}); break;
      default: launch(std::integral_constant<int, 0>{}); break;
    }
    return check(op);
  }
  if (plan.method == BlurPlan::direct) {
    Pitched<float4> tmp{temp, std::size_t(W) * sizeof(float4), W, H};
    const dim3 grid((W + 31) / 32, (H + 7) / 8), block(32, 8);
    blur_direct_h<<<grid, block, 0, s>>>(src, tmp, plan);
    check(op);
    blur_direct_v<<<grid, block, 0, s>>>(Pitched<const float4>{temp, tmp.pitch, W, H}, dst, plan);
    return check(op);
  }
  // cosine: src (H x W) -> temp (W x H, transposed) -> dst (H x W)
  const std::size_t bytes = std::size_t(cos_warps) * cos_flush * 33 * sizeof(float4);
  Pitched<float4> tmp{temp, std::size_t(H) * sizeof(float4), H, W};
  const Pitched<const float4> mid{temp, tmp.pitch, H, W};
  const int spb1 = cos_warps * blur_pass_segment(plan.segment, W, H);  // pass 1: W columns of H
  const int spb2 = cos_warps * blur_pass_segment(plan.segment, H, W);  // pass 2: H columns of W
  const dim3 block(32, cos_warps);
  const dim3 grid1((W + 31) / 32, (H + spb1 - 1) / spb1);
  const dim3 grid2((H + 31) / 32, (W + spb2 - 1) / spb2);
  auto run = [&](auto first, auto second) {
    set_smem(first, bytes);
    set_smem(second, bytes);
    first<<<grid1, block, bytes, s>>>(src, tmp, plan);
    check(op);
    second<<<grid2, block, bytes, s>>>(mid, dst, plan);
    check(op);
  };
  switch (plan.terms) {
    case 1: run(blur_cosine<1, true, false>, blur_cosine<1, false, true>); break;
    case 4: run(blur_cosine<4, true, false>, blur_cosine<4, false, true>); break;
    case 5: run(blur_cosine<5, true, false>, blur_cosine<5, false, true>); break;
    default: run(blur_cosine<6, true, false>, blur_cosine<6, false, true>); break;
  }
}

}  // namespace imagecuda::detail::cuda
