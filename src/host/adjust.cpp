// SPDX-License-Identifier: MIT
/// @file adjust.cpp  CPU launchers of the adjust module (the shared in-place update shape).
#include "imagecuda/detail/adjust.hpp"

#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {
// A single adjustment: its own loop, or (fused recording) one step of the pending pass.
template <class F>
void single(Pitched<float4> v, F f, adjust::Kind kind, float value) {
  if (!fusion::take(v, Stage::of(AdjustStage{AdjustStep{kind, value}}))) update(v, AtPixel<F>{f});
}
}  // namespace
void adjust_brightness(Pitched<float4> v, AdjustBrightness f) { single(v, f, adjust::Kind::brightness, f.factor); }
void adjust_contrast(Pitched<float4> v, AdjustContrast f) { single(v, f, adjust::Kind::contrast, f.factor); }
void adjust_saturation(Pitched<float4> v, AdjustSaturation f) { single(v, f, adjust::Kind::saturation, f.factor); }
void adjust_gamma(Pitched<float4> v, AdjustGamma f) { single(v, f, adjust::Kind::gamma, f.inv_gamma); }
void adjust_opacity(Pitched<float4> v, AdjustOpacity f) { single(v, f, adjust::Kind::opacity, f.factor); }
void adjust_hue(Pitched<float4> v, AdjustHue f) { single(v, f, adjust::Kind::hue, f.degrees); }
void adjust_vibrance(Pitched<float4> v, AdjustVibrance f) { single(v, f, adjust::Kind::vibrance, f.amount); }
void adjust_chain(Pitched<float4> v, const AdjustChain& f) {
  // In a fused recording every step joins the pending pass (or none does: the first refusal comes
  // before any step is taken, as all steps share the view and read nothing else).
  if (f.count > 0 && fusion::take(v, Stage::of(AdjustStage{f.steps[0]}))) {
    for (int i = 1; i < f.count; ++i) (void)fusion::take(v, Stage::of(AdjustStage{f.steps[i]}));
    return;
  }
  update(v, f);
}
}  // namespace imagecuda::detail::host
