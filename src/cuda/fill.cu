// SPDX-License-Identifier: MIT
/// @file fill.cu  CUDA launchers of the fill module.
#include "imagecuda/detail/fill.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void fill_color(Pitched<float4> dst, FillColor f, cudaStream_t s) { generate(dst, f, s, "fill::color"); }
}  // namespace imagecuda::detail::cuda
