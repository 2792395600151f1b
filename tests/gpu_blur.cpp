// SPDX-License-Identifier: MIT
/// GPU: gaussian_blur / box_blur match the CPU backend on random inputs, every method.
#include "helpers.hpp"

using namespace imagecuda;

TEST_CASE("gpu: gaussian_blur matches the CPU backend", "[gpu][blur]") {
  for (int r : {1, 3, 10, 24, 30, 50, 120, 300}) {
    const float d = test::gpu_vs_cpu(1000, 700, 1, 100u + unsigned(r), [r](std::vector<ImageF32>& in, Device) {
      return filter::gaussian_blur(in[0], {.radius = r});
    });
    INFO("radius " << r);
    CHECK(d <= 2e-5f);
  }
  // sigma far from radius/3: the two-pass direct path
  const float d = test::gpu_vs_cpu(640, 480, 1, 7, [](std::vector<ImageF32>& in, Device) {
    return filter::gaussian_blur(in[0], {.radius = 100, .sigma = 10.f});
  });
  CHECK(d <= 2e-5f);
}

TEST_CASE("gpu: blur in place, on crops, box blur", "[gpu][blur]") {
  for (int r : {5, 80}) {
    const float d = test::gpu_vs_cpu(513, 257, 1, 3, [r](std::vector<ImageF32>& in, Device) {
      filter::gaussian_blur(in[0], in[0], {.radius = r});
      return std::move(in[0]);
    });
    CHECK(d <= 2e-5f);
  }
  const float d = test::gpu_vs_cpu(800, 600, 1, 4, [](std::vector<ImageF32>& in, Device dev) {
    ImageF32 out(300, 200, dev);
    filter::gaussian_blur(in[0].crop_view(100, 50, 300, 200), out, {.radius = 7});
    return out;
  });
  CHECK(d <= 2e-5f);
  for (int r : {2, 9, 150}) {
    const float e = test::gpu_vs_cpu(700, 500, 1, 5, [r](std::vector<ImageF32>& in, Device) {
      return filter::box_blur(in[0], {.radius = r});
    });
    CHECK(e <= 2e-5f);
  }
}

TEST_CASE("gpu: blur with a workspace allocates nothing", "[gpu][blur]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  OwningStream s;
  Workspace ws(filter::blur_requirements(1920, 1080), gpu, s);
  ImageF32 src = test::make_f32(1920, 1080, test::random_f32(1920, 1080, 1), gpu);
  ImageF32 dst(1920, 1080, gpu, s);
  const Exec ex{s, &ws};
  const auto before = memory_stats(gpu);
  for (int r : {3, 20, 60, 200}) filter::gaussian_blur(src, dst, {.radius = r}, ex);
  s.synchronize();
  CHECK(memory_stats(gpu).allocations == before.allocations);
}

TEST_CASE("gpu: sharpen, sobel, emboss match the CPU backend", "[gpu][stencil]") {
  CHECK(test::gpu_vs_cpu(1000, 700, 1, 31, [](std::vector<ImageF32>& in, Device) {
          return filter::sharpen(in[0], {.strength = 0.8f});
        }) <= 1e-5f);
  CHECK(test::gpu_vs_cpu(1000, 700, 1, 32, [](std::vector<ImageF32>& in, Device) { return filter::sobel(in[0]); }) <= 1e-5f);
  CHECK(test::gpu_vs_cpu(1000, 700, 1, 33, [](std::vector<ImageF32>& in, Device) {
          filter::emboss(in[0], in[0], {.strength = 2.f});
          return std::move(in[0]);
        }) <= 1e-5f);
}
