// SPDX-License-Identifier: MIT
/// adjust: the reference's formulas, clamps and early-outs on the CPU backend; the one-pass chain.
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();

/// Runs `op` on a w x h CPU image holding `px` and returns the result.
template <class Op>
std::vector<float4> apply(int w, int h, const std::vector<float4>& px, Op op) {
  ImageF32 img = test::make_f32(w, h, px, cpu);
  op(img);
  return io::download(img);
}

/// One pixel through `op`.
template <class Op>
float4 apply1(float4 p, Op op) {
  return apply(1, 1, {p}, op)[0];
}

void check_px(float4 got, float4 want, float tol = 1e-6f) {
  INFO("got (" << got.x << ", " << got.y << ", " << got.z << ", " << got.w << "), want (" << want.x << ", " << want.y
               << ", " << want.z << ", " << want.w << ")");
  CHECK(std::fabs(got.x - want.x) <= tol);
  CHECK(std::fabs(got.y - want.y) <= tol);
  CHECK(std::fabs(got.z - want.z) <= tol);
  CHECK(std::fabs(got.w - want.w) <= tol);
}

bool same_bits(const std::vector<float4>& a, const std::vector<float4>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float4)) == 0;
}

/// Would the op run (true) or take the reference's early-out (false)?
bool runs(adjust::Adjustment a) {
  detail::AdjustStep s{};
  return detail::adjust_prepare("test", -1, a, s);
}
}  // namespace

TEST_CASE("adjust::brightness: rgb + factor, clamped; alpha kept", "[adjust]") {
  check_px(apply1(rgba(0.2f, 0.5f, 0.95f, 0.7f), [](auto& i) { adjust::brightness(i, 0.1f); }),
           rgba(0.3f, 0.6f, 1.0f, 0.7f));
  check_px(apply1(rgba(0.2f, 0.5f, 0.95f, 0.7f), [](auto& i) { adjust::brightness(i, -0.3f); }),
           rgba(0.f, 0.2f, 0.65f, 0.7f));
  // out-of-range input is clamped into [0, 1]; alpha is never clamped
  check_px(apply1(rgba(1.5f, -0.2f, 0.5f, 1.3f), [](auto& i) { adjust::brightness(i, 0.1f); }),
           rgba(1.f, 0.f, 0.6f, 1.3f));
  // huge factors saturate
  check_px(apply1(rgba(0.2f, 0.5f, 0.9f, 1.f), [](auto& i) { adjust::brightness(i, 100.f); }), rgba(1, 1, 1, 1));
  // early-out: |factor| < 1e-6 does not even clamp
  check_px(apply1(rgba(1.5f, -0.2f, 0.5f, 1.f), [](auto& i) { adjust::brightness(i, 5e-7f); }),
           rgba(1.5f, -0.2f, 0.5f, 1.f), 0.f);
  CHECK_FALSE(runs(adjust::brightness(-9e-7f)));
  CHECK(runs(adjust::brightness(2e-6f)));
}

TEST_CASE("adjust::contrast: (rgb - 0.5) * factor + 0.5, clamped", "[adjust]") {
  check_px(apply1(rgba(0.2f, 0.5f, 0.7f, 0.4f), [](auto& i) { adjust::contrast(i, 1.5f); }),
           rgba(0.05f, 0.5f, 0.8f, 0.4f));
  check_px(apply1(rgba(0.2f, 0.5f, 0.7f, 0.4f), [](auto& i) { adjust::contrast(i, 0.f); }),
           rgba(0.5f, 0.5f, 0.5f, 0.4f));
  check_px(apply1(rgba(0.2f, 0.5f, 0.7f, 0.4f), [](auto& i) { adjust::contrast(i, -1.f); }),
           rgba(0.8f, 0.5f, 0.3f, 0.4f));
  check_px(apply1(rgba(0.1f, 0.5f, 0.95f, 1.f), [](auto& i) { adjust::contrast(i, 3.f); }), rgba(0.f, 0.5f, 1.f, 1.f));
  check_px(apply1(rgba(1.5f, -0.2f, 0.5f, 1.f), [](auto& i) { adjust::contrast(i, 1.f + 5e-7f); }),
           rgba(1.5f, -0.2f, 0.5f, 1.f), 0.f);
  CHECK_FALSE(runs(adjust::contrast(1.f)));
  CHECK(runs(adjust::contrast(1.00001f)));
}

