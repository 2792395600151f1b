// SPDX-License-Identifier: MIT
/// @file view.hpp  ImageView / ConstImageView: non-owning, pitched windows onto image memory.
#pragma once

#include <cstddef>
#include <type_traits>

#include "config.hpp"
#include "device.hpp"
#include "error.hpp"

namespace imagecuda {

/// A non-owning, pitched 2-D window of pixels (pointer, width, height, pitch in bytes, device).
/// Cheap to copy; valid while the image it views is alive and not resized or freed.
template <class P>
class BasicImageView {
 public:
  using pixel_type = std::remove_const_t<P>;
  using pointer = P*;

  BasicImageView() = default;
  BasicImageView(P* data, int width, int height, std::size_t pitch_bytes, Device device) noexcept
      : data_(data), width_(width), height_(height), pitch_(pitch_bytes), device_(device) {}

  /// A read-only view from a mutable one.
  template <class Q, class = std::enable_if_t<std::is_same_v<P, const Q>>>
  BasicImageView(const BasicImageView<Q>& v) noexcept  // NOLINT: mutable -> const is safe
      : BasicImageView(v.data(), v.width(), v.height(), v.pitch(), v.device()) {}

  [[nodiscard]] P* data() const noexcept { return data_; }
  [[nodiscard]] int width() const noexcept { return width_; }
  [[nodiscard]] int height() const noexcept { return height_; }
  /// Bytes between the starts of two rows.
  [[nodiscard]] std::size_t pitch() const noexcept { return pitch_; }
  [[nodiscard]] Device device() const noexcept { return device_; }
  [[nodiscard]] std::size_t pixels() const noexcept { return std::size_t(width_) * std::size_t(height_); }
  [[nodiscard]] bool empty() const noexcept { return data_ == nullptr || width_ <= 0 || height_ <= 0; }
  /// True when rows follow each other without padding.
  [[nodiscard]] bool contiguous() const noexcept { return pitch_ == std::size_t(width_) * sizeof(pixel_type); }

  /// Pointer to row `y` (host or device address, per device()).
  [[nodiscard]] P* row(int y) const noexcept {
    using B = std::conditional_t<std::is_const_v<P>, const std::byte, std::byte>;
    return reinterpret_cast<P*>(reinterpret_cast<B*>(data_) + std::size_t(y) * pitch_);
  }

  /// A zero-copy sub-window; throws Error{invalid_argument} if it is not inside this view.
  [[nodiscard]] BasicImageView crop(int x, int y, int w, int h) const {
    detail::expects(w > 0 && h > 0, ErrorCode::invalid_argument,
                    "crop_view: size must be positive, got {}x{}", w, h);
    detail::expects(x >= 0 && y >= 0 && x <= width_ - w && y <= height_ - h, ErrorCode::invalid_argument,
                    "crop_view: rectangle ({}, {}) {}x{} is not inside the {}x{} image", x, y, w, h,
                    width_, height_);
    return BasicImageView(row(y) + x, w, h, pitch_, device_);
  }

 private:
  P* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  std::size_t pitch_ = 0;
  Device device_ = Device::cpu();
};

template <class P>
using ImageView = BasicImageView<P>;
template <class P>
using ConstImageView = BasicImageView<const P>;

}  // namespace imagecuda
