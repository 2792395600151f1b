// SPDX-License-Identifier: MIT
/// GPU: the point filters (sepia, invert, threshold, solarize) compared with the CPU backend on
/// random 1000x700 inputs (whole image and a crop view). Tolerance 1e-5; the functors are written
/// to give identical bits on both backends (so threshold's `>=` never flips between them).
#include <algorithm>
#include <functional>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
constexpr int W = 1000, H = 700;

float compare(const std::function<void(ImageView<float4>)>& op, std::uint32_t seed, float lo = -0.25f, float hi = 1.25f) {
  return test::gpu_vs_cpu_in_place(W, H, seed, op, lo, hi);
}
}  // namespace

TEST_CASE("gpu: filter::sepia matches the CPU backend", "[gpu][filter]") {
  for (float i : {1.f, 0.5f, -0.3f, 2.f}) {
    INFO("intensity " << i);
    CHECK(compare([&](ImageView<float4> v) { filter::sepia(v, {.intensity = i}); }, 100) <= 1e-5f);
  }
}

TEST_CASE("gpu: filter::invert matches the CPU backend", "[gpu][filter]") {
  CHECK(compare([](ImageView<float4> v) { filter::invert(v); }, 110) <= 1e-5f);
}

TEST_CASE("gpu: filter::threshold matches the CPU backend (no flips at ties)", "[gpu][filter]") {
  for (float t : {0.5f, 0.3f, 0.77f}) {
    INFO("value " << t);
    CHECK(compare([&](ImageView<float4> v) { filter::threshold(v, {.value = t}); }, 120) == 0.f);
  }
}

TEST_CASE("gpu: filter::solarize matches the CPU backend", "[gpu][filter]") {
  for (float t : {0.5f, 0.2f, 1.1f}) {
    INFO("threshold " << t);
    CHECK(compare([&](ImageView<float4> v) { filter::solarize(v, {.threshold = t}); }, 130) <= 1e-5f);
  }
}

TEST_CASE("gpu: point filters run on a stream without allocating", "[gpu][filter][memory]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  OwningStream s;
  ImageF32 img(320, 200, gpu, s);
  const Exec ex{s};
  fill::noise(img, {.monochrome = false}, ex);
  s.synchronize();
  const auto before = memory_stats(gpu);
  filter::sepia(img, {}, ex);
  filter::invert(img, ex);
  filter::solarize(img.crop_view(3, 3, 50, 50), {}, ex);
  filter::threshold(img, {}, ex);
  s.synchronize();
  CHECK(memory_stats(gpu).allocations == before.allocations);
}
