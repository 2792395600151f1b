// SPDX-License-Identifier: MIT
/// @file adjust.cu  CUDA launchers of the adjust module (the shared in-place update shape).
#include "imagecuda/detail/adjust.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void adjust_brightness(Pitched<float4> v, AdjustBrightness f, cudaStream_t s) {
  update(v, AtPixel<AdjustBrightness>{f}, s, "adjust::brightness");
}
void adjust_contrast(Pitched<float4> v, AdjustContrast f, cudaStream_t s) {
  update(v, AtPixel<AdjustContrast>{f}, s, "adjust::contrast");
}
void adjust_saturation(Pitched<float4> v, AdjustSaturation f, cudaStream_t s) {
  update(v, AtPixel<AdjustSaturation>{f}, s, "adjust::saturation");
}
void adjust_gamma(Pitched<float4> v, AdjustGamma f, cudaStream_t s) {
  update(v, AtPixel<AdjustGamma>{f}, s, "adjust::gamma");
}
void adjust_opacity(Pitched<float4> v, AdjustOpacity f, cudaStream_t s) {
  update(v, AtPixel<AdjustOpacity>{f}, s, "adjust::opacity");
}
void adjust_hue(Pitched<float4> v, AdjustHue f, cudaStream_t s) { update(v, AtPixel<AdjustHue>{f}, s, "adjust::hue"); }
void adjust_vibrance(Pitched<float4> v, AdjustVibrance f, cudaStream_t s) {
  update(v, AtPixel<AdjustVibrance>{f}, s, "adjust::vibrance");
}
void adjust_chain(Pitched<float4> v, const AdjustChain& f, cudaStream_t s) { update(v, f, s, "adjust::chain"); }
}  // namespace imagecuda::detail::cuda
