// SPDX-License-Identifier: MIT
/// GPU: every adjust op and the chain, compared with the CPU backend on random 1000x700 inputs.
#include <algorithm>
#include <functional>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device gpu = Device::cuda(0);
constexpr int W = 1000, H = 700;

/// GPU vs CPU for one in-place op on the whole image and on a crop view.
float compare(const std::function<void(ImageView<float4>)>& op, std::uint32_t seed, float lo = 0.f, float hi = 1.f) {
  return test::gpu_vs_cpu_in_place(W, H, seed, op, lo, hi);
}

void apply_one(ImageView<float4> v, adjust::Adjustment a) {
  switch (a.kind) {
    case adjust::Kind::brightness:
      adjust::brightness(v, a.value);
      break;
    case adjust::Kind::contrast:
      adjust::contrast(v, a.value);
      break;
    case adjust::Kind::saturation:
      adjust::saturation(v, a.value);
      break;
    case adjust::Kind::gamma:
      adjust::gamma(v, a.value);
      break;
    case adjust::Kind::opacity:
      adjust::opacity(v, a.value);
      break;
    case adjust::Kind::hue:
      adjust::hue(v, a.value);
      break;
    case adjust::Kind::vibrance:
      adjust::vibrance(v, a.value);
      break;
  }
}
}  // namespace

TEST_CASE("gpu: adjust ops match the CPU backend", "[gpu][adjust]") {
  CHECK(compare([](ImageView<float4> v) { adjust::brightness(v, 0.13f); }, 1, -0.2f, 1.2f) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::brightness(v, -0.4f); }, 3) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::contrast(v, 1.7f); }, 5, -0.2f, 1.2f) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::contrast(v, -0.6f); }, 7) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::saturation(v, 1.6f); }, 9, -0.2f, 1.2f) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::saturation(v, 0.3f); }, 11) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::gamma(v, 2.2f); }, 13, -0.2f, 1.2f) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::gamma(v, 0.45f); }, 15) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::opacity(v, 0.6f); }, 17, -0.2f, 1.2f) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::hue(v, 73.f); }, 19) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::hue(v, -500.f); }, 21) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::vibrance(v, 0.7f); }, 23) <= 1e-5f);
  CHECK(compare([](ImageView<float4> v) { adjust::vibrance(v, -0.5f); }, 25) <= 1e-5f);
}

TEST_CASE("gpu: adjust::chain matches the ops one by one", "[gpu][adjust]") {
  const std::vector<adjust::Adjustment> steps = {
      adjust::brightness(0.05f), adjust::contrast(1.2f), adjust::saturation(1.3f), adjust::gamma(1.4f),
      adjust::opacity(0.8f),     adjust::hue(40.f),      adjust::vibrance(0.4f)};
  // GPU chain vs CPU one by one
  CHECK(test::gpu_vs_cpu(W, H, 1, 31, [&](std::vector<ImageF32>& in, Device d) {
          if (d.is_cuda())
            adjust::chain(in[0], steps);
          else
            for (auto a : steps) apply_one(in[0], a);
          return std::move(in[0]);
        }) <= 1e-5f);
  // GPU chain vs GPU one by one
  REQUIRE(test::has_gpu());
  const auto px = test::random_f32(W, H, 33);
  ImageF32 a = test::make_f32(W, H, px, gpu), b = test::make_f32(W, H, px, gpu);
  adjust::chain(a, steps);
  for (auto s : steps) apply_one(b, s);
  CHECK(test::max_abs_diff(io::download(a), io::download(b)) <= 1e-6f);
}

TEST_CASE("gpu: adjust on a stream allocates nothing", "[gpu][adjust][memory]") {
  REQUIRE(test::has_gpu());
  OwningStream s;
  const Exec ex{s, nullptr};
  ImageF32 img = test::make_f32(640, 480, test::random_f32(640, 480, 3), gpu);
  adjust::hue(img, 10.f, ex);
  s.synchronize();
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 50; ++i) {
    adjust::brightness(img, 0.01f, ex);
    adjust::chain(img, {adjust::contrast(1.01f), adjust::hue(3.f)}, ex);
  }
  s.synchronize();
  CHECK(memory_stats(gpu).allocations == before.allocations);
}
