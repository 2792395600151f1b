// SPDX-License-Identifier: MIT
/// @file device.cpp  Devices, streams, CUDA error translation, system report.
#include <cuda_runtime.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "imagecuda/core/device.hpp"
#include "imagecuda/core/error.hpp"
#include "imagecuda/core/stream.hpp"
#include "imagecuda/core/system.hpp"
#include "imagecuda/detail/dispatch.hpp"
#include "imagecuda/version.hpp"

namespace imagecuda {

namespace detail {
void throw_cuda_error(int err, const char* call, const char* where) {
  (void)cudaGetLastError();  // clear a non-sticky error so the next call starts clean
  const auto e = static_cast<cudaError_t>(err);
  const ErrorCode code = e == cudaErrorMemoryAllocation ? ErrorCode::out_of_memory : ErrorCode::cuda;
  fail(code, "{}: {} failed: {} ({})", where, call, cudaGetErrorName(e), cudaGetErrorString(e));
}

DeviceGuard::DeviceGuard(Device device) {
  if (!device.is_cuda()) return;
  const int n = cuda_device_count();
  expects(device.ordinal() >= 0 && device.ordinal() < n, ErrorCode::invalid_argument,
          "Device: {} does not exist ({} CUDA device(s) visible)", device, n);
  previous_ = make_device_current(device.ordinal(), "DeviceGuard");
}
DeviceGuard::~DeviceGuard() { restore_device(previous_); }

int make_device_current(int ordinal, const char* where) {
  int current = 0;
  IMAGECUDA_CUDA_TRY(cudaGetDevice(&current), where);
  if (current == ordinal) return -1;
  IMAGECUDA_CUDA_TRY(cudaSetDevice(ordinal), where);
  return current;
}
void restore_device(int previous) noexcept {
  if (previous >= 0) (void)cudaSetDevice(previous);
}
}  // namespace detail

int cuda_device_count() noexcept {
  static const int count = [] {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {
      (void)cudaGetLastError();
      n = 0;
    }
    return n;
  }();
  return count;
}

namespace {
Device parse_device_env(std::string_view v) {
  if (v == "cpu") return Device::cpu();
  if (v == "cuda") return Device::cuda(0);
  if (v.starts_with("cuda:") && v.size() > 5) {
    int n = 0;
    for (char c : v.substr(5)) {
      detail::expects(c >= '0' && c <= '9' && n < 1000000, ErrorCode::invalid_argument,
                      "IMAGECUDA_DEVICE: expected cpu, cuda or cuda:N, got '{}'", v);
      n = n * 10 + (c - '0');
    }
    return Device::cuda(n);
  }
  detail::fail(ErrorCode::invalid_argument, "IMAGECUDA_DEVICE: expected cpu, cuda or cuda:N, got '{}'", v);
}
}  // namespace

Device default_device() {
  static const Device d = [] {
    if (const char* env = std::getenv("IMAGECUDA_DEVICE"); env != nullptr && *env != '\0') {
      const Device parsed = parse_device_env(env);
      if (parsed.is_cuda())
        detail::expects(parsed.ordinal() < cuda_device_count(), ErrorCode::invalid_argument,
                        "IMAGECUDA_DEVICE: {} requested but {} CUDA device(s) are visible", parsed,
                        cuda_device_count());
      return parsed;
    }
    return cuda_device_count() > 0 ? Device::cuda(0) : Device::cpu();
  }();
  return d;
}

void Stream::synchronize() const {
  if (cuda_device_count() == 0) return;  // CPU backend: every op has already finished
  IMAGECUDA_CUDA_TRY(cudaStreamSynchronize(s_), "Stream::synchronize");
}

OwningStream::OwningStream() {
  if (cuda_device_count() == 0) return;  // no GPU: a null handle, ops on the CPU ignore it
  IMAGECUDA_CUDA_TRY(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "OwningStream");
}
OwningStream::~OwningStream() { reset(); }
void OwningStream::reset() noexcept {
  if (s_ != nullptr) (void)cudaStreamDestroy(s_);
  s_ = nullptr;
}

void synchronize(Stream stream) { stream.synchronize(); }

const char* version() noexcept { return IMAGECUDA_VERSION_STRING; }

std::string system_report() {
  std::string r = fmt::format("imagecuda {}\n", version());
  int driver = 0, runtime = 0;
  if (cudaDriverGetVersion(&driver) != cudaSuccess) driver = 0;
  if (cudaRuntimeGetVersion(&runtime) != cudaSuccess) runtime = 0;
  (void)cudaGetLastError();
  r += fmt::format("CUDA driver {}.{}, runtime {}.{}\n", driver / 1000, (driver % 1000) / 10, runtime / 1000,
                   (runtime % 1000) / 10);
  const int n = cuda_device_count();
  r += fmt::format("CUDA devices: {}\n", n);
  for (int i = 0; i < n; ++i) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, i) != cudaSuccess) {
      (void)cudaGetLastError();
      continue;
    }
    std::size_t free_b = 0, total_b = 0;
    {
      detail::DeviceGuard g(Device::cuda(i));
      if (cudaMemGetInfo(&free_b, &total_b) != cudaSuccess) (void)cudaGetLastError();
    }
    r += fmt::format("  cuda:{}: {} (sm_{}{}), {} SMs, {:.1f} GiB total, {:.1f} GiB free\n", i, p.name, p.major,
                     p.minor, p.multiProcessorCount, double(total_b) / (1 << 30), double(free_b) / (1 << 30));
  }
  r += fmt::format("default device: {}\n", default_device());
  return r;
}

}  // namespace imagecuda
