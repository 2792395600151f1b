// SPDX-License-Identifier: MIT
/// @file png_parallel_kernels.hpp  The CUDA side of SaveParams::png_deflate = PngDeflate::parallel
/// (src/cuda/png_parallel.cu); the format is in png_parallel.hpp.
#pragma once

#include <driver_types.h>

#include <cstddef>
#include <cstdint>

#include "imagecuda/detail/vec.hpp"

namespace imagecuda::detail::cuda {

struct PngParallelHead {
  bool opaque;               ///< every alpha is 255: the stream holds RGB rows
  std::uint64_t zlib_bytes;  ///< size of the zlib stream
};

/// Enqueues the encoder's kernels on `stream` for `img` (RGBA8 on the current device), with
/// `scratch` of pz::scratch_layout(w, h).total bytes, then waits for the stream and returns the
/// stream's size.
PngParallelHead png_parallel_deflate(Pitched<const uchar4> img, void* scratch, cudaStream_t stream);
/// Enqueues the copy of `bytes` of the zlib stream from byte `offset` on to host `dst` (the
/// caller waits for `stream`).
void png_parallel_fetch(const void* scratch, int width, int height, std::size_t offset, std::size_t bytes, void* dst,
                        cudaStream_t stream);

}  // namespace imagecuda::detail::cuda
