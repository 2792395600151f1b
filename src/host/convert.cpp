// SPDX-License-Identifier: MIT
/// @file convert.cpp  CPU launchers of io::convert.
#include "imagecuda/detail/convert.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void convert(Pitched<const uchar4> src, Pitched<float4> dst) { map(src, dst, U8ToF32{}); }
void convert(Pitched<const float4> src, Pitched<uchar4> dst) { map(src, dst, F32ToU8{}); }
}  // namespace imagecuda::detail::host
