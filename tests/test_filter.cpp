// SPDX-License-Identifier: MIT
/// filter point ops (sepia, invert, threshold, solarize) on the CPU backend: hand-computed values
/// from the reference formulas, edge cases, errors, crop views.
#include "helpers.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

/// Applies `op` to an image holding `px` (w x h) on the CPU and returns the result.
std::vector<float4> apply(int w, int h, const std::vector<float4>& px, const std::function<void(ImageView<float4>)>& op) {
  ImageF32 img = test::make_f32(w, h, px, cpu);
  op(img);
  return io::download(img);
}
std::vector<float4> apply1(float4 p, const std::function<void(ImageView<float4>)>& op) { return apply(1, 1, {p}, op); }

float max_diff(float4 a, float4 b) {
  return std::fmax(std::fmax(std::fabs(a.x - b.x), std::fabs(a.y - b.y)),
                   std::fmax(std::fabs(a.z - b.z), std::fabs(a.w - b.w)));
}
#define CHECK_PX(p, q, tol)                                                                                 \
  do {                                                                                                      \
    const float4 p_ = (p), q_ = (q);                                                                        \
    INFO("got (" << p_.x << ", " << p_.y << ", " << p_.z << ", " << p_.w << ") expected (" << q_.x << ", " \
                 << q_.y << ", " << q_.z << ", " << q_.w << ")");                                          \
    CHECK(max_diff(p_, q_) <= (tol));                                                                       \
  } while (0)

float4 sepia_ref(float4 p, float i) {
  const double r = .393 * p.x + .769 * p.y + .189 * p.z;
  const double g = .349 * p.x + .686 * p.y + .168 * p.z;
  const double b = .272 * p.x + .534 * p.y + .131 * p.z;
  return rgba(float(p.x * (1 - i) + r * i), float(p.y * (1 - i) + g * i), float(p.z * (1 - i) + b * i), p.w);
}
}  // namespace

// -------------------------------------------------------------------------------------------------
// sepia
// -------------------------------------------------------------------------------------------------

TEST_CASE("filter::sepia: the classic matrix, blended by intensity, unclamped, alpha kept", "[filter]") {
  SECTION("white at full intensity becomes (1.351, 1.203, 0.937)") {
    CHECK_PX(apply1(rgba(1, 1, 1, 0.25f), [](auto v) { filter::sepia(v); })[0], rgba(1.351f, 1.203f, 0.937f, 0.25f), 2e-7f);
  }
  SECTION("pure channels pick a column of the matrix") {
    CHECK_PX(apply1(rgba(1, 0, 0, 1), [](auto v) { filter::sepia(v); })[0], rgba(0.393f, 0.349f, 0.272f, 1), 1e-7f);
    CHECK_PX(apply1(rgba(0, 1, 0, 1), [](auto v) { filter::sepia(v); })[0], rgba(0.769f, 0.686f, 0.534f, 1), 1e-7f);
    CHECK_PX(apply1(rgba(0, 0, 1, 1), [](auto v) { filter::sepia(v); })[0], rgba(0.189f, 0.168f, 0.131f, 1), 1e-7f);
  }
  SECTION("intensities 0.5, -1 and 2 extrapolate without clamping") {
    const float4 p = rgba(0.2f, 0.5f, 0.9f, 0.7f);
    for (float i : {0.5f, -1.f, 2.f, 1e-5f}) {
      INFO("intensity " << i);
      CHECK_PX(apply1(p, [&](auto v) { filter::sepia(v, {.intensity = i}); })[0], sepia_ref(p, i), 1e-6f);
    }
  }
  SECTION("|intensity| < 1e-6 returns early: even NaN pixels stay untouched") {
    const float4 p = rgba(nan_f, 2.f, -1.f, 0.5f);
    for (float i : {0.f, 9e-7f, -9e-7f}) {
      const float4 q = apply1(p, [&](auto v) { filter::sepia(v, {.intensity = i}); })[0];
      CHECK(std::isnan(q.x));
      CHECK(q.y == 2.f);
      CHECK(q.z == -1.f);
    }
  }
  SECTION("out-of-range input is kept out of range") {
    CHECK_PX(apply1(rgba(-1, 2, 0, 1), [](auto v) { filter::sepia(v); })[0], sepia_ref(rgba(-1, 2, 0, 1), 1.f), 1e-6f);
  }
}

TEST_CASE("filter::sepia: errors", "[filter][errors]") {
  ImageF32 img(3, 3, cpu);
  REQUIRE_IMAGECUDA_ERROR(filter::sepia(img, {.intensity = nan_f}), ErrorCode::invalid_argument,
                          "filter::sepia: intensity must be finite");
  REQUIRE_IMAGECUDA_ERROR(filter::sepia(img, {.intensity = inf_f}), ErrorCode::invalid_argument,
                          "filter::sepia: intensity must be finite");
}

// -------------------------------------------------------------------------------------------------
// invert
// -------------------------------------------------------------------------------------------------

