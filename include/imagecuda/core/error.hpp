// SPDX-License-Identifier: MIT
/// @file error.hpp  imagecuda::Error, its codes, and the checking helpers.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace imagecuda {

/// What went wrong; every Error carries one.
enum class ErrorCode {
  invalid_argument,  ///< a bad parameter, size or destination
  out_of_memory,     ///< an allocation failed (device or host)
  io,                ///< a file could not be read or written
  decode,            ///< a file's contents are corrupt or truncated
  cuda,              ///< a CUDA runtime call failed (the message names the CUDA error)
  freed,             ///< an image was used after free()
  unsupported,       ///< a valid request this build or format cannot do
  device_mismatch,   ///< images of one op live on different devices
};

/// Name of an ErrorCode, e.g. "invalid_argument".
constexpr std::string_view to_string(ErrorCode c) noexcept {
  switch (c) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::out_of_memory: return "out_of_memory";
    case ErrorCode::io: return "io";
    case ErrorCode::decode: return "decode";
    case ErrorCode::cuda: return "cuda";
    case ErrorCode::freed: return "freed";
    case ErrorCode::unsupported: return "unsupported";
    case ErrorCode::device_mismatch: return "device_mismatch";
  }
  return "unknown";
}

/// The one exception type imagecuda throws. The message names the op, the argument and the value.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

namespace detail {
template <class... Args>
[[noreturn]] void fail(ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  throw Error(code, fmt::format(f, std::forward<Args>(args)...));
}

/// Throws `Error{code, formatted}` unless `cond` holds (RMM_EXPECTS' role).
template <class... Args>
void expects(bool cond, ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  if (!cond) [[unlikely]]
    fail(code, f, std::forward<Args>(args)...);
}

}  // namespace detail
}  // namespace imagecuda

#include "../detail/cuda_check.hpp"
