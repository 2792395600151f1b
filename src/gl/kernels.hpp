// SPDX-License-Identifier: MIT
/// @file kernels.hpp  The gl component's CUDA launchers (src/gl/gl.cu), without fmt or GL headers.
#pragma once

#include <cuda_runtime_api.h>

#include "imagecuda/detail/vec.hpp"

namespace imagecuda::detail::gl_cuda {

/// Writes src as tightly packed RGBA8 rows at `dst` (mapped PBO memory), row y to row h-1-y when
/// `flip`; u8 pixels are copied as they are, f32 pixels converted with F32ToU8.
void to_linear(Pitched<const uchar4> src, void* dst, bool flip, cudaStream_t s);
void to_linear(Pitched<const float4> src, void* dst, bool flip, cudaStream_t s);

/// Writes src into the RGBA8 CUDA array of a mapped texture at texel (0, 0), flipped as above.
/// u8 without flip is one cudaMemcpy2DToArrayAsync; the rest go through a surface-store kernel.
void to_array(Pitched<const uchar4> src, cudaArray_t dst, bool flip, cudaStream_t s);
void to_array(Pitched<const float4> src, cudaArray_t dst, bool flip, cudaStream_t s);

}  // namespace imagecuda::detail::gl_cuda