TEST_CASE("filter::invert: rgb = 1 - rgb, alpha kept, values outside 0..1 too", "[filter]") {
  const auto px = apply(2, 1, {rgba(0.2f, 0.7f, 1.5f, 0.3f), rgba(0, 1, -0.25f, 0)}, [](auto v) { filter::invert(v); });
  CHECK_PX(px[0], rgba(0.8f, 0.3f, -0.5f, 0.3f), 1e-7f);
  CHECK_PX(px[1], rgba(1, 0, 1.25f, 0), 0.f);
  // twice is the identity for values that are exact in float
  const auto back = apply(1, 1, {rgba(0.25f, 0.5f, 0.75f, 1)}, [](auto v) {
    filter::invert(v);
    filter::invert(v);
  });
  CHECK_PX(back[0], rgba(0.25f, 0.5f, 0.75f, 1), 0.f);
}

// -------------------------------------------------------------------------------------------------
// threshold
// -------------------------------------------------------------------------------------------------

TEST_CASE("filter::threshold: luma >= value gives white, else black; alpha kept", "[filter]") {
  SECTION("default 0.5 on a few pixels") {
    const std::vector<float4> in = {rgba(1, 0, 0, 0.5f),      // luma .299 -> 0
                                    rgba(0, 1, 0, 0.25f),     // .587 -> 1
                                    rgba(0.6f, 0.6f, 0.6f, 1),  // .6 -> 1
                                    rgba(0, 0, 1, 0)};        // .114 -> 0
    const auto px = apply(4, 1, in, [](auto v) { filter::threshold(v); });
    CHECK_PX(px[0], rgba(0, 0, 0, 0.5f), 0.f);
    CHECK_PX(px[1], rgba(1, 1, 1, 0.25f), 0.f);
    CHECK_PX(px[2], rgba(1, 1, 1, 1), 0.f);
    CHECK_PX(px[3], rgba(0, 0, 0, 0), 0.f);
  }
  SECTION(">= : a luma equal to the value is white") {
    CHECK_PX(apply1(rgba(0, 0, 0, 1), [](auto v) { filter::threshold(v, {.value = 0.f}); })[0], rgba(1, 1, 1, 1), 0.f);
    CHECK_PX(apply1(rgba(0, 0, 0, 1), [](auto v) { filter::threshold(v, {.value = 1e-30f}); })[0], rgba(0, 0, 0, 1), 0.f);
    // luma(1, 0, 0) is exactly .299f
    CHECK_PX(apply1(rgba(1, 0, 0, 1), [](auto v) { filter::threshold(v, {.value = 0.299f}); })[0], rgba(1, 1, 1, 1), 0.f);
    CHECK_PX(apply1(rgba(1, 0, 0, 1), [](auto v) { filter::threshold(v, {.value = std::nextafter(0.299f, 1.f)}); })[0],
             rgba(0, 0, 0, 1), 0.f);
  }
  SECTION("values outside 0..1 are allowed") {
    CHECK_PX(apply1(rgba(-1, -1, -1, 1), [](auto v) { filter::threshold(v, {.value = -2.f}); })[0], rgba(1, 1, 1, 1), 0.f);
    CHECK_PX(apply1(rgba(1, 1, 1, 1), [](auto v) { filter::threshold(v, {.value = 1.5f}); })[0], rgba(0, 0, 0, 1), 0.f);
  }
}

TEST_CASE("filter::threshold: errors", "[filter][errors]") {
  ImageF32 img(3, 3, cpu);
  REQUIRE_IMAGECUDA_ERROR(filter::threshold(img, {.value = nan_f}), ErrorCode::invalid_argument,
                          "filter::threshold: value must be finite");
  REQUIRE_IMAGECUDA_ERROR(filter::threshold(img, {.value = -inf_f}), ErrorCode::invalid_argument,
                          "filter::threshold: value must be finite");
}

// -------------------------------------------------------------------------------------------------
// solarize
// -------------------------------------------------------------------------------------------------

TEST_CASE("filter::solarize: per channel c > threshold -> 1 - c (not by luma); alpha kept", "[filter]") {
  const auto px = apply(3, 1, {rgba(0.2f, 0.6f, 0.5f, 0.9f), rgba(1, 0.75f, 0.51f, 0), rgba(-1, 2, 0.5f, 1)},
                        [](auto v) { filter::solarize(v); });
  CHECK_PX(px[0], rgba(0.2f, 0.4f, 0.5f, 0.9f), 1e-7f);  // 0.5 is not > 0.5
  CHECK_PX(px[1], rgba(0, 0.25f, 0.49f, 0), 1e-7f);
  CHECK_PX(px[2], rgba(-1, -1, 0.5f, 1), 0.f);
  const auto t = apply1(rgba(0.2f, 0.6f, 0.05f, 1), [](auto v) { filter::solarize(v, {.threshold = 0.1f}); });
  CHECK_PX(t[0], rgba(0.8f, 0.4f, 0.05f, 1), 1e-7f);
  const auto none = apply1(rgba(0.2f, 0.6f, 0.05f, 1), [](auto v) { filter::solarize(v, {.threshold = 1.f}); });
  CHECK_PX(none[0], rgba(0.2f, 0.6f, 0.05f, 1), 0.f);
}

