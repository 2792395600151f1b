// SPDX-License-Identifier: MIT
/// @file adjust.cpp  CPU launchers of the adjust module (the shared in-place update shape).
#include "imagecuda/detail/adjust.hpp"
#include "imagecuda/detail/fuse.hpp"

#include "parallel.hpp"

namespace imagecuda::detail::host {
void adjust_brightness(Pitched<float4> v, AdjustBrightness f) { update(v, AtPixel<AdjustBrightness>{f}); }
void adjust_contrast(Pitched<float4> v, AdjustContrast f) { update(v, AtPixel<AdjustContrast>{f}); }
void adjust_saturation(Pitched<float4> v, AdjustSaturation f) { update(v, AtPixel<AdjustSaturation>{f}); }
void adjust_gamma(Pitched<float4> v, AdjustGamma f) { update(v, AtPixel<AdjustGamma>{f}); }
void adjust_opacity(Pitched<float4> v, AdjustOpacity f) { update(v, AtPixel<AdjustOpacity>{f}); }
void adjust_hue(Pitched<float4> v, AdjustHue f) { update(v, AtPixel<AdjustHue>{f}); }
void adjust_vibrance(Pitched<float4> v, AdjustVibrance f) { update(v, AtPixel<AdjustVibrance>{f}); }
bool adjust_fuse(Pitched<float4> v, const AdjustChain& f) {
  return fusion::take_chain(f, [&](const Stage& st) { return fusion::take(v, st); });
}
void adjust_chain(Pitched<float4> v, const AdjustChain& f) {
  if (!adjust_fuse(v, f)) update(v, f);
}
}  // namespace imagecuda::detail::host
