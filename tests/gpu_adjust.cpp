// SPDX-License-Identifier: MIT
/// GPU: every adjust op and the chain, compared with the CPU backend on random 1000x700 inputs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
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
  const auto ha = io::download(a), hb = io::download(b);
  std::size_t worst = 0;
  float worst_d = 0.f;
  for (std::size_t i = 0; i < ha.size(); ++i) {
    const float d = std::max({std::fabs(ha[i].x - hb[i].x), std::fabs(ha[i].y - hb[i].y),
                              std::fabs(ha[i].z - hb[i].z), std::fabs(ha[i].w - hb[i].w)});
    if (!(d <= worst_d)) worst_d = d, worst = i;
  }
  char msg[256];
  std::snprintf(msg, sizeof msg, "worst %.9g at %zu: in (%.9g %.9g %.9g %.9g) chain (%.9g %.9g %.9g) ops (%.9g %.9g %.9g)",
                worst_d, worst, px[worst].x, px[worst].y, px[worst].z, px[worst].w, ha[worst].x, ha[worst].y, ha[worst].z,
                hb[worst].x, hb[worst].y, hb[worst].z);
  INFO(msg);
  if (!(worst_d <= 1e-6f)) {  // which step first differs: chain vs ops over prefixes of the steps
    std::string per;
    for (std::size_t k = 1; k <= steps.size(); ++k) {
      const std::vector<adjust::Adjustment> pre(steps.begin(), steps.begin() + std::ptrdiff_t(k));
      ImageF32 c = test::make_f32(W, H, px, gpu), o = test::make_f32(W, H, px, gpu);
      adjust::chain(c, pre);
      for (auto st : pre) apply_one(o, st);
      char b[64];
      std::snprintf(b, sizeof b, " %zu:%.3g", k, test::max_abs_diff(io::download(c), io::download(o)));
      per += b;
    }
    INFO("max difference after the first k steps:" << per);
    CHECK(worst_d <= 1e-6f);
  } else {
    CHECK(worst_d <= 1e-6f);
  }
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

TEST_CASE("gpu: gamma's exp2(y * log2(v)) is within 5e-6 relative of the exact power", "[gpu][adjust]") {
  // The GPU evaluates log2 as exponent + hardware lg2 of the mantissa (docs/adjust.md); the
  // bound is the one the CPU backend meets (tests/test_adjust.cpp), checked here on the device,
  // over v in (0, 2] plus subnormal, tiny and large values.
  REQUIRE(test::has_gpu());
  std::vector<float4> px;
  for (int k = 1; k <= 2000; ++k) {
    const float v = float(k) / 1000.f;
    px.push_back(float4{v, v * 0.5f, v * 0.001f, 1.f});
  }
  px.push_back(float4{1e-39f, 3e-38f, 1e-30f, 1.f});  // subnormal, near the normal boundary, tiny
  px.push_back(float4{1000.f, 1.f, 0.f, 1.f});
  const int w = int(px.size());
  for (float g : {0.2f, 0.45f, 1.8f, 2.2f, 5.f}) {
    ImageF32 img = test::make_f32(w, 1, px, gpu);
    adjust::gamma(img, g);
    const auto got = io::download(img);
    float worst = 0.f;
    for (int i = 0; i < w; ++i) {
      const float in[3] = {px[i].x, px[i].y, px[i].z};
      const float out[3] = {got[i].x, got[i].y, got[i].z};
      for (int c = 0; c < 3; ++c) {
        const double want = in[c] > 0.f ? std::pow(double(in[c]), double(1.f / g)) : 0.0;
        // relative where the result is a normal float, absolute 1e-37 below
        const double err = std::fabs(out[c] - want) / std::max(want, 1e-30);
        if (want > 1e-30) worst = std::max(worst, float(err));
        else CHECK(std::fabs(out[c] - want) <= 1e-30);
      }
    }
    INFO("gamma " << g << " worst relative error " << worst);
    CHECK(worst <= 5e-6f);
  }
}
