// SPDX-License-Identifier: MIT
/// @file transfer.hpp  2-D memory copies behind io::upload, io::download and io::copy.
#pragma once

#include <cstddef>

#include "../core/device.hpp"
#include "../core/stream.hpp"

namespace imagecuda::detail {

/// 2-D copy between two views on the same device (cudaMemcpy2DAsync / host memcpy per row).
void copy_2d(Device device, void* dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch,
             std::size_t row_bytes, int rows, Stream stream);
/// Host <-> device 2-D copies (`device` is where the image lives; CPU: plain memcpy).
void upload_2d(Device device, void* dst, std::size_t dst_pitch, const void* host_src, std::size_t src_pitch,
               std::size_t row_bytes, int rows, Stream stream);
void download_2d(Device device, void* host_dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch,
                 std::size_t row_bytes, int rows, Stream stream);

}  // namespace imagecuda::detail
