// SPDX-License-Identifier: MIT
/// @file blur.hpp  filter::gaussian_blur and filter::box_blur (any radius up to 1000, O(1) in the
/// radius for large radii, premultiplied alpha, workspace-aware).
#pragma once

#include <optional>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/blur.hpp"
#include "detail/dispatch.hpp"
#include "detail/transfer.hpp"

namespace imagecuda::filter {

struct GaussianBlurParams {
  /// Kernel radius in pixels, 0..1000 (PyImageCUDA: 0..100). 0 copies.
  int radius = 3;
  /// Standard deviation; default radius / 3. <= 0.001 copies (as the reference).
  std::optional<float> sigma = std::nullopt;
};

struct BoxBlurParams {
  /// Box radius: a (2r+1) x (2r+1) mean, 0..1000. 0 copies.
  int radius = 3;
};

namespace detail {
using namespace imagecuda::detail;

inline BlurPlan gaussian_plan(const char* op, const GaussianBlurParams& p, double* bound = nullptr) {
  expects(p.radius >= 0, ErrorCode::invalid_argument, "{}: radius must be >= 0, got {}", op, p.radius);
  expects(p.radius <= blur_max_radius, ErrorCode::invalid_argument, "{}: radius must be <= {}, got {}", op,
          blur_max_radius, p.radius);
  if (p.sigma) check_finite(op, "sigma", *p.sigma);
  const float sigma = p.sigma ? *p.sigma : float(p.radius) / 3.0f;
  // Radii <= 50 stay within 1e-4 of the exact convolution; larger ones within 2e-3 (8-bit invisible).
  const double max_error = p.radius <= 50 ? 5e-5 : 1e-3;
  return plan_gaussian(p.radius, sigma, max_error, bound);
}

inline BlurPlan box_plan(const char* op, const BoxBlurParams& p) {
  expects(p.radius >= 0 && p.radius <= blur_max_radius, ErrorCode::invalid_argument,
          "{}: radius must be in 0..{}, got {}", op, blur_max_radius, p.radius);
  return plan_box(p.radius);
}

inline void run_blur(const char* op, ConstImageView<float4> src, ImageF32& dst, const BlurPlan& plan, const Exec& ex) {
  check_view(op, "src", src);
  const int w = src.width(), h = src.height();
  const bool aliased = dst.is_freed() || dst.empty() ? false : dst.view().data() == src.data();
  prepare_dst(op, dst, w, h, src.device(), ex.stream);
  if (plan.method == BlurPlan::copy) {
    if (!aliased)
      copy_2d(src.device(), dst.data(), dst.pitch(), src.data(), src.pitch(), std::size_t(w) * sizeof(float4), h,
              ex.stream);
    return;
  }
  Scratch scratch(op, src.device(), std::size_t(w) * std::size_t(h) * sizeof(float4), ex);
  auto* temp = scratch.at<float4>(0);
  const auto d = dst.view();
  dispatch(
      src.device(), [&] { cuda::blur(pitched(src), pitched(d), temp, plan, ex.stream.value()); },
      [&] { host::blur(pitched(src), pitched(d), temp, plan); });
}
}  // namespace detail

/// Scratch one gaussian_blur / box_blur of a w x h image needs (w*h float4 pixels).
[[nodiscard]] inline WorkspaceRequirements blur_requirements(int width, int height) {
  WorkspaceLayout l;
  l.add<float4>(std::size_t(width) * std::size_t(height));
  return l.requirements();
}

/// Gaussian blur into `dst` (its logical size becomes src's; dst may be src: in place works).
/// Weights: the reference's k[i] = exp(-i^2/(2 sigma^2)), normalised, clamp-to-edge, separable,
/// on premultiplied alpha. With a workspace of blur_requirements(w, h): no allocation.
inline void gaussian_blur(ConstImageView<float4> src, ImageF32& dst, const GaussianBlurParams& p = {},
                          const Exec& ex = {}) {
  constexpr const char* op = "filter::gaussian_blur";
  detail::run_blur(op, src, dst, detail::gaussian_plan(op, p), ex);
}
/// Gaussian blur into a new image on src's device.
[[nodiscard]] inline ImageF32 gaussian_blur(ConstImageView<float4> src, const GaussianBlurParams& p = {},
                                            const Exec& ex = {}) {
  constexpr const char* op = "filter::gaussian_blur";
  const auto plan = detail::gaussian_plan(op, p);  // validate before allocating
  imagecuda::detail::check_view(op, "src", src);
  ImageF32 out(src.width(), src.height(), src.device(), ex.stream);
  detail::run_blur(op, src, out, plan, ex);
  return out;
}

/// Box blur: the mean of the (2r+1)^2 neighbourhood, clamp-to-edge, premultiplied; O(1) in r.
inline void box_blur(ConstImageView<float4> src, ImageF32& dst, const BoxBlurParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "filter::box_blur";
  detail::run_blur(op, src, dst, detail::box_plan(op, p), ex);
}
[[nodiscard]] inline ImageF32 box_blur(ConstImageView<float4> src, const BoxBlurParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "filter::box_blur";
  const auto plan = detail::box_plan(op, p);
  imagecuda::detail::check_view(op, "src", src);
  ImageF32 out(src.width(), src.height(), src.device(), ex.stream);
  detail::run_blur(op, src, out, plan, ex);
  return out;
}

}  // namespace imagecuda::filter