TEST_CASE("adjust::saturation: lerp from Rec.601 luma, clamped", "[adjust]") {
  const float4 p = rgba(0.8f, 0.4f, 0.2f, 0.9f);
  const float g = 0.299f * 0.8f + 0.587f * 0.4f + 0.114f * 0.2f;  // 0.4972
  check_px(apply1(p, [](auto& i) { adjust::saturation(i, 0.f); }), rgba(g, g, g, 0.9f));
  check_px(apply1(p, [](auto& i) { adjust::saturation(i, 0.5f); }),
           rgba(g + (0.8f - g) * 0.5f, g + (0.4f - g) * 0.5f, g + (0.2f - g) * 0.5f, 0.9f));
  // factor 2: 0.4972 + 0.3028*2 = 1.1028 -> 1; 0.4972 - 0.0972*2 = 0.3028; 0.4972 - 0.2972*2 = -0.0972 -> 0
  check_px(apply1(p, [](auto& i) { adjust::saturation(i, 2.f); }), rgba(1.f, g + (0.4f - g) * 2.f, 0.f, 0.9f));
  check_px(apply1(rgba(1.5f, 0.2f, 0.2f, 1.f), [](auto& i) { adjust::saturation(i, 1.f); }),
           rgba(1.5f, 0.2f, 0.2f, 1.f), 0.f);
  CHECK_FALSE(runs(adjust::saturation(1.f - 5e-7f)));
}

TEST_CASE("adjust::gamma: pow(max(0, rgb), 1/gamma), no upper clamp", "[adjust]") {
  check_px(apply1(rgba(0.25f, 0.64f, 4.f, 0.5f), [](auto& i) { adjust::gamma(i, 2.f); }), rgba(0.5f, 0.8f, 2.f, 0.5f));
  check_px(apply1(rgba(0.5f, -0.3f, 1.f, 1.f), [](auto& i) { adjust::gamma(i, 0.5f); }), rgba(0.25f, 0.f, 1.f, 1.f));
  check_px(apply1(rgba(0.5f, 0.2f, 0.9f, 1.f), [](auto& i) { adjust::gamma(i, 2.2f); }),
           rgba(std::pow(0.5f, 1 / 2.2f), std::pow(0.2f, 1 / 2.2f), std::pow(0.9f, 1 / 2.2f), 1.f));
  // pow as exp2(y*log2(v)): within 5e-6 relative of the exact power over the range images hold
  // (the rounding of y*log2(v) grows with |y*log2(v)|: 2e-6 at v = 0.001, gamma 0.2; a 16-bit
  // PNG step is 1.5e-5)
  float worst = 0.f;
  for (float g : {0.2f, 0.45f, 1.8f, 2.2f, 5.f})
    for (int k = 1; k <= 2000; ++k) {
      const float v = float(k) / 1000.f;  // (0, 2]
      const float got = imagecuda::detail::AdjustGamma::pow_pos(v, 1.f / g);
      const double want = std::pow(double(v), double(1.f / g));
      worst = std::fmax(worst, float(std::fabs(got - want) / want));
    }
  INFO("worst relative error " << worst);
  CHECK(worst <= 5e-6f);
  CHECK(imagecuda::detail::AdjustGamma::pow_pos(0.f, 0.5f) == 0.f);
  CHECK(imagecuda::detail::AdjustGamma::pow_pos(std::nanf(""), 0.5f) == 0.f);
  CHECK(std::isinf(imagecuda::detail::AdjustGamma::pow_pos(INFINITY, 0.5f)));
  // early-out: a negative value survives gamma 1
  check_px(apply1(rgba(-0.3f, 0.5f, 2.f, 1.f), [](auto& i) { adjust::gamma(i, 1.f); }), rgba(-0.3f, 0.5f, 2.f, 1.f),
           0.f);
  CHECK(runs(adjust::gamma(0.0011f)));
  CHECK_FALSE(runs(adjust::gamma(1.0000005f)));
}

