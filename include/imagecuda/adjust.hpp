// SPDX-License-Identifier: MIT
/// @file adjust.hpp  adjust: in-place colour adjustments (PyImageCUDA's Adjust) and a one-pass chain.
///
/// Every function modifies the pixels of `img` (an ImageView<float4>; an Image converts) in place
/// and returns nothing, with the reference's formulas, clamps and early-outs:
///
///   adjust::brightness(img, 0.1f);                       // one pass each
///   adjust::chain(img, {adjust::brightness(0.1f),        // or several in one pass:
///                       adjust::contrast(1.2f),          //   one read, one write per pixel
///                       adjust::hue(30.f)});
///
/// Contract: float4 pixels, straight alpha; any view (crop views included); no scratch;
/// deterministic; asynchronous on `ex.stream`.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/adjust.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::adjust {

/// The longest chain adjust::chain accepts.
inline constexpr int max_chain_length = detail::AdjustChain::max_steps;

/// One step of adjust::chain: the adjustment and its one parameter, as the single op takes it.
/// Make them with the one-argument overloads: adjust::brightness(0.1f), adjust::gamma(2.2f), ...
struct Adjustment {
  Kind kind;
  float value;
};

/// Name of a Kind, e.g. "gamma".
constexpr std::string_view to_string(Kind k) noexcept {
  switch (k) {
    case Kind::brightness:
      return "brightness";
    case Kind::contrast:
      return "contrast";
    case Kind::saturation:
      return "saturation";
    case Kind::gamma:
      return "gamma";
    case Kind::opacity:
      return "opacity";
    case Kind::hue:
      return "hue";
    case Kind::vibrance:
      return "vibrance";
  }
  return "unknown";
}

/// Chain steps, named as the ops they stand for.
[[nodiscard]] constexpr Adjustment brightness(float factor) noexcept { return {Kind::brightness, factor}; }
[[nodiscard]] constexpr Adjustment contrast(float factor) noexcept { return {Kind::contrast, factor}; }
[[nodiscard]] constexpr Adjustment saturation(float factor) noexcept { return {Kind::saturation, factor}; }
[[nodiscard]] constexpr Adjustment gamma(float gamma) noexcept { return {Kind::gamma, gamma}; }
[[nodiscard]] constexpr Adjustment opacity(float factor) noexcept { return {Kind::opacity, factor}; }
[[nodiscard]] constexpr Adjustment hue(float degrees) noexcept { return {Kind::hue, degrees}; }
[[nodiscard]] constexpr Adjustment vibrance(float amount) noexcept { return {Kind::vibrance, amount}; }

}  // namespace imagecuda::adjust

namespace imagecuda::detail {
/// Validates one adjustment (throws Error{invalid_argument} naming `op`, and the step when
/// `index` >= 0); returns false when the reference would skip it (its early-outs), else true and
/// the kernel step.
inline bool adjust_prepare(const char* op, int index, adjust::Adjustment a, AdjustStep& step) {
  using adjust::Kind;
  const char* arg = a.kind == Kind::gamma      ? "gamma"
                    : a.kind == Kind::hue      ? "degrees"
                    : a.kind == Kind::vibrance ? "amount"
                                               : "factor";
  // The prefix is only built on failure: no host allocation on the normal path.
  auto prefix = [&] {
    return index < 0 ? std::string(op) : fmt::format("{}: step {} ({})", op, index, to_string(a.kind));
  };
  const bool known = a.kind == Kind::brightness || a.kind == Kind::contrast || a.kind == Kind::saturation ||
                     a.kind == Kind::gamma || a.kind == Kind::opacity || a.kind == Kind::hue ||
                     a.kind == Kind::vibrance;
  if (!known) fail(ErrorCode::invalid_argument, "{}: unknown adjustment kind {}", prefix(), int(a.kind));
  if (!std::isfinite(a.value))
    fail(ErrorCode::invalid_argument, "{}: {} must be finite, got {}", prefix(), arg, a.value);
  const double v = a.value;
  step = {a.kind, a.value};
  switch (a.kind) {
    case Kind::brightness:
    case Kind::vibrance:
      return std::fabs(v) >= 1e-6;
    case Kind::contrast:
    case Kind::saturation:
    case Kind::opacity:
      return std::fabs(v - 1.0) >= 1e-6;
    case Kind::gamma:
      if (!(a.value > 0.f)) fail(ErrorCode::invalid_argument, "{}: gamma must be positive, got {}", prefix(), a.value);
      if (!(a.value > 0.001f))
        fail(ErrorCode::invalid_argument, "{}: gamma must be > 0.001, got {}", prefix(), a.value);
      step.value = 1.0f / a.value;
      return std::fabs(v - 1.0) >= 1e-6;
    case Kind::hue: {
      double n = std::fmod(v, 360.0);  // Python's degrees % 360.0; the original degrees go to the kernel
      if (n < 0) n += 360.0;
      return !(std::fabs(n) < 1e-6 || std::fabs(n - 360.0) < 1e-6);
    }
  }
  return false;
}

/// The outline of the seven single adjustments. On the GPU a single op is a chain of one step:
/// each step then runs the same machine code alone and inside adjust::chain, so the two agree
/// bit for bit (two kernels could contract a*b+c differently).
template <class F, class LaunchHost>
void adjust_run(const char* op, ImageView<float4> img, adjust::Adjustment a, const Exec& ex, LaunchHost on_host) {
  check_view(op, "img", img);
  AdjustStep step{};
  if (!adjust_prepare(op, -1, a, step)) return;
  const auto v = pitched(img);
  const AdjustChain c = AdjustChain::of(step);
  dispatch_per_pixel(
      img.device(), [&] { cuda::adjust_chain(v, c, ex.stream.value(), op); },
      [&] {
        if (!host::adjust_fuse(v, c)) on_host(v, F{step.value});
      });
}
}  // namespace imagecuda::detail

