// SPDX-License-Identifier: MIT
/// @file filter.hpp  Per-pixel formulas of the filter module, and their launchers.
/// Point filters (sepia, invert, threshold, solarize) are in-place updates f(px, x, y) -> px.
/// (The neighbourhood filters — blur, sharpen, sobel, emboss — get their own section here.)
#pragma once

#include <driver_types.h>

#include "fill.hpp"  // fp:: bit-reproducible float helpers
#include "vec.hpp"

namespace imagecuda::detail {

// ------------------------------------------------------------------------------------------------
// Point filters. Written with fp:: (explicit fusing) so that the CUDA and CPU backends give the
// same bits; the threshold's `luma >= value` then never flips between the two.
// ------------------------------------------------------------------------------------------------

/// Rec.601 luma with a fixed evaluation order: fma(b, .114, fma(g, .587, r*.299)).
IMAGECUDA_HD inline float luma_exact(float r, float g, float b) {
  return fp::fma(b, 0.114f, fp::fma(g, 0.587f, fp::mul(r, 0.299f)));
}

/// filter::sepia: rgb = rgb*(1-i) + M*rgb*i (M the classic sepia matrix), alpha kept, no clamp.
struct FilterSepia {
  float intensity;
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const {
    const float r = fp::fma(p.z, 0.189f, fp::fma(p.y, 0.769f, fp::mul(p.x, 0.393f)));
    const float g = fp::fma(p.z, 0.168f, fp::fma(p.y, 0.686f, fp::mul(p.x, 0.349f)));
    const float b = fp::fma(p.z, 0.131f, fp::fma(p.y, 0.534f, fp::mul(p.x, 0.272f)));
    const float k = 1.f - intensity;
    return make4(fp::fma(r, intensity, fp::mul(p.x, k)), fp::fma(g, intensity, fp::mul(p.y, k)),
                 fp::fma(b, intensity, fp::mul(p.z, k)), p.w);
  }
};

/// filter::invert: rgb = 1 - rgb, alpha kept.
struct FilterInvert {
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const { return make4(1.f - p.x, 1.f - p.y, 1.f - p.z, p.w); }
};

/// filter::threshold: rgb = luma >= value ? 1 : 0, alpha kept.
struct FilterThreshold {
  float value;
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const {
    const float v = luma_exact(p.x, p.y, p.z) >= value ? 1.f : 0.f;
    return make4(v, v, v, p.w);
  }
};

/// filter::solarize: per channel, c > threshold ? 1 - c : c; alpha kept.
struct FilterSolarize {
  float threshold;
  IMAGECUDA_HD float4 operator()(float4 p, int, int) const {
    return make4(p.x > threshold ? 1.f - p.x : p.x, p.y > threshold ? 1.f - p.y : p.y,
                 p.z > threshold ? 1.f - p.z : p.z, p.w);
  }
};

namespace cuda {
void filter_sepia(Pitched<float4> img, FilterSepia f, cudaStream_t stream);
void filter_invert(Pitched<float4> img, FilterInvert f, cudaStream_t stream);
void filter_threshold(Pitched<float4> img, FilterThreshold f, cudaStream_t stream);
void filter_solarize(Pitched<float4> img, FilterSolarize f, cudaStream_t stream);
}  // namespace cuda
namespace host {
void filter_sepia(Pitched<float4> img, FilterSepia f);
void filter_invert(Pitched<float4> img, FilterInvert f);
void filter_threshold(Pitched<float4> img, FilterThreshold f);
void filter_solarize(Pitched<float4> img, FilterSolarize f);
}  // namespace host

}  // namespace imagecuda::detail
