// SPDX-License-Identifier: MIT
/// @file convert.cu  CUDA launchers of io::convert.
#include "imagecuda/detail/convert.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void convert(Pitched<const uchar4> src, Pitched<float4> dst, cudaStream_t s) { map(src, dst, U8ToF32{}, s, "io::convert"); }
void convert(Pitched<const float4> src, Pitched<uchar4> dst, cudaStream_t s) { map(src, dst, F32ToU8{}, s, "io::convert"); }
}  // namespace imagecuda::detail::cuda