namespace imagecuda::adjust {

/// rgb = clamp01(rgb + factor); alpha kept. Skipped when |factor| < 1e-6.
inline void brightness(ImageView<float4> img, float factor, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustBrightness>("adjust::brightness", img, brightness(factor), ex,
                                               detail::host::adjust_brightness);
}

/// rgb = clamp01((rgb - 0.5) * factor + 0.5). Skipped when |factor - 1| < 1e-6.
inline void contrast(ImageView<float4> img, float factor, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustContrast>("adjust::contrast", img, contrast(factor), ex,
                                             detail::host::adjust_contrast);
}

/// g = 0.299 R + 0.587 G + 0.114 B; rgb = clamp01(g + (rgb - g) * factor). Skipped when |factor - 1| < 1e-6.
inline void saturation(ImageView<float4> img, float factor, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustSaturation>("adjust::saturation", img, saturation(factor), ex,
                                               detail::host::adjust_saturation);
}

/// rgb = pow(max(0, rgb), 1 / gamma) (gamma > 1 brightens; no upper clamp).
/// Throws unless gamma > 0.001. Skipped when |gamma - 1| < 1e-6.
inline void gamma(ImageView<float4> img, float gamma, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustGamma>("adjust::gamma", img, adjust::gamma(gamma), ex,
                                          detail::host::adjust_gamma);
}

/// alpha *= factor (unclamped). Skipped when |factor - 1| < 1e-6.
inline void opacity(ImageView<float4> img, float factor, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustOpacity>("adjust::opacity", img, opacity(factor), ex,
                                            detail::host::adjust_opacity);
}

/// Rotates the HSV hue by `degrees` (any value; 360 is a full turn). Skipped when degrees % 360 is 0.
inline void hue(ImageView<float4> img, float degrees, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustHue>("adjust::hue", img, hue(degrees), ex, detail::host::adjust_hue);
}

/// Raises (amount > 0) or lowers the saturation of muted colours more than of vivid ones, with
/// skin hues (0..50 and 330..360 degrees) damped to 0.3x. Skipped when |amount| < 1e-6.
inline void vibrance(ImageView<float4> img, float amount, const Exec& ex = {}) {
  detail::adjust_run<detail::AdjustVibrance>("adjust::vibrance", img, vibrance(amount), ex,
                                             detail::host::adjust_vibrance);
}

/// Applies `steps` in order in one pass (one read, one write per pixel, one kernel); the result
/// equals calling the ops one by one. Every step is validated before any work, with the single
/// op's rules; steps the single op would skip are skipped. At most max_chain_length (16) steps.
inline void chain(ImageView<float4> img, std::span<const Adjustment> steps, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  check_view("adjust::chain", "img", img);
  expects(steps.size() <= std::size_t(max_chain_length), ErrorCode::invalid_argument,
          "adjust::chain: at most {} steps, got {}", max_chain_length, steps.size());
  AdjustChain c{};
  c.count = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    AdjustStep s{};
    if (adjust_prepare("adjust::chain", int(i), steps[i], s)) c.steps[c.count++] = s;
  }
  if (c.count == 0) return;
  const auto v = pitched(img);
  dispatch_per_pixel(
      img.device(), [&] { cuda::adjust_chain(v, c, ex.stream.value(), "adjust::chain"); }, [&] { host::adjust_chain(v, c); });
}

/// chain(img, {adjust::brightness(0.1f), adjust::contrast(1.2f)}).
inline void chain(ImageView<float4> img, std::initializer_list<Adjustment> steps, const Exec& ex = {}) {
  chain(img, std::span<const Adjustment>(steps.begin(), steps.size()), ex);
}

}  // namespace imagecuda::adjust
