// SPDX-License-Identifier: MIT
/// @file image.hpp  Image<P>: the move-only owning handle (capacity vs logical size, free, views).
#pragma once

#include <cstddef>
#include <utility>

#include "config.hpp"
#include "device.hpp"
#include "error.hpp"
#include "memory.hpp"
#include "stream.hpp"
#include "view.hpp"

namespace imagecuda {

/// An owning, move-only image of `P` pixels (float4 working format or uchar4 storage format).
///
/// - A fixed **capacity** (pixels allocated at construction) and a **logical size** that can
///   change within it (`set_size`); rows are tightly packed at the logical width.
/// - Memory is **uninitialised** until an op writes it (use `fill::color`).
/// - The destructor frees stream-ordered on the image's stream; `free()` frees early, and any
///   later use throws `Error{freed}`. A moved-from image is valid and empty (0x0, capacity 0).
/// - The stream is the one given at construction, or the one the last op that wrote it ran on.
template <class P>
class Image {
  static_assert(is_pixel_v<P>, "Image<P>: P must be float4 or uchar4");

 public:
  using pixel_type = P;

  /// An empty image (0x0, no memory); assign a real one to it.
  Image() noexcept = default;

  /// Allocates `width` x `height` uninitialised pixels on `device`, stream-ordered on `stream`.
  Image(int width, int height, Device device = default_device(), Stream stream = Stream{})
      : width_(width), height_(height), device_(device), stream_(stream) {
    validate_dimensions("Image", width, height);
    capacity_ = std::size_t(width) * std::size_t(height);
    data_ = static_cast<P*>(detail::allocate(device_, capacity_ * sizeof(P), stream_, "Image"));
  }

  ~Image() { release(); }

  Image(Image&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        width_(std::exchange(o.width_, 0)),
        height_(std::exchange(o.height_, 0)),
        capacity_(std::exchange(o.capacity_, 0)),
        device_(o.device_),
        stream_(o.stream_),
        freed_(std::exchange(o.freed_, false)) {}

  Image& operator=(Image&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      width_ = std::exchange(o.width_, 0);
      height_ = std::exchange(o.height_, 0);
      capacity_ = std::exchange(o.capacity_, 0);
      device_ = o.device_;
      stream_ = o.stream_;
      freed_ = std::exchange(o.freed_, false);
    }
    return *this;
  }

  Image(const Image&) = delete;             // a copy could not name its stream: use io::copy
  Image& operator=(const Image&) = delete;

  [[nodiscard]] int width() const { check_live("width"); return width_; }
  [[nodiscard]] int height() const { check_live("height"); return height_; }
  /// Allocated pixels (fixed at construction).
  [[nodiscard]] std::size_t capacity() const { check_live("capacity"); return capacity_; }
  /// Same as capacity() (PyImageCUDA's get_max_capacity).
  [[nodiscard]] std::size_t max_size() const { return capacity(); }
  [[nodiscard]] Device device() const noexcept { return device_; }
  [[nodiscard]] Stream stream() const noexcept { return stream_; }
  /// The stream later frees are ordered on (the caller orders earlier work, as with RMM).
  void set_stream(Stream s) noexcept { stream_ = s; }
  [[nodiscard]] bool is_freed() const noexcept { return freed_; }
  /// True for a default-constructed or moved-from image.
  [[nodiscard]] bool empty() const noexcept { return data_ == nullptr && !freed_; }
  /// Bytes per row at the current logical width.
  [[nodiscard]] std::size_t pitch() const { check_live("pitch"); return std::size_t(width_) * sizeof(P); }

  [[nodiscard]] P* data() { check_live("data"); return data_; }
  [[nodiscard]] const P* data() const { check_live("data"); return data_; }

  /// Changes the logical size without reallocating; throws Error{invalid_argument} (and changes
  /// nothing) unless 1 <= w, h and w*h <= capacity(). The bytes are reinterpreted, not kept.
  void set_size(int w, int h) {
    check_live("set_size");
    detail::expects(w > 0 && h > 0, ErrorCode::invalid_argument,
                    "Image::set_size: dimensions must be positive, got {}x{}", w, h);
    detail::expects(std::size_t(w) * std::size_t(h) <= capacity_, ErrorCode::invalid_argument,
                    "Image::set_size: {}x{} ({} pixels) exceeds the capacity of {} pixels", w, h,
                    std::size_t(w) * std::size_t(h), capacity_);
    width_ = w;
    height_ = h;
  }

  [[nodiscard]] ImageView<P> view() {
    check_live("view");
    return ImageView<P>(data_, width_, height_, pitch(), device_);
  }
  [[nodiscard]] ConstImageView<P> view() const {
    check_live("view");
    return ConstImageView<P>(data_, width_, height_, pitch(), device_);
  }
  operator ImageView<P>() { return view(); }             // NOLINT: every op takes views
  operator ConstImageView<P>() const { return view(); }  // NOLINT

  /// Zero-copy view of the rectangle (x, y, w, h); it must lie inside the image.
  [[nodiscard]] ImageView<P> crop_view(int x, int y, int w, int h) { return view().crop(x, y, w, h); }
  [[nodiscard]] ConstImageView<P> crop_view(int x, int y, int w, int h) const { return view().crop(x, y, w, h); }

  /// Frees the memory now (stream-ordered); idempotent. Later use throws Error{freed}.
  void free() noexcept {
    if (data_ != nullptr) {
      release();
      freed_ = true;
    }
  }

  /// Throws unless 1 <= width, height <= 32768 (PyImageCUDA's validate_dimensions).
  static void validate_dimensions(const char* op, int w, int h) {
    detail::expects(w > 0 && h > 0, ErrorCode::invalid_argument,
                    "{}: width and height must be positive, got {}x{}", op, w, h);
    detail::expects(w <= max_dimension && h <= max_dimension, ErrorCode::invalid_argument,
                    "{}: dimensions too large, got {}x{} (max {})", op, w, h, max_dimension);
  }

 private:
  void check_live(const char* what) const {
    if (freed_) [[unlikely]]
      detail::fail(ErrorCode::freed, "Image::{}: image was freed", what);
  }
  void release() noexcept {
    if (data_ != nullptr) detail::deallocate(device_, data_, capacity_ * sizeof(P), stream_);
    data_ = nullptr;
    width_ = height_ = 0;
    capacity_ = 0;
  }

  P* data_ = nullptr;
  int width_ = 0;
  int height_ = 0;
  std::size_t capacity_ = 0;
  Device device_ = Device::cpu();
  Stream stream_{};
  bool freed_ = false;
};

using ImageF32 = Image<float4>;
using ImageU8 = Image<uchar4>;

}  // namespace imagecuda
