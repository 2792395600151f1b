// SPDX-License-Identifier: MIT
/// @file blend.cu  CUDA launchers of the blend module: one kernel shape (base pixel under overlay
/// pixel, in place), instantiated per mode so that no per-pixel switch remains.
#include "imagecuda/detail/blend.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {

/// base(x, y) = f(base(x, y), overlay(x, y)) over the placed, clipped region.
template <class F>
__global__ void __launch_bounds__(block_x* block_y)
    composite_kernel(Pitched<float4> base, Pitched<const float4> overlay, F f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < base.width && y < base.height) {
    float4* p = base.row(y) + x;
    *p = f(*p, overlay.row(y)[x]);
  }
}

template <class F>
void launch(Pitched<float4> base, Pitched<const float4> overlay, const F& f, cudaStream_t s, const char* op) {
  composite_kernel<<<grid_for(base.width, base.height), dim3(block_x, block_y), 0, s>>>(base, overlay, f);
  check_launch(op);
}

}  // namespace

void blend_composite(Pitched<float4> base, Pitched<const float4> overlay, blend::Mode mode, float opacity,
                     cudaStream_t s) {
  if (fusion::take(s, base, Stage::of(CompositeStage{overlay, mode, opacity}))) return;
  visit_mode(mode, [&](auto m) { launch(base, overlay, BlendOp<decltype(m)::value>{opacity}, s, "blend::composite"); });
}

void blend_mask(Pitched<float4> base, Pitched<const float4> mask, MaskOp f, cudaStream_t s) {
  if (fusion::take(s, base, Stage::of(MaskStage{mask, f}))) return;
  launch(base, mask, f, s, "blend::mask");
}
}  // namespace imagecuda::detail::cuda
