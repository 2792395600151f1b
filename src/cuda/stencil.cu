// SPDX-License-Identifier: MIT
/// @file stencil.cu  CUDA launchers of sharpen, sobel, emboss.
#include "imagecuda/detail/stencil.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void sharpen(Sharpen f, Pitched<float4> dst, cudaStream_t s) { generate(dst, f, s, "filter::sharpen"); }
void sobel(Sobel f, Pitched<float4> dst, cudaStream_t s) { generate(dst, f, s, "filter::sobel"); }
void emboss(Emboss f, Pitched<float4> dst, cudaStream_t s) { generate(dst, f, s, "filter::emboss"); }
}  // namespace imagecuda::detail::cuda
