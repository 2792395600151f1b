// SPDX-License-Identifier: MIT
/// @file filter.hpp  filter: point filters (sepia, invert, threshold, solarize) that modify a view
/// in place, and neighbourhood filters (gaussian_blur, box_blur, sharpen, sobel, emboss).
///
/// Point filters validate on the host (Error{invalid_argument}) before any work and then run
/// asynchronously on the Exec's stream (CUDA) or on the CPU thread pool; alpha is always kept.
/// The CUDA and CPU backends give identical bits.
#pragma once

#include <cmath>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/filter.hpp"

namespace imagecuda::filter {

// ---------------------------------------------------------------------------------------------
// Point filters (in place)
// ---------------------------------------------------------------------------------------------

struct SepiaParams {
  float intensity = 1.f;  ///< 0 keeps the image, 1 is full sepia; any finite value (no clamp)
};

/// Sepia tone: r' = .393R + .769G + .189B, g' = .349R + .686G + .168B, b' = .272R + .534G + .131B;
/// rgb = rgb*(1-i) + (r', g', b')*i. No clamp (white becomes (1.351, 1.203, 0.937)); alpha kept.
/// |intensity| < 1e-6 returns without touching the image (the reference's early-out).
inline void sepia(ImageView<float4> img, const SepiaParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "filter::sepia";
  check_view(op, "img", img);
  check_finite(op, "intensity", p.intensity);
  if (std::fabs(p.intensity) < 1e-6f) return;
  const FilterSepia f{p.intensity};
  dispatch_per_pixel(img.device(), [&] { cuda::filter_sepia(pitched(img), f, ex.stream.value()); },
           [&] { host::filter_sepia(pitched(img), f); });
}

/// Negative: rgb = 1 - rgb; alpha kept.
inline void invert(ImageView<float4> img, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  check_view("filter::invert", "img", img);
  const FilterInvert f{};
  dispatch_per_pixel(img.device(), [&] { cuda::filter_invert(pitched(img), f, ex.stream.value()); },
           [&] { host::filter_invert(pitched(img), f); });
}

struct ThresholdParams {
  float value = 0.5f;  ///< luma threshold; any finite value
};

/// Black and white by luma: rgb = (.299R + .587G + .114B >= value) ? 1 : 0 (note >=); alpha kept.
inline void threshold(ImageView<float4> img, const ThresholdParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "filter::threshold";
  check_view(op, "img", img);
  check_finite(op, "value", p.value);
  const FilterThreshold f{p.value};
  dispatch_per_pixel(img.device(), [&] { cuda::filter_threshold(pitched(img), f, ex.stream.value()); },
           [&] { host::filter_threshold(pitched(img), f); });
}

struct SolarizeParams {
  float threshold = 0.5f;  ///< per-channel threshold; any finite value
};

/// Solarize, per channel (not by luma): c > threshold ? 1 - c : c for R, G, B; alpha kept.
inline void solarize(ImageView<float4> img, const SolarizeParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "filter::solarize";
  check_view(op, "img", img);
  check_finite(op, "threshold", p.threshold);
  const FilterSolarize f{p.threshold};
  dispatch_per_pixel(img.device(), [&] { cuda::filter_solarize(pitched(img), f, ex.stream.value()); },
           [&] { host::filter_solarize(pitched(img), f); });
}

// ---------------------------------------------------------------------------------------------
// Neighbourhood filters (gaussian_blur, box_blur, sharpen, sobel, emboss): to come.
// ---------------------------------------------------------------------------------------------

}  // namespace imagecuda::filter
