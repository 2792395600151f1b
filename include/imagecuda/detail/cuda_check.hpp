// SPDX-License-Identifier: MIT
/// @file cuda_check.hpp  IMAGECUDA_CUDA_TRY without fmt, so that .cu files never parse fmt.
#pragma once

namespace imagecuda::detail {
/// Throws an Error{cuda} (or out_of_memory) for a failed CUDA call; clears CUDA's sticky error.
[[noreturn]] void throw_cuda_error(int cuda_error, const char* call, const char* where);
/// Makes CUDA device `ordinal` current; returns the device that was current when it changed
/// (for restore_device), else -1. DeviceGuard's switch, for code that cannot see DeviceGuard.
[[nodiscard]] int make_device_current(int ordinal, const char* where);
/// Makes `previous` (from make_device_current) current again; nothing for -1.
void restore_device(int previous) noexcept;
}  // namespace imagecuda::detail

/// Checks a CUDA runtime call made inside imagecuda (RMM_CUDA_TRY's role).
#define IMAGECUDA_CUDA_TRY(call, where)                                    \
  do {                                                                     \
    const int imagecuda_err_ = static_cast<int>(call);                     \
    if (imagecuda_err_ != 0) [[unlikely]]                                  \
      ::imagecuda::detail::throw_cuda_error(imagecuda_err_, #call, where); \
  } while (0)
