// SPDX-License-Identifier: MIT
/// @file convert.cpp  CPU launchers of io::convert.
#include "imagecuda/detail/convert.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void convert(Pitched<const uchar4> src, Pitched<float4> dst) {
  fusion::barrier();  // not a stage (it reads 8-bit pixels): ends a pending fused pass
  map(src, dst, U8ToF32{});
}
void convert(Pitched<const float4> src, Pitched<uchar4> dst) {
  // A stage of the pending fused pass on src (Graph recordings), which src's pixels do not leave.
  const Pitched<float4> v{const_cast<float4*>(src.data), src.pitch, src.width, src.height};
  if (!fusion::take(v, Stage::of(ConvertStage{dst}))) map(src, dst, F32ToU8{});
}
}  // namespace imagecuda::detail::host
