// SPDX-License-Identifier: MIT
/// GPU: every fill function compared with the CPU backend on random 1000x700 images (whole image
/// and a crop view), for several parameter sets each. The fill functors are written so that both
/// backends produce identical bits (detail/fill.hpp, "Bit-reproducible float arithmetic"):
/// noise and perlin are required to be exactly equal; the others are held to 1e-5 (the project's
/// tolerance) and are expected to be exactly equal as well.
#include <algorithm>
#include <functional>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
constexpr int W = 1000, H = 700;

/// Largest GPU-vs-CPU difference of one fill on the whole image and on a crop view.
float compare(const std::function<void(ImageView<float4>)>& op, std::uint32_t seed) {
  return test::gpu_vs_cpu_in_place(W, H, seed, op);
}
}  // namespace

TEST_CASE("gpu: fill::gradient matches the CPU backend", "[gpu][fill]") {
  using D = fill::GradientDirection;
  const float4 a = rgba(0.1f, 0.9f, 0.3f, 1.f), b = rgba(1.2f, -0.1f, 0.7f, 0.2f);
  for (D d : {D::horizontal, D::vertical, D::diagonal, D::radial})
    for (bool seamless : {false, true}) {
      INFO("direction " << int(d) << " seamless " << seamless);
      CHECK(compare([&](ImageView<float4> v) { fill::gradient(v, a, b, {.direction = d, .seamless = seamless}); }, 10) <= 1e-5f);
    }
}

TEST_CASE("gpu: fill::checkerboard matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::checkerboard(v); }, 20) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::checkerboard(v, {.size = 7, .offset_x = -13, .offset_y = -1000}); }, 22) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::checkerboard(v, {.size = 1, .offset_x = 5, .offset_y = -3}); }, 24) <= 1e-5f);
}

TEST_CASE("gpu: fill::grid matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::grid(v); }, 30) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::grid(v, {.spacing = 13, .line_width = 3, .offset_x = -7, .offset_y = 29}); }, 32) <= 1e-5f);
}

TEST_CASE("gpu: fill::stripes matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::stripes(v); }, 40) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) {
          fill::stripes(v, {.angle = 17.3f, .spacing = 23, .width = 9, .color1 = rgba(1, 0.2f, 0, 1), .offset = -77});
        }, 42) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::stripes(v, {.angle = -200.f, .spacing = 3, .width = 1, .offset = 100000}); }, 44) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::stripes(v, {.angle = 90.f, .spacing = 8, .width = 0}); }, 46) <= 1e-5f);
}

TEST_CASE("gpu: fill::dots matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::dots(v); }, 50) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) {
          fill::dots(v, {.spacing = 17, .radius = 6.3f, .offset_x = -5, .offset_y = 1234, .softness = 0.4f});
        }, 52) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::dots(v, {.spacing = 1000, .radius = 350.f}); }, 54) <= 1e-5f);
}

TEST_CASE("gpu: fill::circle matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::circle(v); }, 60) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::circle(v, {.color = rgba(1, 0, 0, 0.5f), .softness = 0.15f}); }, 62) <= 1e-5f);
}

TEST_CASE("gpu: fill::noise is bit-identical to the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::noise(v); }, 70) == 0.f);
  CHECK(compare([](ImageView<float4> v) { fill::noise(v, {.seed = 123.456f, .monochrome = false}); }, 72) == 0.f);
  CHECK(compare([](ImageView<float4> v) { fill::noise(v, {.seed = -3e30f, .monochrome = false}); }, 74) == 0.f);
}

TEST_CASE("gpu: fill::perlin is bit-identical to the CPU backend", "[gpu][fill]") {
  // Tolerance 0: the functor uses only correctly rounded or explicitly fused operations (no sinf,
  // no contraction), so there is nothing that may differ between the devices.
  CHECK(compare([](ImageView<float4> v) { fill::perlin(v); }, 80) == 0.f);
  CHECK(compare([](ImageView<float4> v) {
          fill::perlin(v, {.scale = 37.5f, .seed = 3.f, .octaves = 6, .persistence = 0.55f, .lacunarity = 2.03f,
                           .offset_x = -1234.5f, .offset_y = 77.f, .color1 = rgba(0.1f, 0.2f, 0.5f, 1.f),
                           .color2 = rgba(1.f, 0.9f, 0.3f, 0.5f)});
        }, 82) == 0.f);
  CHECK(compare([](ImageView<float4> v) { fill::perlin(v, {.scale = 0.7f, .octaves = 32, .lacunarity = 1.1f}); }, 84) == 0.f);
  CHECK(compare([](ImageView<float4> v) { fill::perlin(v, {.octaves = 0}); }, 86) == 0.f);
  CHECK(compare([](ImageView<float4> v) { fill::perlin(v, {.octaves = 4, .persistence = -1.f}); }, 88) == 0.f);
}

TEST_CASE("gpu: fill::ngon matches the CPU backend", "[gpu][fill]") {
  CHECK(compare([](ImageView<float4> v) { fill::ngon(v); }, 90) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::ngon(v, {.sides = 5, .rotation = 33.f}); }, 92) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::ngon(v, {.sides = 8, .rotation = -10.f, .softness = 0.05f}); }, 94) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { fill::ngon(v, {.sides = 100, .rotation = 720.5f}); }, 96) <= 1e-5f);
}

TEST_CASE("gpu: fill::color and every fill on a stream with a workspace allocate nothing", "[gpu][fill][memory]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  OwningStream s;
  ImageF32 img(640, 480, gpu, s);
  const Exec ex{s};
  fill::color(img, rgba(0, 0, 0, 1), ex);
  s.synchronize();
  const auto before = memory_stats(gpu);
  fill::gradient(img, rgba(0, 0, 0, 1), rgba(1, 1, 1, 1), {}, ex);
  fill::checkerboard(img, {}, ex);
  fill::grid(img, {}, ex);
  fill::stripes(img, {}, ex);
  fill::dots(img, {}, ex);
  fill::circle(img, {}, ex);
  fill::noise(img, {}, ex);
  fill::perlin(img, {.octaves = 3}, ex);
  fill::ngon(img.crop_view(10, 10, 100, 100), {}, ex);
  s.synchronize();
  CHECK(memory_stats(gpu).allocations == before.allocations);
}
