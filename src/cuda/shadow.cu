// SPDX-License-Identifier: MIT
/// @file shadow.cu  CUDA launchers of effect::drop_shadow: the one-channel blur of the shadow's
/// coverage (the formulas of blur.hpp with V = float, the coverage read straight from the image
/// by the first pass) and the composite.
#include <cuda_runtime.h>

#include "imagecuda/detail/shadow.hpp"
#include "cosine_walk.cuh"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {

constexpr const char* shadow_op = "effect::drop_shadow";

/// The coverage at column c, sample m of the first pass (columns = layer x, samples = layer y).
struct FromImage {
  ShadowAlpha alpha;
  __device__ float operator()(int c, int m) const { return alpha(c, m); }
};
/// The first pass's result, stored transposed (row c = layer x): column c = layer y, sample m = layer x.
struct FromTemp {
  Pitched<const float> t;
  __device__ float operator()(int c, int m) const { return t.row(m)[c]; }
};

// ---------------------------------------------------------------------------------------------
// Direct (radii below the cosine method's): coverage -> layer, horizontal -> temp, vertical -> layer.
// ---------------------------------------------------------------------------------------------
__global__ void __launch_bounds__(256)
    alpha_direct_h(Pitched<const float> in, Pitched<float> out, const __grid_constant__ BlurPlan plan) {
  const int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 8 + threadIdx.y;
  if (x >= in.width || y >= in.height) return;
  const float* row = in.row(y);
  const int last = in.width - 1;
  out.row(y)[x] = direct_sum(plan, [&](int i) { return row[clampi(x + i, 0, last)]; });
}
__global__ void __launch_bounds__(256)
    alpha_direct_v(Pitched<const float> in, Pitched<float> out, const __grid_constant__ BlurPlan plan) {
  const int x = blockIdx.x * 32 + threadIdx.x, y = blockIdx.y * 8 + threadIdx.y;
  if (x >= in.width || y >= in.height) return;
  const int last = in.height - 1;
  out.row(y)[x] = direct_sum(plan, [&](int i) { return in.row(clampi(y + i, 0, last))[x]; });
}

// ---------------------------------------------------------------------------------------------
// Cosine, one channel: as blur.cu's blur_cosine — each warp walks 32 adjacent columns of a
// W x N input over one segment (blur_pass_segment, as the CPU) and writes the result transposed
// into `out` (out(n, c)), staging 32 x 32 samples in shared memory so that the writes are
// coalesced 128-byte rows.
// ---------------------------------------------------------------------------------------------
constexpr int acos_warps = 4;
constexpr int acos_flush = 32;

template <int K, class In>
__global__ void __launch_bounds__(32 * acos_warps)
    alpha_cosine(In in, int W, int N, Pitched<float> out, const __grid_constant__ BlurPlan plan) {
  __shared__ float tiles[acos_warps][acos_flush * 33];
  const int lane = threadIdx.x, warp = threadIdx.y;
  float* tile = tiles[warp];
  const int x0 = blockIdx.x * 32;
  const int c = min(x0 + lane, W - 1);
  const int seg = blur_pass_segment(plan.segment, W, N);
  const int n0 = (blockIdx.y * acos_warps + warp) * seg;
  if (n0 >= N) return;
  const int n1 = min(n0 + seg, N);
  auto load = [&](int m) { return in(c, clampi(m, 0, N - 1)); };
  cosine_walk_segment<K, acos_flush>(plan, n0, n1, lane, x0, W, tile, out, load, [](float v) { return v; });
}

void check() { IMAGECUDA_CUDA_TRY(cudaGetLastError(), shadow_op); }

template <int K>
void cosine(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan, cudaStream_t s) {
  const int W = layer.width, H = layer.height;
  // pass 1: W columns of H samples (the coverage, from the image) -> temp (W rows of H)
  const Pitched<float> t{temp, std::size_t(H) * sizeof(float), H, W};
  const int spb1 = acos_warps * blur_pass_segment(plan.segment, W, H);
  alpha_cosine<K><<<dim3((W + 31) / 32, (H + spb1 - 1) / spb1), dim3(32, acos_warps), 0, s>>>(
      FromImage{alpha}, W, H, t, plan);
  check();
  // pass 2: H columns (layer y) of W samples (layer x) -> layer
  const int spb2 = acos_warps * blur_pass_segment(plan.segment, H, W);
  alpha_cosine<K><<<dim3((H + 31) / 32, (W + spb2 - 1) / spb2), dim3(32, acos_warps), 0, s>>>(
      FromTemp{Pitched<const float>{temp, t.pitch, H, W}}, H, W, layer, plan);
  check();
}

}  // namespace

void shadow_coverage(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan, cudaStream_t s) {
  const int W = layer.width, H = layer.height;
  if (plan.method == BlurPlan::cosine) {
    switch (plan.terms) {
      case 1: return cosine<1>(alpha, layer, temp, plan, s);
      case 4: return cosine<4>(alpha, layer, temp, plan, s);
      case 5: return cosine<5>(alpha, layer, temp, plan, s);
      default: return cosine<6>(alpha, layer, temp, plan, s);
    }
  }
  generate(layer, alpha, s, shadow_op);  // the unblurred coverage
  if (plan.method != BlurPlan::direct) return;
  const Pitched<float> t{temp, std::size_t(W) * sizeof(float), W, H};
  const dim3 grid((W + 31) / 32, (H + 7) / 8), block(32, 8);
  alpha_direct_h<<<grid, block, 0, s>>>(Pitched<const float>{layer.data, layer.pitch, W, H}, t, plan);
  check();
  alpha_direct_v<<<grid, block, 0, s>>>(Pitched<const float>{temp, t.pitch, W, H}, layer, plan);
  check();
}

void shadow_composite(ShadowComposite f, Pitched<float4> dst, cudaStream_t s) { generate(dst, f, s, shadow_op); }

}  // namespace imagecuda::detail::cuda
