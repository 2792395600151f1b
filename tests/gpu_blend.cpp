// SPDX-License-Identifier: MIT
/// GPU: every blend mode and the mask, compared with the CPU backend on random 1000x700 inputs.
#include <functional>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;
using blend::Anchor;
using blend::Mode;

namespace {
const Device gpu = Device::cuda(0);
constexpr int W = 1000, H = 700;

constexpr Mode all_modes[] = {Mode::normal,     Mode::multiply,   Mode::screen,    Mode::add,     Mode::overlay,
                              Mode::soft_light, Mode::hard_light, Mode::darken,    Mode::lighten, Mode::color_dodge,
                              Mode::color_burn, Mode::difference, Mode::exclusion, Mode::hue,     Mode::saturation,
                              Mode::color,      Mode::luminosity};

/// Runs `op(base, overlay)` on the same random images on both devices; `base_alpha` >= 0 sets the
/// base's alpha (1: opaque, 0: transparent). Returns the largest difference.
float compare(const std::function<void(ImageF32&, ImageF32&)>& op, std::uint32_t seed, float base_alpha = -1.f) {
  REQUIRE(test::has_gpu());
  auto bpx = test::random_f32(W, H, seed);
  const auto opx = test::random_f32(W, H, seed + 1);
  if (base_alpha >= 0.f)
    for (auto& p : bpx) p.w = base_alpha;
  std::vector<float4> out[2];
  const Device devices[2] = {gpu, Device::cpu()};
  for (int k = 0; k < 2; ++k) {
    ImageF32 base = test::make_f32(W, H, bpx, devices[k]), over = test::make_f32(W, H, opx, devices[k]);
    op(base, over);
    out[k] = io::download(base);
  }
  return test::max_abs_diff(out[0], out[1]);
}
}  // namespace

TEST_CASE("gpu: every blend mode matches the CPU backend", "[gpu][blend]") {
  for (Mode m : all_modes) {
    INFO("mode " << blend::to_string(m));
    // full frame, translucent base
    CHECK(compare([m](ImageF32& b, ImageF32& o) { blend::composite(b, o, m, {.opacity = 0.8f}); }, 10) <= 1e-5f);
    // opaque base (the reference's case), smaller overlay from a crop, anchored with negative offsets
    CHECK(compare(
              [m](ImageF32& b, ImageF32& o) {
                blend::composite(b, o.crop_view(50, 30, 801, 599), m,
                                 {.anchor = Anchor::center, .offset_x = -37, .offset_y = -21});
              },
              20, 1.f) <= 1e-5f);
    // transparent base
    CHECK(compare([m](ImageF32& b, ImageF32& o) { blend::composite(b, o, m, {.opacity = 0.5f}); }, 30, 0.f) <= 1e-5f);
    // overlay larger than the base (a crop view), partly outside
    CHECK(compare(
              [m](ImageF32& b, ImageF32& o) {
                blend::composite(b.crop_view(100, 100, 300, 200), o, m,
                                 {.anchor = Anchor::bottom_right, .offset_x = 150, .offset_y = -40, .opacity = 1.3f});
              },
              40) <= 1e-5f);
  }
}

TEST_CASE("gpu: the named blend shortcuts and the mask match the CPU backend", "[gpu][blend]") {
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::normal(b, o, {.anchor = Anchor::top_right}); }, 50) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::multiply(b, o, {.offset_x = 5}); }, 51) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::screen(b, o, {.opacity = -0.3f}); }, 52, 1.f) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::add(b, o, {.anchor = Anchor::bottom_left}); }, 53) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::overlay(b, o, {.offset_y = -300}); }, 54) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::soft_light(b, o); }, 55) <= 1e-5f);
  CHECK(compare([](ImageF32& b, ImageF32& o) { blend::hard_light(b, o, {.opacity = 0.25f}); }, 56) <= 1e-5f);
  for (auto mode : {blend::MaskMode::alpha, blend::MaskMode::luminance}) {
    CHECK(compare(
              [mode](ImageF32& b, ImageF32& o) {
                blend::mask(b, o.crop_view(0, 0, 640, 480), {.anchor = Anchor::center, .offset_x = 300, .mode = mode});
              },
              60) <= 1e-6f);
  }
  // an image over itself at the same position
  CHECK(compare([](ImageF32& b, ImageF32&) { blend::overlay(b, b); }, 70) <= 1e-5f);
}

TEST_CASE("gpu: blend errors and streams", "[gpu][blend]") {
  REQUIRE(test::has_gpu());
  ImageF32 g = test::make_f32(64, 64, test::random_f32(64, 64, 1), gpu);
  ImageF32 c = test::make_f32(64, 64, test::random_f32(64, 64, 2), Device::cpu());
  REQUIRE_IMAGECUDA_ERROR(blend::normal(g, c), ErrorCode::device_mismatch,
                          "blend::normal: base is on cuda:0 but overlay is on cpu");
  REQUIRE_IMAGECUDA_ERROR(blend::mask(c, g), ErrorCode::device_mismatch,
                          "blend::mask: base is on cpu but mask is on cuda:0");

  OwningStream s;
  ImageF32 o = test::make_f32(64, 64, test::random_f32(64, 64, 3), gpu);
  blend::multiply(g, o, {}, {s, nullptr});
  s.synchronize();
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 50; ++i) {
    blend::composite(g, o, Mode::color, {.opacity = 0.1f}, {s, nullptr});
    blend::mask(g, o, {.mode = blend::MaskMode::alpha}, {s, nullptr});
  }
  s.synchronize();
  CHECK(memory_stats(gpu).allocations == before.allocations);
}
