// SPDX-License-Identifier: MIT
/// @file dispatch.hpp  The outline every op shares: validate on the host, pick the backend, launch.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>

#include "../core/device.hpp"
#include "../core/error.hpp"
#include "../core/image.hpp"
#include "../core/view.hpp"
#include "../core/workspace.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// The kernel-side accessor of a view.
template <class P>
Pitched<P> pitched(const BasicImageView<P>& v) noexcept {
  return Pitched<P>{v.data(), v.pitch(), v.width(), v.height()};
}

/// Makes `device` current for the calling thread for this scope (CUDA only; no-op for the CPU).
class DeviceGuard {
 public:
  explicit DeviceGuard(Device device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = -1;
};

namespace fusion {
/// Ends the pending fused pass of this thread's Graph recording (fuse.hpp); no-op otherwise.
void barrier();
}  // namespace fusion

/// Runs `on_cuda()` (with the device current) or `on_host()`. In a Graph recording with
/// per-pixel fusion, the pending fused pass is launched first, so that it keeps its place.
template <class FCuda, class FHost>
void dispatch(Device device, FCuda&& on_cuda, FHost&& on_host) {
  if (device.is_cuda()) {
    DeviceGuard guard(device);
    fusion::barrier();
    std::forward<FCuda>(on_cuda)();
  } else {
    fusion::barrier();
    std::forward<FHost>(on_host)();
  }
}

/// dispatch for a per-pixel op: its CUDA launcher offers the op to the pending fused pass
/// (fusion::take), which launches that pass first whenever the op cannot join it.
template <class FCuda, class FHost>
void dispatch_per_pixel(Device device, FCuda&& on_cuda, FHost&& on_host) {
  if (device.is_cuda()) {
    DeviceGuard guard(device);
    std::forward<FCuda>(on_cuda)();
  } else {
    std::forward<FHost>(on_host)();
  }
}

/// Throws unless the view has pixels.
template <class P>
void check_view(const char* op, const char* arg, const BasicImageView<P>& v) {
  expects(!v.empty(), ErrorCode::invalid_argument, "{}: {} is empty ({}x{})", op, arg, v.width(), v.height());
}

/// Throws Error{freed} / Error{invalid_argument} for a freed or empty image argument.
template <class P>
void check_image(const char* op, const char* arg, const Image<P>& img) {
  expects(!img.is_freed(), ErrorCode::freed, "{}: {} was freed", op, arg);
  expects(!img.empty(), ErrorCode::invalid_argument, "{}: {} is empty (moved-from or default-constructed)", op, arg);
}

inline void check_same_device(const char* op, const char* a, Device da, const char* b, Device db) {
  expects(da == db, ErrorCode::device_mismatch, "{}: {} is on {} but {} is on {}", op, a, da, b, db);
}

/// Makes `dst` ready to receive a w x h result on `device`: checks it, sets its logical size
/// (throws if the capacity is too small, leaving it untouched) and adopts the op's stream.
template <class P>
void prepare_dst(const char* op, Image<P>& dst, int w, int h, Device device, Stream stream) {
  check_image(op, "dst", dst);
  check_same_device(op, "dst", dst.device(), "src", device);
  expects(std::size_t(w) * std::size_t(h) <= dst.capacity(), ErrorCode::invalid_argument,
          "{}: dst capacity of {} pixels is too small for {}x{} ({} pixels)", op, dst.capacity(), w, h,
          std::size_t(w) * std::size_t(h));
  dst.set_size(w, h);
  dst.set_stream(stream);
}

/// True when `src` reads memory that `dst` owns (in place, or a view of dst's memory).
inline bool overlaps(ConstImageView<float4> src, const ImageF32& dst) {
  if (dst.is_freed() || dst.empty() || src.empty()) return false;
  const auto* a0 = reinterpret_cast<const std::byte*>(src.data());
  const auto* a1 = a0 + std::size_t(src.height() - 1) * src.pitch() + std::size_t(src.width()) * sizeof(float4);
  const auto* b0 = reinterpret_cast<const std::byte*>(dst.data());
  const auto* b1 = b0 + dst.capacity() * sizeof(float4);
  return a0 < b1 && b0 < a1;
}

/// Throws unless `v` is a finite number.
inline void check_finite(const char* op, const char* arg, float v) {
  expects(std::isfinite(v), ErrorCode::invalid_argument, "{}: {} must be finite, got {}", op, arg, v);
}
inline void check_finite(const char* op, const char* arg, float4 v) {
  expects(std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z) && std::isfinite(v.w),
          ErrorCode::invalid_argument, "{}: {} must be finite, got ({}, {}, {}, {})", op, arg, v.x, v.y, v.z, v.w);
}

}  // namespace imagecuda::detail
