// SPDX-License-Identifier: MIT
/// @file shadow.cu  CUDA launchers of effect::drop_shadow (the blur is filter's).
#include "imagecuda/detail/shadow.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void shadow_mask(ShadowMask f, Pitched<float4> dst, cudaStream_t s) { generate(dst, f, s, "effect::drop_shadow"); }
void shadow_composite(ShadowComposite f, Pitched<float4> dst, cudaStream_t s) {
  generate(dst, f, s, "effect::drop_shadow");
}
}  // namespace imagecuda::detail::cuda