TEST_CASE("adjust::opacity: alpha * factor, unclamped", "[adjust]") {
  check_px(apply1(rgba(0.2f, 0.4f, 0.6f, 0.8f), [](auto& i) { adjust::opacity(i, 0.5f); }),
           rgba(0.2f, 0.4f, 0.6f, 0.4f));
  check_px(apply1(rgba(0.2f, 0.4f, 0.6f, 0.8f), [](auto& i) { adjust::opacity(i, 3.f); }),
           rgba(0.2f, 0.4f, 0.6f, 2.4f));
  check_px(apply1(rgba(0.2f, 0.4f, 0.6f, 0.8f), [](auto& i) { adjust::opacity(i, -1.f); }),
           rgba(0.2f, 0.4f, 0.6f, -0.8f));
  check_px(apply1(rgba(0.2f, 0.4f, 0.6f, 0.8f), [](auto& i) { adjust::opacity(i, 0.f); }), rgba(0.2f, 0.4f, 0.6f, 0.f));
  CHECK_FALSE(runs(adjust::opacity(1.f)));
}

TEST_CASE("adjust::hue: HSV rotation, any angle", "[adjust]") {
  const float4 red = rgba(1, 0, 0, 0.6f);
  check_px(apply1(red, [](auto& i) { adjust::hue(i, 120.f); }), rgba(0, 1, 0, 0.6f));
  check_px(apply1(red, [](auto& i) { adjust::hue(i, 240.f); }), rgba(0, 0, 1, 0.6f));
  check_px(apply1(red, [](auto& i) { adjust::hue(i, -120.f); }), rgba(0, 0, 1, 0.6f));  // fmod < 0 -> +360
  check_px(apply1(red, [](auto& i) { adjust::hue(i, 480.f); }), rgba(0, 1, 0, 0.6f));   // the original degrees
  check_px(apply1(red, [](auto& i) { adjust::hue(i, 60.f); }), rgba(1, 1, 0, 0.6f));
  // (0.8, 0.4, 0.2): h = 60*fmod(0.2/0.6, 6) = 20, s = 0.75, v = 0.8. +100 -> h = 120: (c, x, 0)+m
  // sextant [120, 180): (0, c, x) with c = 0.6, x = c*(1-|fmod(2,2)-1|) = 0, m = 0.2 -> (0.2, 0.8, 0.2)
  check_px(apply1(rgba(0.8f, 0.4f, 0.2f, 1.f), [](auto& i) { adjust::hue(i, 100.f); }), rgba(0.2f, 0.8f, 0.2f, 1.f));
  // grey has no hue: unchanged
  check_px(apply1(rgba(0.3f, 0.3f, 0.3f, 1.f), [](auto& i) { adjust::hue(i, 77.f); }), rgba(0.3f, 0.3f, 0.3f, 1.f));
  // early-outs: degrees % 360 == 0 (within 1e-6), for any multiple of 360
  CHECK_FALSE(runs(adjust::hue(0.f)));
  CHECK_FALSE(runs(adjust::hue(360.f)));
  CHECK_FALSE(runs(adjust::hue(-720.f)));
  CHECK_FALSE(runs(adjust::hue(5e-7f)));
  CHECK(runs(adjust::hue(1.f)));
  CHECK(runs(adjust::hue(-359.f)));
}

TEST_CASE("adjust::vibrance: saturation boost by (1-s)s, damped on skin hues", "[adjust]") {
  // blue (0.4, 0.4, 0.8): h = 240, s = 0.5, v = 0.8; amount 1: s = 0.5 + 0.25 = 0.75
  // c = 0.6, m = 0.2, sextant [240, 300): (x, 0, c) with x = 0 -> (0.2, 0.2, 0.8)
  check_px(apply1(rgba(0.4f, 0.4f, 0.8f, 0.5f), [](auto& i) { adjust::vibrance(i, 1.f); }),
           rgba(0.2f, 0.2f, 0.8f, 0.5f));
  // red (0.8, 0.4, 0.4): h = 0 is a skin hue, boost * 0.3: s = 0.5 + 0.075 = 0.575; c = 0.46, m = 0.34
  check_px(apply1(rgba(0.8f, 0.4f, 0.4f, 1.f), [](auto& i) { adjust::vibrance(i, 1.f); }),
           rgba(0.8f, 0.34f, 0.34f, 1.f));
  // negative amount desaturates: s = 0.5 - 0.25 = 0.25; c = 0.2, m = 0.6 -> (0.6, 0.6, 0.8)
  check_px(apply1(rgba(0.4f, 0.4f, 0.8f, 1.f), [](auto& i) { adjust::vibrance(i, -1.f); }),
           rgba(0.6f, 0.6f, 0.8f, 1.f));
  // out-of-range amount: s clamped to 1 -> (0, 0, 0.8)
  check_px(apply1(rgba(0.4f, 0.4f, 0.8f, 1.f), [](auto& i) { adjust::vibrance(i, 10.f); }), rgba(0.f, 0.f, 0.8f, 1.f));
  // s < 0.001: unchanged
  check_px(apply1(rgba(0.5f, 0.5f, 0.5002f, 1.f), [](auto& i) { adjust::vibrance(i, 1.f); }),
           rgba(0.5f, 0.5f, 0.5002f, 1.f), 0.f);
  CHECK_FALSE(runs(adjust::vibrance(0.f)));
  CHECK(runs(adjust::vibrance(-0.01f)));
}

