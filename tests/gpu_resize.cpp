// SPDX-License-Identifier: MIT
/// GPU: resize matches the CPU backend on random 1000x700 inputs (every sampler, up and down,
/// antialias on and off, fit), and allocates nothing with a destination and a workspace.
#include "helpers.hpp"

using namespace imagecuda;

// Alpha >= 0.2 in the random inputs: both backends compute the same weights bit for bit, but a
// nearly transparent sampled pixel would divide any remaining last-bit difference by its alpha.
static constexpr float kLo = 0.2f;

TEST_CASE("gpu: resize matches the CPU backend", "[gpu][resize]") {
  const std::pair<int, int> sizes[] = {{1733, 1211}, {500, 350}, {311, 97}, {1000, 123}, {64, 1400}};
  for (auto m : {Interpolation::nearest, Interpolation::bilinear, Interpolation::bicubic, Interpolation::lanczos}) {
    for (auto [w, h] : sizes) {
      for (bool aa : {true, false}) {
        const float d = test::gpu_vs_cpu(1000, 700, 1, 40u + unsigned(w), [&](std::vector<ImageF32>& in, Device) {
          return resize::resize(in[0], m, {.width = w, .height = h, .antialias = aa});
        }, kLo, 1.f);
        INFO("mode " << int(m) << " " << w << "x" << h << " aa " << aa);
        CHECK(d <= 1e-5f);
      }
    }
  }
}

TEST_CASE("gpu: resize on crop views, fit", "[gpu][resize]") {
  for (auto f : {resize::Fit::contain, resize::Fit::cover, resize::Fit::fill}) {
    const float d = test::gpu_vs_cpu(1000, 700, 1, 3, [&](std::vector<ImageF32>& in, Device) {
      return resize::fit(in[0], 256, 256, f, Interpolation::lanczos);
    }, kLo, 1.f);
    CHECK(d <= 1e-5f);
  }
  const float d = test::gpu_vs_cpu(1000, 700, 1, 4, [&](std::vector<ImageF32>& in, Device) {
    return resize::bicubic(in[0].crop_view(101, 33, 517, 411), {.width = 900});
  }, kLo, 1.f);
  CHECK(d <= 1e-5f);
}

TEST_CASE("gpu: resize with dst and workspace allocates nothing", "[gpu][resize]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  ImageF32 src = test::make_f32(1000, 700, test::random_f32(1000, 700, 9), gpu);
  ImageF32 dst(2000, 1400, gpu);
  Workspace ws(max(resize::resize_requirements(1000, 700, 333, 233, Interpolation::lanczos),
                   max(resize::resize_requirements(1000, 700, 500, 350, Interpolation::bilinear),
                       resize::resize_requirements(1000, 700, 2000, 1400, Interpolation::bicubic))),
               gpu);
  const auto before = memory_stats(gpu);
  resize::lanczos(src, dst, {.width = 333}, {Stream{}, &ws});
  resize::bilinear(src, dst, {.width = 500}, {Stream{}, &ws});
  resize::bicubic(src, dst, {.width = 2000}, {Stream{}, &ws});
  synchronize(Stream{});
  CHECK(memory_stats(gpu).allocations == before.allocations);
}

TEST_CASE("gpu: resize::area matches the CPU backend on every path", "[gpu][resize]") {
  // Integer factors (AreaBlocks: 2x2 unrolled and any k x m; with hook 1 the weight tables and
  // the generic kernels instead), fractional factors (tiled and two-pass), upscaling.
  const std::pair<int, int> sizes[] = {{500, 350}, {250, 175}, {200, 140}, {1000, 350}, {125, 70},
                                       {333, 233}, {97, 61},   {1500, 900}};
  for (int variant : {0, 1}) {
    const detail::cuda::ScopedResizeAreaVariant hook(variant);
    for (auto [w, h] : sizes) {
      const float d = test::gpu_vs_cpu(1000, 700, 1, 60u + unsigned(w), [&](std::vector<ImageF32>& in, Device) {
        return resize::area(in[0], {.width = w, .height = h});
      }, kLo, 1.f);
      INFO("variant " << variant << " " << w << "x" << h);
      CHECK(d <= 1e-6f);  // the same weights, the same sums in the same order
    }
  }
  // AreaBlocks computes the tables' sums in their order: bit-identical on the GPU too.
  {
    const Device gpu = Device::cuda(0);
    ImageF32 src = test::make_f32(1000, 700, test::random_f32(1000, 700, 61, kLo, 1.f), gpu);
    for (auto [w, h] : {std::pair{500, 350}, std::pair{250, 175}, std::pair{1000, 140}}) {
      const auto blocks = io::download(resize::area(src, {.width = w, .height = h}));
      const auto tables = [&] {
        const detail::cuda::ScopedResizeAreaVariant tables_only(1);
        return io::download(resize::area(src, {.width = w, .height = h}));
      }();
      CHECK(test::max_abs_diff(blocks, tables) == 0.f);
    }
  }
  // An odd-sized 2:1 reduction of a crop view (pitch wider than the row).
  const float d = test::gpu_vs_cpu(1000, 700, 1, 5, [&](std::vector<ImageF32>& in, Device) {
    return resize::area(in[0].crop_view(3, 1, 614, 402), {.width = 307, .height = 201});
  }, kLo, 1.f);
  CHECK(d <= 1e-6f);
}
