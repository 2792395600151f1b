// SPDX-License-Identifier: MIT
/// @file convert.cu  CUDA launchers of io::convert.
#include "imagecuda/detail/convert.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void convert(Pitched<const uchar4> src, Pitched<float4> dst, cudaStream_t s) {
  fusion::barrier();  // not a stage (it reads 8-bit pixels): ends a pending fused pass
  map(src, dst, U8ToF32{}, s, "io::convert");
}
void convert(Pitched<const float4> src, Pitched<uchar4> dst, cudaStream_t s) {
  // A stage of the pending fused pass on src (Graph recordings), which src's pixels do not leave.
  const Pitched<float4> v{const_cast<float4*>(src.data), src.pitch, src.width, src.height};
  if (fusion::take(s, v, Stage::of(ConvertStage{dst}))) return;
  map(src, dst, F32ToU8{}, s, "io::convert");
}
}  // namespace imagecuda::detail::cuda