TEST_CASE("adjust: 1x1, 1xN and Nx1 images, every op", "[adjust]") {
  const std::vector<std::pair<int, int>> sizes = {{1, 1}, {1, 7}, {7, 1}, {3, 5}};
  for (auto [w, h] : sizes) {
    const auto px = test::random_f32(w, h, 11u + unsigned(w * 31 + h));
    const auto out = apply(w, h, px, [](ImageF32& i) {
      adjust::brightness(i, 0.05f);
      adjust::contrast(i, 1.1f);
      adjust::saturation(i, 1.2f);
      adjust::gamma(i, 1.3f);
      adjust::opacity(i, 0.9f);
      adjust::hue(i, 15.f);
      adjust::vibrance(i, 0.3f);
    });
    // the same ops pixel by pixel through the functors
    for (std::size_t k = 0; k < px.size(); ++k) {
      float4 p = px[k];
      p = detail::AdjustBrightness{0.05f}(p);
      p = detail::AdjustContrast{1.1f}(p);
      p = detail::AdjustSaturation{1.2f}(p);
      p = detail::AdjustGamma{1.f / 1.3f}(p);
      p = detail::AdjustOpacity{0.9f}(p);
      p = detail::AdjustHue{15.f}(p);
      p = detail::AdjustVibrance{0.3f}(p);
      check_px(out[k], p, 0.f);
    }
  }
}

TEST_CASE("adjust: in place on a crop_view changes only the view", "[adjust]") {
  const int w = 9, h = 7;
  const auto px = test::random_f32(w, h, 5, 0.05f, 0.9f);
  auto each = [&](auto op) {
    ImageF32 img = test::make_f32(w, h, px, cpu);
    auto v = img.crop_view(2, 1, 4, 3);
    CHECK(!v.contiguous());
    op(v);
    const auto out = io::download(img);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool inside = x >= 2 && x < 6 && y >= 1 && y < 4;
        const float4 a = out[std::size_t(y) * w + x], b = px[std::size_t(y) * w + x];
        const bool same = a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w;
        INFO("x=" << x << " y=" << y);
        CHECK(same == !inside);
      }
  };
  each([](ImageView<float4> v) { adjust::brightness(v, 0.05f); });
  each([](ImageView<float4> v) { adjust::contrast(v, 1.3f); });
  each([](ImageView<float4> v) { adjust::saturation(v, 1.7f); });
  each([](ImageView<float4> v) { adjust::gamma(v, 2.f); });
  each([](ImageView<float4> v) { adjust::opacity(v, 0.5f); });
  each([](ImageView<float4> v) { adjust::hue(v, 45.f); });
  each([](ImageView<float4> v) { adjust::vibrance(v, 0.8f); });
  each([](ImageView<float4> v) { adjust::chain(v, {adjust::brightness(0.05f), adjust::hue(45.f)}); });
}

