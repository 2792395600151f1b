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

TEST_CASE("gpu: every shape of the fused kernel gives the same pixels", "[gpu][blur]") {
  // The tuning variants (detail::cuda::set_blur_fused_variant) compute the same sums in the same
  // order: bit-identical to each other, and within 2e-5 of the CPU backend.
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  const int keep = detail::cuda::blur_fused_variant();
  for (auto [w, h] : {std::pair{300, 261}, std::pair{37, 29}, std::pair{3, 130}}) {
    const auto px = test::random_f32(w, h, 41u + unsigned(w));
    ImageF32 src = test::make_f32(w, h, px, gpu);
    for (int r : {1, 3, 5, 8, 10, 12}) {
      ImageF32 cpu_out = filter::gaussian_blur(test::make_f32(w, h, px, Device::cpu()), {.radius = r});
      const auto ref = io::download(cpu_out);
      std::vector<float4> first;
      for (int v : {0, 1, 2, 3, 4, 5}) {
        detail::cuda::set_blur_fused_variant(v);
        const auto out = io::download(filter::gaussian_blur(src, {.radius = r}));
        detail::cuda::set_blur_fused_variant(keep);
        INFO("size " << w << "x" << h << " radius " << r << " variant " << v);
        CHECK(test::max_abs_diff(out, ref) <= 2e-5f);
        if (v == 0) first = out;
        else CHECK(test::max_abs_diff(out, first) == 0.f);
      }
    }
  }
  detail::cuda::set_blur_fused_variant(keep);
}
