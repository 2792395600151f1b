// SPDX-License-Identifier: MIT
/// @file config.hpp  Compiler portability macros and the CUDA vector types used as pixels.
#pragma once

// float4 / uchar4 come from the CUDA Toolkit's plain C header: no nvcc needed to include it.
#include <vector_types.h>

#if defined(__CUDACC__)
#define IMAGECUDA_HD __host__ __device__
#else
#define IMAGECUDA_HD
#endif
// Loop unrolling in device code only (host compilers would warn about an unknown pragma).
#if defined(__CUDA_ARCH__)
#define IMAGECUDA_UNROLL _Pragma("unroll")
#else
#define IMAGECUDA_UNROLL
#endif

namespace imagecuda {
/// Pixel types the library stores.
template <class P>
inline constexpr bool is_pixel_v = false;
template <>
inline constexpr bool is_pixel_v<float4> = true;
template <>
inline constexpr bool is_pixel_v<uchar4> = true;

/// Largest width or height (PyImageCUDA's MAX_DIMENSION).
inline constexpr int max_dimension = 32768;
}  // namespace imagecuda