TEST_CASE("filter::solarize: errors", "[filter][errors]") {
  ImageF32 img(3, 3, cpu);
  REQUIRE_IMAGECUDA_ERROR(filter::solarize(img, {.threshold = nan_f}), ErrorCode::invalid_argument,
                          "filter::solarize: threshold must be finite");
  REQUIRE_IMAGECUDA_ERROR(filter::solarize(img, {.threshold = inf_f}), ErrorCode::invalid_argument,
                          "filter::solarize: threshold must be finite");
}

// -------------------------------------------------------------------------------------------------
// every point filter: crop views, 1xN, empty and freed images
// -------------------------------------------------------------------------------------------------

namespace {
struct NamedOp {
  const char* name;
  std::function<void(ImageView<float4>)> op;
  std::function<float4(float4)> ref;
};
std::vector<NamedOp> point_ops() {
  return {
      {"filter::sepia", [](ImageView<float4> v) { filter::sepia(v, {.intensity = 0.8f}); },
       [](float4 p) { return sepia_ref(p, 0.8f); }},
      {"filter::invert", [](ImageView<float4> v) { filter::invert(v); },
       [](float4 p) { return rgba(1 - p.x, 1 - p.y, 1 - p.z, p.w); }},
      {"filter::threshold", [](ImageView<float4> v) { filter::threshold(v, {.value = 0.45f}); },
       [](float4 p) {
         const float l = 0.299f * p.x + 0.587f * p.y + 0.114f * p.z;
         const float v = l >= 0.45f ? 1.f : 0.f;
         return rgba(v, v, v, p.w);
       }},
      {"filter::solarize", [](ImageView<float4> v) { filter::solarize(v, {.threshold = 0.3f}); },
       [](float4 p) {
         auto s = [](float c) { return c > 0.3f ? 1 - c : c; };
         return rgba(s(p.x), s(p.y), s(p.z), p.w);
       }},
  };
}
}  // namespace

TEST_CASE("filter point ops: in place on a crop_view, only the view changes", "[filter]") {
  const int W = 17, H = 12, cx = 4, cy = 3, cw = 9, ch = 5;
  const auto in = test::random_f32(W, H, 42, -0.25f, 1.25f);
  for (const auto& f : point_ops()) {
    INFO(f.name);
    ImageF32 img = test::make_f32(W, H, in, cpu);
    f.op(img.crop_view(cx, cy, cw, ch));
    const auto out = io::download(img);
    int outside_changed = 0;
    float inside = 0.f;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const std::size_t i = std::size_t(y) * W + x;
        if (x >= cx && x < cx + cw && y >= cy && y < cy + ch) {
          const float4 r = f.ref(in[i]);
          // the threshold may flip only where the luma is within rounding of the value
          const bool tie = std::string(f.name) == "filter::threshold" &&
                           std::fabs(0.299f * in[i].x + 0.587f * in[i].y + 0.114f * in[i].z - 0.45f) < 1e-6f;
          if (!tie) inside = std::fmax(inside, max_diff(out[i], r));
        } else if (max_diff(out[i], in[i]) != 0.f) {
          ++outside_changed;
        }
      }
    CHECK(outside_changed == 0);
    CHECK(inside <= 1e-6f);
  }
}

TEST_CASE("filter point ops: 1x1 and 1xN images", "[filter]") {
  const auto in = test::random_f32(1, 7, 3);
  for (const auto& f : point_ops()) {
    INFO(f.name);
    const auto out = apply(1, 7, in, f.op);
    for (int y = 0; y < 7; ++y) CHECK(max_diff(out[y], f.ref(in[y])) <= 1e-6f);
    const auto row = apply(7, 1, in, f.op);
    CHECK(test::max_abs_diff(row, out) == 0.f);
  }
}

TEST_CASE("filter point ops: empty views and freed images", "[filter][errors]") {
  for (const auto& f : point_ops()) {
    INFO(f.name);
    REQUIRE_IMAGECUDA_ERROR(f.op(ImageView<float4>{}), ErrorCode::invalid_argument, std::string(f.name) + ": img is empty");
    ImageF32 img(2, 2, cpu);
    img.free();
    REQUIRE_IMAGECUDA_ERROR(f.op(img), ErrorCode::freed, "image was freed");
  }
}

TEST_CASE("filter: the documentation's example", "[filter][docs]") {
  ImageF32 img = test::make_f32(64, 32, test::random_f32(64, 32, 9), cpu);
  const auto before = io::download(img);
  // example-begin filter-point
  using namespace imagecuda;
  filter::sepia(img, {.intensity = 0.6f});               // in place
  filter::invert(img.crop_view(0, 0, 32, 32));           // only the left half
  filter::threshold(img.crop_view(32, 0, 32, 16), {.value = 0.4f});
  filter::solarize(img, {.threshold = 0.7f});
  // example-end
  const auto after = io::download(img);
  const float4 p = before[0];
  const float r = 1.f - (p.x * 0.4f + (0.393f * p.x + 0.769f * p.y + 0.189f * p.z) * 0.6f);
  CHECK(after[0].x == Approx(r > 0.7f ? 1.f - r : r).margin(1e-5));
  CHECK(after[0].w == p.w);
}
