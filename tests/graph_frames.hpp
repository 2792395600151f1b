// SPDX-License-Identifier: MIT
/// @file graph_frames.hpp  The frames and op sequences of the Graph tests, shared by the CPU
/// (test_graph.cpp) and GPU (gpu_graph.cpp) suites: the fused recordings run on both backends.
#pragma once

#include <cstddef>
#include <vector>

#include "helpers.hpp"

namespace graph_test {
using namespace imagecuda;

struct Frame {
  ImageF32 layer, frame, blurred;
  ImageU8 out;
  Workspace ws;
  // frame and blurred start with random pixels too (other seeds): ops that do not fill them read them.
  Frame(int w, int h, Device d, const std::vector<float4>& px)
      : layer(test::make_f32(w, h, px, d)), frame(test::make_f32(w, h, test::random_f32(w, h, 1001), d)),
        blurred(test::make_f32(w, h, test::random_f32(w, h, 1002), d)), out(w, h, d),
        ws(filter::blur_requirements(w, h), d) {
    synchronize(Stream{});  // the uploads ran on the legacy stream; an OwningStream does not wait for it
  }
};

/// Ten ops, as a small-image frame would have (fused: 5 + 4 ops in two passes around the blur).
inline void ten_ops(Frame& f, float t, const Exec& ex) {
  fill::gradient(f.frame, hex("#1d3557"), hex("#a8dadc"), {.direction = fill::GradientDirection::radial}, ex);
  blend::screen(f.frame, f.layer, {.opacity = 0.5f + 0.3f * t}, ex);
  adjust::brightness(f.frame, 0.05f * t, ex);
  adjust::contrast(f.frame, 1.1f, ex);
  adjust::saturation(f.frame, 1.2f, ex);
  filter::gaussian_blur(f.frame, f.blurred, {.radius = 6}, ex);
  filter::sepia(f.blurred, {.intensity = 0.3f}, ex);
  effect::vignette(f.blurred, {}, ex);
  effect::rounded_corners(f.blurred, 12.f, ex);
  io::convert(f.blurred, f.out, ex);
}

/// Every per-pixel op (the stage kinds of detail/fuse.hpp) on random pixels: fused, 19 ops in two
/// passes on frame (a pass holds 16) and a pass of one on blurred.
inline void every_stage_ops(Frame& f, const Exec& ex) {
  // frame keeps its random pixels (no fill): blends and masks read the random layer.
  blend::overlay(f.frame, f.layer, {.opacity = 0.7f}, ex);
  blend::soft_light(f.frame, f.layer, {}, ex);
  blend::composite(f.frame, f.layer, blend::Mode::hue, {.opacity = 0.5f}, ex);
  blend::composite(f.frame, f.layer, blend::Mode::color_burn, {.opacity = 0.3f}, ex);
  blend::mask(f.frame, f.layer, {.mode = blend::MaskMode::luminance}, ex);
  adjust::chain(f.frame, {adjust::brightness(0.05f), adjust::contrast(1.2f), adjust::saturation(0.8f),
                          adjust::gamma(1.4f), adjust::opacity(0.9f), adjust::hue(40.f),
                          adjust::vibrance(0.3f)},
                ex);
  filter::sepia(f.frame, {.intensity = 0.4f}, ex);
  filter::solarize(f.frame, {.threshold = 0.8f}, ex);
  filter::invert(f.frame, ex);
  effect::chroma_key(f.frame, {.key_color = rgba(0.2f, 0.6f, 0.3f, 1.f), .threshold = 0.5f}, ex);
  effect::vignette(f.frame, {.color = rgba(0.1f, 0.f, 0.2f, 0.8f)}, ex);
  effect::rounded_corners(f.frame, 20.f, ex);
  io::convert(f.frame, f.out, ex);  // 19 ops: a pass holds 16, so two passes
  filter::threshold(f.blurred, {.value = 0.4f}, ex);  // another view: a pass of one (its own kernel)
}
inline constexpr std::size_t every_stage_fused = 19;

/// Each fill starts a pass that does not read the pixels: 9 passes (8 of 3 ops on two crop views,
/// one of 4), 28 ops fused.
inline void fill_ops(Frame& f, const Exec& ex) {
  const auto tail = [&](ImageView<float4> v) {
    adjust::hue(v, 25.f, ex);
    blend::multiply(v, f.layer, {}, ex);
  };
  auto a = f.frame.crop_view(0, 0, 150, 173), b = f.frame.crop_view(150, 0, 151, 173);
  fill::color(a, rgba(0.3f, 0.5f, 0.7f, 0.9f), ex);
  tail(a);
  fill::gradient(b, hex("#ff0000"), hex("#0000ff"), {.direction = fill::GradientDirection::diagonal}, ex);
  tail(b);
  fill::checkerboard(a, {.size = 7, .offset_x = 3}, ex);
  tail(a);
  fill::grid(b, {.spacing = 9}, ex);
  tail(b);
  fill::stripes(a, {.angle = 30.f, .spacing = 13, .width = 5}, ex);
  tail(a);
  fill::dots(b, {.spacing = 11, .radius = 4.f}, ex);
  tail(b);
  fill::circle(a, {.softness = 0.3f}, ex);
  tail(a);
  fill::noise(b, {.seed = 3.f, .monochrome = false}, ex);
  tail(b);
  fill::ngon(f.frame, {.sides = 6, .softness = 0.1f}, ex);
  tail(f.frame);
  io::convert(f.frame, f.out, ex);
}
inline constexpr std::size_t fill_fused = 28;

/// Hazards end a pass: brightness alone; multiply (an image blended onto itself) + sepia; screen
/// (another view reading frame) + contrast + convert; the 8 -> 32 bit convert (not a stage);
/// gamma + hue. 7 ops fused.
inline void hazard_ops(Frame& f, const Exec& ex) {
  adjust::brightness(f.frame, 0.1f, ex);
  blend::multiply(f.frame, f.frame, {}, ex);  // reads what the pass writes: a new pass
  filter::sepia(f.frame, {.intensity = 0.5f}, ex);
  blend::screen(f.blurred, f.frame, {}, ex);  // another view reading frame: frame's pass first
  adjust::contrast(f.blurred, 1.3f, ex);
  io::convert(f.blurred, f.out, ex);
  io::convert(f.out, f.frame, ex);  // 8 -> 32 bit is not a stage: it sees the pass's output
  adjust::gamma(f.frame, 2.2f, ex);
  adjust::hue(f.frame, -30.f, ex);
}
inline constexpr std::size_t hazard_fused = 7;
inline constexpr std::size_t ten_ops_fused = 9;

}  // namespace graph_test
