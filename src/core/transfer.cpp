// SPDX-License-Identifier: MIT
/// @file transfer.cpp  2-D copies: device<->device, host<->device (stream-ordered), host<->host.
#include <cuda_runtime.h>

#include <cstring>

#include "core/graph_state.hpp"
#include "imagecuda/detail/transfer.hpp"
#include "imagecuda/detail/dispatch.hpp"

namespace imagecuda::detail {
namespace {
// Host<->device copies cannot be part of a Graph: at replay the host memory may be gone or
// changed. Refused on both backends, as allocations are.
void refuse_in_graph(Device device, Stream stream, const char* op) {
  expects(!recording_graph(device, stream), ErrorCode::invalid_argument,
          "{}: a copy between host memory and {} cannot be recorded in a Graph (run it before or after launch)", op,
          device);
}

void host_copy(void* dst, std::size_t dp, const void* src, std::size_t sp, std::size_t row_bytes, int rows) {
  fusion::barrier();  // a fused pass pending in a (CPU) Graph recording goes first
  if (dp == sp && dp == row_bytes) {
    std::memmove(dst, src, row_bytes * std::size_t(rows));
    return;
  }
  for (int y = 0; y < rows; ++y)
    std::memmove(static_cast<char*>(dst) + std::size_t(y) * dp, static_cast<const char*>(src) + std::size_t(y) * sp,
                 row_bytes);
}
void cuda_copy(Device device, void* dst, std::size_t dp, const void* src, std::size_t sp, std::size_t row_bytes,
               int rows, cudaMemcpyKind kind, Stream stream, const char* op) {
  DeviceGuard guard(device);
  fusion::barrier();  // a fused pass pending in a Graph recording goes first
  if (dp == sp && dp == row_bytes)
    IMAGECUDA_CUDA_TRY(cudaMemcpyAsync(dst, src, row_bytes * std::size_t(rows), kind, stream.value()), op);
  else
    IMAGECUDA_CUDA_TRY(cudaMemcpy2DAsync(dst, dp, src, sp, row_bytes, std::size_t(rows), kind, stream.value()), op);
}
}  // namespace

void copy_2d(Device device, void* dst, std::size_t dp, const void* src, std::size_t sp, std::size_t row_bytes, int rows,
             Stream stream) {
  if (device.is_cpu()) return host_copy(dst, dp, src, sp, row_bytes, rows);
  cuda_copy(device, dst, dp, src, sp, row_bytes, rows, cudaMemcpyDeviceToDevice, stream, "io::copy");
}
void upload_2d(Device device, void* dst, std::size_t dp, const void* src, std::size_t sp, std::size_t row_bytes,
               int rows, Stream stream) {
  refuse_in_graph(device, stream, "io::upload");
  if (device.is_cpu()) return host_copy(dst, dp, src, sp, row_bytes, rows);
  cuda_copy(device, dst, dp, src, sp, row_bytes, rows, cudaMemcpyHostToDevice, stream, "io::upload");
}
void download_2d(Device device, void* dst, std::size_t dp, const void* src, std::size_t sp, std::size_t row_bytes,
                 int rows, Stream stream) {
  refuse_in_graph(device, stream, "io::download");
  if (device.is_cpu()) return host_copy(dst, dp, src, sp, row_bytes, rows);
  cuda_copy(device, dst, dp, src, sp, row_bytes, rows, cudaMemcpyDeviceToHost, stream, "io::download");
}

}  // namespace imagecuda::detail
