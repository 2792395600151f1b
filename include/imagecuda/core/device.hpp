// SPDX-License-Identifier: MIT
/// @file device.hpp  Device: the CPU backend or one CUDA device.
#pragma once

#include <compare>
#include <string>

#include <fmt/format.h>

namespace imagecuda {

/// Where an image lives and where ops on it run.
class Device {
 public:
  enum class Kind { cpu, cuda };

  /// The CPU backend (host memory, ops run on a host thread pool).
  static constexpr Device cpu() noexcept { return Device(Kind::cpu, 0); }
  /// CUDA device `ordinal` (validated when first used).
  static constexpr Device cuda(int ordinal = 0) noexcept { return Device(Kind::cuda, ordinal); }

  [[nodiscard]] constexpr Kind kind() const noexcept { return kind_; }
  [[nodiscard]] constexpr bool is_cpu() const noexcept { return kind_ == Kind::cpu; }
  [[nodiscard]] constexpr bool is_cuda() const noexcept { return kind_ == Kind::cuda; }
  /// CUDA ordinal; 0 for the CPU.
  [[nodiscard]] constexpr int ordinal() const noexcept { return ordinal_; }
  /// "cpu" or "cuda:N".
  [[nodiscard]] std::string name() const { return is_cpu() ? std::string("cpu") : fmt::format("cuda:{}", ordinal_); }

  constexpr bool operator==(const Device&) const noexcept = default;

 private:
  constexpr Device(Kind k, int o) noexcept : kind_(k), ordinal_(o) {}
  Kind kind_;
  int ordinal_;
};

/// The default device: `IMAGECUDA_DEVICE=cpu|cuda|cuda:N` if set, else CUDA device 0 when one is
/// present, else the CPU. Read once per process; a bad value throws Error{invalid_argument}.
[[nodiscard]] Device default_device();

/// Number of CUDA devices visible (0 without a GPU or driver); never throws.
[[nodiscard]] int cuda_device_count() noexcept;

}  // namespace imagecuda

template <>
struct fmt::formatter<imagecuda::Device> : fmt::formatter<std::string> {
  auto format(const imagecuda::Device& d, format_context& ctx) const {
    return fmt::formatter<std::string>::format(d.name(), ctx);
  }
};