TEST_CASE("adjust::chain equals the ops one by one", "[adjust]") {
  const int w = 67, h = 45;
  const std::vector<std::vector<adjust::Adjustment>> chains = {
      {adjust::brightness(0.1f), adjust::contrast(1.2f), adjust::saturation(1.3f)},
      {adjust::hue(75.f), adjust::vibrance(0.6f), adjust::gamma(1.8f), adjust::opacity(0.7f)},
      {adjust::gamma(0.6f), adjust::hue(-200.f), adjust::contrast(0.7f), adjust::brightness(-0.2f),
       adjust::vibrance(-0.4f), adjust::saturation(0.2f), adjust::opacity(1.5f)},
      // with steps the single ops would skip
      {adjust::brightness(0.f), adjust::hue(720.f), adjust::contrast(1.4f), adjust::gamma(1.f)},
      // the longest chain
      std::vector<adjust::Adjustment>(adjust::max_chain_length, adjust::hue(23.f)),
  };
  for (float lo : {0.f, -0.3f}) {
    const auto px = test::random_f32(w, h, 77, lo, 1.3f);
    for (const auto& c : chains) {
      const auto chained = apply(w, h, px, [&](ImageF32& i) { adjust::chain(i, c); });
      const auto sequential = apply(w, h, px, [&](ImageF32& i) {
        for (const auto& a : c) {
          switch (a.kind) {
            case adjust::Kind::brightness:
              adjust::brightness(i, a.value);
              break;
            case adjust::Kind::contrast:
              adjust::contrast(i, a.value);
              break;
            case adjust::Kind::saturation:
              adjust::saturation(i, a.value);
              break;
            case adjust::Kind::gamma:
              adjust::gamma(i, a.value);
              break;
            case adjust::Kind::opacity:
              adjust::opacity(i, a.value);
              break;
            case adjust::Kind::hue:
              adjust::hue(i, a.value);
              break;
            case adjust::Kind::vibrance:
              adjust::vibrance(i, a.value);
              break;
          }
        }
      });
      CHECK(test::max_abs_diff(chained, sequential) <= 1e-6f);
      CHECK(!same_bits(chained, px));
    }
  }
}

TEST_CASE("adjust::chain: empty and all-skipped chains do nothing", "[adjust]") {
  const auto px = test::random_f32(5, 4, 3, -0.5f, 1.5f);
  CHECK(same_bits(apply(5, 4, px, [](ImageF32& i) { adjust::chain(i, {}); }), px));
  CHECK(same_bits(apply(5, 4, px,
                        [](ImageF32& i) {
                          adjust::chain(
                              i, {adjust::brightness(0.f), adjust::contrast(1.f), adjust::saturation(1.f),
                                  adjust::gamma(1.f), adjust::opacity(1.f), adjust::hue(360.f), adjust::vibrance(0.f)});
                        }),
                  px));
  const std::vector<adjust::Adjustment> v = {adjust::opacity(0.5f)};
  const auto out = apply(5, 4, px, [&](ImageF32& i) { adjust::chain(i, std::span<const adjust::Adjustment>(v)); });
  CHECK(out[0].w == px[0].w * 0.5f);
}

