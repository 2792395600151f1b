// SPDX-License-Identifier: MIT
/// @file memory.hpp  Allocation counters (memory_stats) and the allocation primitives images use.
#pragma once

#include <cstddef>
#include <cstdint>

#include "device.hpp"
#include "stream.hpp"

namespace imagecuda {

/// What the library has allocated on one device (CPU: host memory for images and workspaces).
struct MemoryStats {
  std::uint64_t allocations = 0;  ///< number of allocations made so far (never decreases)
  std::uint64_t frees = 0;        ///< number of frees so far
  std::size_t bytes_in_use = 0;   ///< bytes currently allocated by imagecuda
  std::size_t peak_bytes = 0;     ///< high-water mark of bytes_in_use
};

/// Counters for `device` (default: the default device). Thread-safe.
[[nodiscard]] MemoryStats memory_stats(Device device = default_device());

/// Resets `peak_bytes` of `device` to its current `bytes_in_use`.
void reset_peak_memory(Device device = default_device());

namespace detail {
/// Allocates `bytes` on `device`: stream-ordered `cudaMallocAsync` from the device's default pool
/// (CUDA), 256-byte-aligned host memory (CPU). Throws Error{out_of_memory} naming `what`.
[[nodiscard]] void* allocate(Device device, std::size_t bytes, Stream stream, const char* what);
/// Frees memory from allocate(), stream-ordered; never throws (errors go to stderr).
void deallocate(Device device, void* p, std::size_t bytes, Stream stream) noexcept;
}  // namespace detail

}  // namespace imagecuda
