// SPDX-License-Identifier: MIT
/// @file nvjpeg_kernels.hpp  The CUDA side of io::GpuJpegDecoder (src/cuda/nvjpeg_convert.cu):
/// nvJPEG's interleaved RGB output to RGBA8, with the EXIF orientation applied on the way; and
/// io::GpuJpegEncoder's input: RGBA8 over white into three planes.
#pragma once

#include <driver_types.h>

#include <cstddef>

#include "imagecuda/detail/vec.hpp"

namespace imagecuda::detail::cuda {

/// `src`: stored (not oriented) sw x sh pixels of 3 bytes R, G, B, `src_pitch` bytes a row.
/// `dst`: the oriented size (sh x sw for orientations 5..8). Display pixel (x, y) takes the
/// stored pixel that codec::orient would put there; alpha is 255.
void rgbi_to_rgba(const unsigned char* src, std::size_t src_pitch, int sw, int sh, int orientation,
                  Pitched<uchar4> dst, cudaStream_t stream);

/// `src` composited over white (codec::over_white) into planes r, g, b of src.width bytes a row
/// (`plane_pitch` bytes apart row to row), nvJPEG's NVJPEG_INPUT_RGB.
void rgba_over_white_to_planes(Pitched<const uchar4> src, unsigned char* r, unsigned char* g, unsigned char* b,
                               std::size_t plane_pitch, cudaStream_t stream);

}  // namespace imagecuda::detail::cuda