TEST_CASE("adjust: errors", "[adjust][errors]") {
  ImageF32 img = test::make_f32(3, 2, test::random_f32(3, 2, 1), cpu);
  const auto before = io::download(img);
  const float nan = std::nanf(""), inf = INFINITY;

  REQUIRE_IMAGECUDA_ERROR(adjust::gamma(img, 0.f), ErrorCode::invalid_argument,
                          "adjust::gamma: gamma must be positive, got 0");
  REQUIRE_IMAGECUDA_ERROR(adjust::gamma(img, -2.f), ErrorCode::invalid_argument,
                          "adjust::gamma: gamma must be positive, got -2");
  REQUIRE_IMAGECUDA_ERROR(adjust::gamma(img, 0.001f), ErrorCode::invalid_argument,
                          "adjust::gamma: gamma must be > 0.001, got 0.001");
  REQUIRE_IMAGECUDA_ERROR(adjust::gamma(img, 0.0005f), ErrorCode::invalid_argument, "must be > 0.001");
  REQUIRE_IMAGECUDA_ERROR(adjust::gamma(img, nan), ErrorCode::invalid_argument,
                          "adjust::gamma: gamma must be finite, got nan");
  REQUIRE_IMAGECUDA_ERROR(adjust::brightness(img, nan), ErrorCode::invalid_argument,
                          "adjust::brightness: factor must be finite, got nan");
  REQUIRE_IMAGECUDA_ERROR(adjust::contrast(img, inf), ErrorCode::invalid_argument,
                          "adjust::contrast: factor must be finite, got inf");
  REQUIRE_IMAGECUDA_ERROR(adjust::saturation(img, -inf), ErrorCode::invalid_argument,
                          "adjust::saturation: factor must be finite, got -inf");
  REQUIRE_IMAGECUDA_ERROR(adjust::opacity(img, nan), ErrorCode::invalid_argument,
                          "adjust::opacity: factor must be finite");
  REQUIRE_IMAGECUDA_ERROR(adjust::hue(img, inf), ErrorCode::invalid_argument,
                          "adjust::hue: degrees must be finite, got inf");
  REQUIRE_IMAGECUDA_ERROR(adjust::vibrance(img, nan), ErrorCode::invalid_argument,
                          "adjust::vibrance: amount must be finite");

  // empty views and freed images
  REQUIRE_IMAGECUDA_ERROR(adjust::brightness(ImageView<float4>{}, 0.1f), ErrorCode::invalid_argument,
                          "adjust::brightness: img is empty");
  REQUIRE_IMAGECUDA_ERROR(adjust::chain(ImageView<float4>{}, {adjust::hue(3.f)}), ErrorCode::invalid_argument,
                          "adjust::chain: img is empty");
  ImageF32 gone(2, 2, cpu);
  gone.free();
  REQUIRE_IMAGECUDA_ERROR(adjust::hue(gone, 30.f), ErrorCode::freed, "image was freed");

  // chain: every step validated before any work, the step named in the message
  REQUIRE_IMAGECUDA_ERROR(adjust::chain(img, {adjust::brightness(0.1f), adjust::contrast(1.2f), adjust::gamma(-1.f)}),
                          ErrorCode::invalid_argument, "adjust::chain: step 2 (gamma): gamma must be positive, got -1");
  REQUIRE_IMAGECUDA_ERROR(adjust::chain(img, {adjust::hue(nan)}), ErrorCode::invalid_argument,
                          "adjust::chain: step 0 (hue): degrees must be finite, got nan");
  const std::vector<adjust::Adjustment> too_long(adjust::max_chain_length + 1, adjust::brightness(0.01f));
  REQUIRE_IMAGECUDA_ERROR(adjust::chain(img, too_long), ErrorCode::invalid_argument,
                          "adjust::chain: at most 16 steps, got 17");
  REQUIRE_IMAGECUDA_ERROR(adjust::chain(img, {adjust::Adjustment{static_cast<adjust::Kind>(42), 1.f}}),
                          ErrorCode::invalid_argument, "adjust::chain: step 0 (unknown): unknown adjustment kind 42");

  // a failed call changes nothing
  CHECK(same_bits(io::download(img), before));
}

TEST_CASE("adjust: the documentation's example", "[adjust][docs]") {
  ImageF32 img = test::make_f32(64, 32, test::random_f32(64, 32, 8), cpu);
  ImageF32 ref = test::make_f32(64, 32, test::random_f32(64, 32, 8), cpu);
  // example-begin adjust-chain
  // One op, one pass over memory:
  adjust::brightness(img, 0.1f);
  // Several ops, still one pass (one read and one write of each pixel, one kernel):
  adjust::chain(img, {adjust::contrast(1.2f), adjust::saturation(1.3f), adjust::hue(-15.f)});
  // On a part of the image only (a zero-copy view):
  adjust::vibrance(img.crop_view(0, 0, 32, 32), 0.5f);
  // example-end
  adjust::brightness(ref, 0.1f);
  adjust::contrast(ref, 1.2f);
  adjust::saturation(ref, 1.3f);
  adjust::hue(ref, -15.f);
  adjust::vibrance(ref.crop_view(0, 0, 32, 32), 0.5f);
  CHECK(test::max_abs_diff(io::download(img), io::download(ref)) <= 1e-6f);
}

