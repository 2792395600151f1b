// SPDX-License-Identifier: MIT
/// @file transform.hpp  transform: flip, rotate (any angle; lossless 0/90/180/270), crop (with
/// transparent padding), zoom — PyImageCUDA's geometry, sampled through detail/sampler.hpp.
#pragma once

#include <cmath>
#include <optional>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/transfer.hpp"
#include "detail/transform.hpp"
#include "resize.hpp"  // Interpolation, Size

namespace imagecuda::transform {

using resize::Size;
using Interpolation = imagecuda::Interpolation;

enum class FlipDirection { horizontal = 0, vertical = 1, both = 2 };

struct FlipParams {
  FlipDirection direction = FlipDirection::horizontal;
};

struct RotateParams {
  /// Degrees, clockwise on screen (y down). Must be finite.
  float angle = 0.f;
  /// true: the output grows to hold the whole rotated image; false: same size, corners clipped.
  bool expand = true;
  Interpolation interpolation = Interpolation::bilinear;
};

struct CropParams {
  int x = 0;
  int y = 0;
  int width = 0;   ///< 1..32768
  int height = 0;  ///< 1..32768
};

struct ZoomParams {
  /// > 0; > 1 magnifies, < 1 zooms out leaving transparent margins.
  float zoom_factor = 2.0f;
  /// Centre of the zoom in source pixels; default w/2, h/2; clamped to [0, w-1] x [0, h-1].
  std::optional<float> center_x = std::nullopt;
  std::optional<float> center_y = std::nullopt;
  Interpolation interpolation = Interpolation::bilinear;
};

namespace detail {
using namespace imagecuda::detail;

inline void check_no_overlap(const char* op, ConstImageView<float4> src, const ImageF32& dst) {
  expects(!overlaps(src, dst), ErrorCode::invalid_argument, "{}: dst must not overlap src", op);
}

inline void copy_into(const char* op, ConstImageView<float4> src, ImageF32& dst, const Exec& ex) {
  prepare_dst(op, dst, src.width(), src.height(), src.device(), ex.stream);
  if (src.data() != dst.view().data())
    copy_2d(src.device(), dst.data(), dst.pitch(), src.data(), src.pitch(), std::size_t(src.width()) * sizeof(float4),
            src.height(), ex.stream);
}

/// What rotate does: copy (0), fixed mode 0/1/2 (90/180/270), or arbitrary (-1), and the sizes.
struct RotatePlan {
  enum Kind { copy, fixed, arbitrary } kind = copy;
  int mode = 0;
  int out_w = 0, out_h = 0;
  int rot_w = 0, rot_h = 0;
  int off_x = 0, off_y = 0;
};

inline int floor_div2(int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

inline RotatePlan rotate_plan(const char* op, int w, int h, const RotateParams& p) {
  check_finite(op, "angle", p.angle);
  resize::detail::check_interpolation(op, p.interpolation, false);
  RotatePlan r;
  double n = std::fmod(double(p.angle), 360.0);
  if (n < 0) n += 360.0;
  if (std::fabs(n) < 0.01) {
    r.kind = RotatePlan::copy;
    r.out_w = w;
    r.out_h = h;
    return r;
  }
  for (int m = 0; m < 3; ++m) {
    if (std::fabs(n - 90.0 * (m + 1)) < 0.01) {
      r.kind = RotatePlan::fixed;
      r.mode = m;
      r.rot_w = m == 1 ? w : h;
      r.rot_h = m == 1 ? h : w;
    }
  }
  if (r.kind != RotatePlan::fixed) {
    r.kind = RotatePlan::arbitrary;
    const double rad = double(p.angle) * 3.14159265358979323846 / 180.0;
    const double c = std::fabs(std::cos(rad)), s = std::fabs(std::sin(rad));
    const double rw = std::floor(w * c + h * s), rh = std::floor(w * s + h * c);
    expects(rw >= 1 && rh >= 1 && rw <= max_dimension && rh <= max_dimension, ErrorCode::invalid_argument,
            "{}: the rotated size {}x{} must be within 1..{}", op, rw, rh, max_dimension);
    r.rot_w = int(rw);
    r.rot_h = int(rh);
  }
  if (p.expand) {
    r.out_w = r.rot_w;
    r.out_h = r.rot_h;
  } else {
    r.out_w = w;
    r.out_h = h;
    r.off_x = floor_div2(w - r.rot_w);
    r.off_y = floor_div2(h - r.rot_h);
  }
  return r;
}

inline void check_crop(const char* op, const CropParams& p) {
  expects(p.width >= 1 && p.height >= 1, ErrorCode::invalid_argument, "{}: crop size must be positive, got {}x{}", op,
          p.width, p.height);
  expects(p.width <= max_dimension && p.height <= max_dimension, ErrorCode::invalid_argument,
          "{}: crop size must be <= {}, got {}x{}", op, max_dimension, p.width, p.height);
}

inline void check_zoom(const char* op, const ZoomParams& p) {
  check_finite(op, "zoom_factor", p.zoom_factor);
  expects(p.zoom_factor > 0.f, ErrorCode::invalid_argument, "{}: zoom_factor must be positive, got {}", op,
          p.zoom_factor);
  if (p.center_x) check_finite(op, "center_x", *p.center_x);
  if (p.center_y) check_finite(op, "center_y", *p.center_y);
  resize::detail::check_interpolation(op, p.interpolation, false);
}
}  // namespace detail

/// flip into `dst` (same size as src): horizontal src_x = w-1-x, vertical src_y = h-1-y, or both.
inline void flip(ConstImageView<float4> src, ImageF32& dst, const FlipParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "transform::flip";
  const int m = static_cast<int>(p.direction);
  imagecuda::detail::expects(m >= 0 && m <= 2, ErrorCode::invalid_argument, "{}: direction must be horizontal, vertical or both, got {}",
          op, m);
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_image(op, "dst", dst);
  detail::check_no_overlap(op, src, dst);
  imagecuda::detail::prepare_dst(op, dst, src.width(), src.height(), src.device(), ex.stream);
  const auto out = imagecuda::detail::pitched(dst.view());
  const imagecuda::detail::Flip f{imagecuda::detail::pitched(src), m};
  imagecuda::detail::dispatch(
      src.device(), [&] { imagecuda::detail::cuda::flip(out, f, ex.stream.value()); },
      [&] { imagecuda::detail::host::flip(out, f); });
}
[[nodiscard]] inline ImageF32 flip(ConstImageView<float4> src, const FlipParams& p = {}, const Exec& ex = {}) {
  imagecuda::detail::check_view("transform::flip", "src", src);
  ImageF32 out(src.width(), src.height(), src.device(), ex.stream);
  flip(src, out, p, ex);
  return out;
}

/// The output size of rotate for a w x h source (the reference's truncation; 90/270 swap).
[[nodiscard]] inline Size rotate_size(int w, int h, const RotateParams& p) {
  resize::detail::check_dimension("transform::rotate_size", "width", w);
  resize::detail::check_dimension("transform::rotate_size", "height", h);
  const auto r = detail::rotate_plan("transform::rotate_size", w, h, p);
  return {r.out_w, r.out_h};
}

/// rotate into `dst` (its logical size becomes rotate_size). Angles within 0.01 degree of
/// 0/90/180/270 (after angle mod 360) are exact pixel moves; others sample by inverse mapping
/// about the centres with the chosen sampler on premultiplied alpha; outside the source (0,0,0,0).
inline void rotate(ConstImageView<float4> src, ImageF32& dst, const RotateParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "transform::rotate";
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_image(op, "dst", dst);
  const auto r = detail::rotate_plan(op, src.width(), src.height(), p);
  if (r.kind == detail::RotatePlan::copy) {
    if (src.data() != dst.view().data()) detail::check_no_overlap(op, src, dst);
    return detail::copy_into(op, src, dst, ex);
  }
  detail::check_no_overlap(op, src, dst);
  imagecuda::detail::prepare_dst(op, dst, r.out_w, r.out_h, src.device(), ex.stream);
  const auto out = imagecuda::detail::pitched(dst.view());
  const auto in = imagecuda::detail::pitched(src);
  if (r.kind == detail::RotatePlan::fixed) {
    const imagecuda::detail::RotateFixed f{in, r.mode, r.off_x, r.off_y, r.rot_w, r.rot_h};
    imagecuda::detail::dispatch(
        src.device(), [&] { imagecuda::detail::cuda::rotate_fixed(out, f, ex.stream.value()); },
        [&] { imagecuda::detail::host::rotate_fixed(out, f); });
    return;
  }
  const float theta = p.angle * (3.14159265359f / 180.f);
  const imagecuda::detail::RotateArbitrary f{imagecuda::detail::Sampler{in, resize::detail::mode_of(p.interpolation)},
                                             std::cos(theta),
                                             std::sin(theta),
                                             float(r.out_w) / 2.f - 0.5f,
                                             float(r.out_h) / 2.f - 0.5f,
                                             float(src.width()) / 2.f - 0.5f,
                                             float(src.height()) / 2.f - 0.5f};
  imagecuda::detail::dispatch(
      src.device(), [&] { imagecuda::detail::cuda::rotate_arbitrary(out, f, ex.stream.value()); },
      [&] { imagecuda::detail::host::rotate_arbitrary(out, f); });
}
[[nodiscard]] inline ImageF32 rotate(ConstImageView<float4> src, const RotateParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "transform::rotate";
  imagecuda::detail::check_view(op, "src", src);
  const auto r = detail::rotate_plan(op, src.width(), src.height(), p);
  ImageF32 out(r.out_w, r.out_h, src.device(), ex.stream);
  rotate(src, out, p, ex);
  return out;
}

/// crop into `dst` (width x height): the rectangle at (x, y) of src; parts outside src are
/// transparent (0,0,0,0), as the reference. For a rectangle inside src, img.crop_view(x, y, w, h)
/// is the zero-copy alternative.
inline void crop(ConstImageView<float4> src, ImageF32& dst, const CropParams& p, const Exec& ex = {}) {
  constexpr const char* op = "transform::crop";
  detail::check_crop(op, p);
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_image(op, "dst", dst);
  detail::check_no_overlap(op, src, dst);
  imagecuda::detail::prepare_dst(op, dst, p.width, p.height, src.device(), ex.stream);
  const auto out = imagecuda::detail::pitched(dst.view());
  const imagecuda::detail::CropPad f{imagecuda::detail::pitched(src), p.x, p.y};
  imagecuda::detail::dispatch(
      src.device(), [&] { imagecuda::detail::cuda::crop(out, f, ex.stream.value()); },
      [&] { imagecuda::detail::host::crop(out, f); });
}
[[nodiscard]] inline ImageF32 crop(ConstImageView<float4> src, const CropParams& p, const Exec& ex = {}) {
  detail::check_crop("transform::crop", p);
  imagecuda::detail::check_view("transform::crop", "src", src);
  ImageF32 out(p.width, p.height, src.device(), ex.stream);
  crop(src, out, p, ex);
  return out;
}

/// zoom into `dst` at dst's CURRENT logical size (not resized, as the reference):
/// vw = dW/zoom, vh = dH/zoom, vx = cx - vw/2, vy = cy - vh/2, sx = vx + (x/dW)*vw (no half-pixel
/// offset); outside [0,W) x [0,H) transparent.
inline void zoom(ConstImageView<float4> src, ImageF32& dst, const ZoomParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "transform::zoom";
  detail::check_zoom(op, p);
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_image(op, "dst", dst);
  detail::check_no_overlap(op, src, dst);
  imagecuda::detail::check_same_device(op, "dst", dst.device(), "src", src.device());
  const int W = src.width(), H = src.height();
  const int dW = dst.width(), dH = dst.height();
  dst.set_stream(ex.stream);
  const float cx = std::fmin(std::fmax(p.center_x.value_or(float(W / 2.0)), 0.f), float(W - 1));
  const float cy = std::fmin(std::fmax(p.center_y.value_or(float(H / 2.0)), 0.f), float(H - 1));
  const float vw = float(dW) / p.zoom_factor, vh = float(dH) / p.zoom_factor;
  const imagecuda::detail::Zoom f{
      imagecuda::detail::Sampler{imagecuda::detail::pitched(src), resize::detail::mode_of(p.interpolation)},
      float(dW),
      float(dH),
      cx - vw / 2.f,
      cy - vh / 2.f,
      vw,
      vh};
  const auto out = imagecuda::detail::pitched(dst.view());
  imagecuda::detail::dispatch(
      src.device(), [&] { imagecuda::detail::cuda::zoom(out, f, ex.stream.value()); },
      [&] { imagecuda::detail::host::zoom(out, f); });
}
/// zoom into a new image of src's size.
[[nodiscard]] inline ImageF32 zoom(ConstImageView<float4> src, const ZoomParams& p = {}, const Exec& ex = {}) {
  detail::check_zoom("transform::zoom", p);
  imagecuda::detail::check_view("transform::zoom", "src", src);
  ImageF32 out(src.width(), src.height(), src.device(), ex.stream);
  zoom(src, out, p, ex);
  return out;
}

}  // namespace imagecuda::transform
