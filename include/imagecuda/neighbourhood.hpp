// SPDX-License-Identifier: MIT
/// @file neighbourhood.hpp  filter ops that read neighbouring pixels: gaussian_blur and box_blur
/// (any radius up to 1000, O(1) in the radius for large radii), sharpen, sobel, emboss.
/// All work on premultiplied colour, take a destination and a workspace, and may run in place.
#pragma once

#include <cmath>
#include <optional>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/blur.hpp"
#include "detail/stencil.hpp"
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
  const bool aliased = overlaps(src, dst);
  prepare_dst(op, dst, w, h, src.device(), ex.stream);
  if (plan.method == BlurPlan::copy) {
    if (src.data() != dst.view().data())
      copy_2d(src.device(), dst.data(), dst.pitch(), src.data(), src.pitch(), std::size_t(w) * sizeof(float4), h,
              ex.stream);
    return;
  }
  Scratch scratch(op, src.device(), std::size_t(w) * std::size_t(h) * sizeof(float4), ex);
  auto* temp = scratch.at<float4>(0);
  const auto d = dst.view();
  dispatch(
      src.device(), [&] { cuda::blur(pitched(src), pitched(d), temp, plan, aliased, ex.stream.value()); },
      [&] { host::blur(pitched(src), pitched(d), temp, plan); });
}
/// The outline of sharpen/sobel/emboss: validate, size dst, copy src aside if it overlaps dst,
/// then evaluate the 3x3 functor made by `make(pitched src)` on the chosen backend.
template <class Make, class OnCuda, class OnHost>
void run_stencil(const char* op, ConstImageView<float4> src, ImageF32& dst, const Exec& ex, Make make, OnCuda on_cuda,
                 OnHost on_host) {
  check_view(op, "src", src);
  const int w = src.width(), h = src.height();
  const bool aliased = overlaps(src, dst);
  prepare_dst(op, dst, w, h, src.device(), ex.stream);
  Scratch scratch(op, src.device(), aliased ? std::size_t(w) * std::size_t(h) * sizeof(float4) : 0, ex);
  Pitched<const float4> in = pitched(src);
  if (aliased) {
    copy_2d(src.device(), scratch.data(), std::size_t(w) * sizeof(float4), src.data(), src.pitch(),
            std::size_t(w) * sizeof(float4), h, ex.stream);
    in = Pitched<const float4>{scratch.at<float4>(0), std::size_t(w) * sizeof(float4), w, h};
  }
  const auto f = make(in);
  const auto d = pitched(dst.view());
  dispatch(src.device(), [&] { on_cuda(f, d, ex.stream.value()); }, [&] { on_host(f, d); });
}

inline void check_strength(const char* op, float s, bool non_negative) {
  check_finite(op, "strength", s);
  expects(!non_negative || s >= 0.f, ErrorCode::invalid_argument, "{}: strength must be >= 0, got {}", op, s);
}

template <class Fn>
ImageF32 into_new(ConstImageView<float4> src, const Exec& ex, const char* op, Fn fn) {
  check_view(op, "src", src);
  ImageF32 out(src.width(), src.height(), src.device(), ex.stream);
  fn(out);
  return out;
}
}  // namespace detail

struct SharpenParams {
  /// Laplacian strength, >= 0 (|s| < 1e-6 copies, as the reference).
  float strength = 1.0f;
};
struct EmbossParams {
  /// Multiplier of the emboss kernel's sum (|s| < 1e-6 copies, as the reference).
  float strength = 1.0f;
};

/// sharpen: the reference's 4-neighbour Laplacian (not an unsharp mask):
/// rgb = clamp01((1+4s)C - s(N+S+W+E)), neighbours outside the image omitted; A kept.
inline void sharpen(ConstImageView<float4> src, ImageF32& dst, const SharpenParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "filter::sharpen";
  detail::check_strength(op, p.strength, true);
  if (std::fabs(p.strength) < 1e-6f) return detail::run_blur(op, src, dst, imagecuda::detail::BlurPlan{}, ex);
  detail::run_stencil(
      op, src, dst, ex, [&](auto in) { return imagecuda::detail::Sharpen{in, p.strength}; },
      [](auto f, auto d, cudaStream_t s) { imagecuda::detail::cuda::sharpen(f, d, s); },
      [](auto f, auto d) { imagecuda::detail::host::sharpen(f, d); });
}
[[nodiscard]] inline ImageF32 sharpen(ConstImageView<float4> src, const SharpenParams& p = {}, const Exec& ex = {}) {
  detail::check_strength("filter::sharpen", p.strength, true);
  return detail::into_new(src, ex, "filter::sharpen", [&](ImageF32& out) { sharpen(src, out, p, ex); });
}

/// sobel: per RGB channel sqrt(Gx^2 + Gy^2) with clamp-to-edge, unclamped and in colour; A = 1.
inline void sobel(ConstImageView<float4> src, ImageF32& dst, const Exec& ex = {}) {
  detail::run_stencil(
      "filter::sobel", src, dst, ex, [](auto in) { return imagecuda::detail::Sobel{in}; },
      [](auto f, auto d, cudaStream_t s) { imagecuda::detail::cuda::sobel(f, d, s); },
      [](auto f, auto d) { imagecuda::detail::host::sobel(f, d); });
}
[[nodiscard]] inline ImageF32 sobel(ConstImageView<float4> src, const Exec& ex = {}) {
  return detail::into_new(src, ex, "filter::sobel", [&](ImageF32& out) { sobel(src, out, ex); });
}

/// emboss: kernel [[-2,-1,0],[-1,1,1],[0,1,2]], clamp-to-edge, rgb = sum*strength + 0.5; A = 1.
inline void emboss(ConstImageView<float4> src, ImageF32& dst, const EmbossParams& p = {}, const Exec& ex = {}) {
  constexpr const char* op = "filter::emboss";
  detail::check_strength(op, p.strength, false);
  if (std::fabs(p.strength) < 1e-6f) return detail::run_blur(op, src, dst, imagecuda::detail::BlurPlan{}, ex);
  detail::run_stencil(
      op, src, dst, ex, [&](auto in) { return imagecuda::detail::Emboss{in, p.strength}; },
      [](auto f, auto d, cudaStream_t s) { imagecuda::detail::cuda::emboss(f, d, s); },
      [](auto f, auto d) { imagecuda::detail::host::emboss(f, d); });
}
[[nodiscard]] inline ImageF32 emboss(ConstImageView<float4> src, const EmbossParams& p = {}, const Exec& ex = {}) {
  detail::check_strength("filter::emboss", p.strength, false);
  return detail::into_new(src, ex, "filter::emboss", [&](ImageF32& out) { emboss(src, out, p, ex); });
}

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