TEST_CASE("hsv_to_rgb's selects equal the reference's sextant branches bit for bit", "[adjust]") {
  const auto ref_rgb = [](float h, float s, float v) {
    const float c = v * s;
    const float q = h * (1.f / 60.f);  // imagecuda multiplies where the reference divides (docs/adjust.md)
    const float qm = q >= 0.f ? q - 2.f * std::floor(q * 0.5f) : std::fmod(q, 2.f);
    const float x = c * (1.f - std::fabs(qm - 1.f));
    const float m = v - c;
    float r, g, b;
    if (h < 60.f) { r = c; g = x; b = 0.f; }
    else if (h < 120.f) { r = x; g = c; b = 0.f; }
    else if (h < 180.f) { r = 0.f; g = c; b = x; }
    else if (h < 240.f) { r = 0.f; g = x; b = c; }
    else if (h < 300.f) { r = x; g = 0.f; b = c; }
    else { r = c; g = 0.f; b = x; }
    return float4{r + m, g + m, b + m, 0.f};
  };
  std::vector<float> hs = {0.f, -0.f, 59.99999f, 60.f, 60.00001f, 119.99999f, 120.f, 180.f, 239.99998f, 240.f,
                           299.99997f, 300.f, 359.99997f, 360.f, -1.f, -400.f, 725.f, std::nanf(""), INFINITY, -INFINITY};
  for (int k = 0; k < 36000; ++k) hs.push_back(k * 0.01f);
  int mismatches = 0;
  for (const float h : hs)
    for (const float s : {0.f, 0.3f, 1.f})
      for (const float v : {0.f, 0.7f, 1.f, 1.5f}) {
        const float4 a = imagecuda::detail::hsv_to_rgb(h, s, v), b = ref_rgb(h, s, v);
        mismatches += std::memcmp(&a, &b, sizeof a) != 0;
      }
  CHECK(mismatches == 0);
}

TEST_CASE("rgb_to_hsv and the hue wrap equal the reference's branches and fmodf bit for bit", "[adjust]") {
  // The reference's rgb_to_hsv as written (three branches, three divisions) and fmodf.
  const auto ref_hsv = [](float r, float g, float b) {
    const float cmax = std::fmax(r, std::fmax(g, b)), cmin = std::fmin(r, std::fmin(g, b));
    const float delta = cmax - cmin;
    imagecuda::detail::Hsv o;
    o.v = cmax;
    o.s = cmax > 0.00001f ? delta / cmax : 0.f;
    if (delta < 0.00001f) o.h = 0.f;
    else if (cmax == r) o.h = 60.f * ((g - b) / delta);
    else if (cmax == g) o.h = 60.f * ((b - r) / delta + 2.f);
    else o.h = 60.f * ((r - g) / delta + 4.f);
    if (o.h < 0.f) o.h += 360.f;
    return o;
  };
  std::vector<float4> px = test::random_f32(256, 64, 2024, -0.25f, 1.25f);
  // Ties between channels, greys, near-greys, zeros, signed zeros, out-of-range values.
  px.push_back(float4{0.5f, 0.5f, 0.2f, 1.f});
  px.push_back(float4{0.2f, 0.5f, 0.5f, 1.f});
  px.push_back(float4{0.5f, 0.2f, 0.5f, 1.f});
  px.push_back(float4{0.3f, 0.3f, 0.3f, 1.f});
  px.push_back(float4{0.3f, 0.300001f, 0.3f, 1.f});
  px.push_back(float4{0.f, 0.f, 0.f, 1.f});
  px.push_back(float4{-0.f, 0.f, -0.f, 1.f});
  px.push_back(float4{1.f, 0.f, 0.f, 1.f});
  px.push_back(float4{2.f, -1.f, 0.5f, 1.f});
  int mismatches = 0;
  for (const float4 p : px) {
    const auto a = imagecuda::detail::rgb_to_hsv(p.x, p.y, p.z);
    const auto b = ref_hsv(p.x, p.y, p.z);
    mismatches += std::memcmp(&a.h, &b.h, 4) != 0 || std::memcmp(&a.s, &b.s, 4) != 0 || std::memcmp(&a.v, &b.v, 4) != 0;
  }
  CHECK(mismatches == 0);
  // adjust::hue's wrap equals fmodf (+360 if negative) for hue + degrees anywhere.
  const float degrees[] = {0.f, -0.f, 30.f, -30.f, 359.9f, 360.f, -360.f, 719.f, 720.f, -719.5f, 1e4f, -1e6f};
  mismatches = 0;
  for (float d : degrees)
    for (const float4 p : px) {
      const float4 got = imagecuda::detail::AdjustHue{d}(p);
      const auto c = ref_hsv(p.x, p.y, p.z);
      float h = std::fmod(c.h + d, 360.f);
      if (h < 0.f) h += 360.f;
      const float4 o = imagecuda::detail::hsv_to_rgb(h, c.s, c.v);
      const float4 want{o.x, o.y, o.z, p.w};
      mismatches += std::memcmp(&got, &want, sizeof want) != 0;
    }
  CHECK(mismatches == 0);
}
