// SPDX-License-Identifier: MIT
/// @file system.hpp  synchronize(), system_report(), version().
#pragma once

#include <string>

#include "device.hpp"
#include "stream.hpp"

namespace imagecuda {

/// Blocks until all work queued on `stream` is done (CPU backend: returns at once).
void synchronize(Stream stream = Stream{});

/// A human-readable report: devices, driver and runtime versions, memory (PyImageCUDA's check_system).
[[nodiscard]] std::string system_report();

/// The library version, "MAJOR.MINOR.PATCH" (matches the CMake project version).
[[nodiscard]] const char* version() noexcept;

}  // namespace imagecuda
