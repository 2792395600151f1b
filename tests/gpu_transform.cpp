// SPDX-License-Identifier: MIT
/// GPU: flip, rotate, crop and zoom match the CPU backend on random 1000x700 inputs.
#include "helpers.hpp"

using namespace imagecuda;

// Alpha >= 0.2 in the random inputs: both backends compute the same weights bit for bit, but a
// nearly transparent sampled pixel would divide any remaining last-bit difference by its alpha.
static constexpr float kLo = 0.2f;

TEST_CASE("gpu: flip, crop match the CPU backend exactly", "[gpu][transform]") {
  for (auto dir : {transform::FlipDirection::horizontal, transform::FlipDirection::vertical,
                   transform::FlipDirection::both}) {
    const float d = test::gpu_vs_cpu(1000, 700, 1, 1, [&](std::vector<ImageF32>& in, Device) {
      return transform::flip(in[0], {.direction = dir});
    });
    CHECK(d == 0.f);
  }
  const float c = test::gpu_vs_cpu(1000, 700, 1, 2, [&](std::vector<ImageF32>& in, Device) {
    return transform::crop(in[0], {.x = -50, .y = 600, .width = 700, .height = 300});
  });
  CHECK(c == 0.f);
}

TEST_CASE("gpu: rotate matches the CPU backend", "[gpu][transform]") {
  for (auto m : {Interpolation::nearest, Interpolation::bilinear, Interpolation::bicubic, Interpolation::lanczos}) {
    for (float angle : {30.f, -12.25f, 90.f, 180.f, 270.f, 200.5f}) {
      for (bool expand : {true, false}) {
        const float d = test::gpu_vs_cpu(1000, 700, 1, 5, [&](std::vector<ImageF32>& in, Device) {
          return transform::rotate(in[0], {.angle = angle, .expand = expand, .interpolation = m});
        }, kLo, 1.f);
        INFO("mode " << int(m) << " angle " << angle << " expand " << expand);
        CHECK(d <= 1e-5f);
      }
    }
  }
}

TEST_CASE("gpu: zoom matches the CPU backend", "[gpu][transform]") {
  for (auto m : {Interpolation::nearest, Interpolation::bilinear, Interpolation::bicubic, Interpolation::lanczos}) {
    for (float z : {2.f, 0.37f, 7.5f}) {
      const float d = test::gpu_vs_cpu(1000, 700, 1, 6, [&](std::vector<ImageF32>& in, Device) {
        return transform::zoom(in[0], {.zoom_factor = z, .center_x = 300.f, .interpolation = m});
      }, kLo, 1.f);
      INFO("mode " << int(m) << " zoom " << z);
      CHECK(d <= 1e-5f);
    }
  }
}
