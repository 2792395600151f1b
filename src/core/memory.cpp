// SPDX-License-Identifier: MIT
/// @file memory.cpp  Stream-ordered device allocation, aligned host allocation, and the counters.
#include <cuda_runtime.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <mutex>

#include "core/graph_state.hpp"
#include "imagecuda/core/memory.hpp"
#include "imagecuda/detail/dispatch.hpp"

namespace imagecuda {
namespace {

constexpr int max_devices = 64;

struct Counters {
  std::atomic<std::uint64_t> allocations{0};
  std::atomic<std::uint64_t> frees{0};
  std::atomic<std::size_t> in_use{0};
  std::atomic<std::size_t> peak{0};
};

std::array<Counters, max_devices + 1> g_counters;  // [0] = CPU, [n + 1] = cuda:n
std::array<std::once_flag, max_devices> g_pool_setup;

Counters& counters(Device d) {
  const int i = d.is_cpu() ? 0 : d.ordinal() + 1;
  detail::expects(i >= 0 && i <= max_devices, ErrorCode::invalid_argument, "memory_stats: {} is out of range", d);
  return g_counters[std::size_t(i)];
}

void on_alloc(Counters& c, std::size_t bytes) {
  c.allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t now = c.in_use.fetch_add(bytes) + bytes;
  std::size_t peak = c.peak.load();
  while (now > peak && !c.peak.compare_exchange_weak(peak, now)) {
  }
}

// Keep freed blocks in the device's default pool (release threshold = max) so that freeing
// and reallocating in a loop costs nothing and never synchronises.
void setup_pool(int ordinal) {
  std::call_once(g_pool_setup[std::size_t(ordinal)], [ordinal] {
    cudaMemPool_t pool{};
    if (cudaDeviceGetDefaultMemPool(&pool, ordinal) == cudaSuccess) {
      std::uint64_t threshold = std::numeric_limits<std::uint64_t>::max();
      (void)cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold);
    }
    (void)cudaGetLastError();
  });
}

}  // namespace

MemoryStats memory_stats(Device device) {
  const Counters& c = counters(device);
  return MemoryStats{c.allocations.load(), c.frees.load(), c.in_use.load(), c.peak.load()};
}

void reset_peak_memory(Device device) {
  Counters& c = counters(device);
  c.peak.store(c.in_use.load());
}

namespace detail {

namespace {
[[noreturn]] void fail_in_graph(const char* what, std::size_t bytes, Device device) {
  fail(ErrorCode::invalid_argument,
       "{}: cannot allocate {} bytes on {} inside a Graph recording (create the images and size the "
       "Workspace before Graph::capture, and pass the workspace to the ops)",
       what, bytes, device);
}
}  // namespace

void* allocate(Device device, std::size_t bytes, Stream stream, const char* what) {
  Counters& c = counters(device);
  if (bytes == 0) return nullptr;
  // Refused while a Graph records, on both backends alike (graph_state.hpp).
  if (recording_graph(device, stream)) fail_in_graph(what, bytes, device);
  void* p = nullptr;
  if (device.is_cpu()) {
    constexpr std::size_t align = 256;
    const std::size_t rounded = (bytes + align - 1) / align * align;
    p = std::aligned_alloc(align, rounded);
    expects(p != nullptr, ErrorCode::out_of_memory, "{}: cannot allocate {} bytes of host memory", what, bytes);
  } else {
    DeviceGuard guard(device);
    setup_pool(device.ordinal());
    const cudaError_t e = cudaMallocAsync(&p, bytes, stream.value());
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      if (e == cudaErrorMemoryAllocation)
        fail(ErrorCode::out_of_memory, "{}: cannot allocate {} bytes on {}: {} ({})", what, bytes, device,
             cudaGetErrorName(e), cudaGetErrorString(e));
      fail(ErrorCode::cuda, "{}: cudaMallocAsync of {} bytes on {} failed: {} ({})", what, bytes, device,
           cudaGetErrorName(e), cudaGetErrorString(e));
    }
  }
  on_alloc(c, bytes);
  return p;
}

void deallocate(Device device, void* p, std::size_t bytes, Stream stream) noexcept {
  if (p == nullptr) return;
  // A fused pass pending in a Graph recording may still use this memory: it is launched first,
  // before the switch to the memory's device below (the pass goes to the recording's stream,
  // whose device is the current one while recording).
  try {
    fusion::barrier();
  } catch (const std::exception& x) {
    std::fprintf(stderr, "imagecuda: %s\n", x.what());
  }
  Counters& c = g_counters[device.is_cpu() ? 0 : std::size_t(device.ordinal() + 1)];
  if (device.is_cpu()) {
    std::free(p);
  } else {
    int current = -1;
    const bool switched = cudaGetDevice(&current) == cudaSuccess && current != device.ordinal() &&
                          cudaSetDevice(device.ordinal()) == cudaSuccess;
    const cudaError_t e = cudaFreeAsync(p, stream.value());
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      // At process exit the runtime may already be gone; nothing can be done then.
      if (e != cudaErrorCudartUnloading && e != cudaErrorContextIsDestroyed)
        std::fprintf(stderr, "imagecuda: cudaFreeAsync failed on %s: %s\n", device.name().c_str(),
                     cudaGetErrorName(e));
    }
    if (switched) (void)cudaSetDevice(current);
  }
  c.frees.fetch_add(1, std::memory_order_relaxed);
  c.in_use.fetch_sub(bytes);
}

}  // namespace detail
}  // namespace imagecuda
