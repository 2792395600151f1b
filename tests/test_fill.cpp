// SPDX-License-Identifier: MIT
/// fill: every function on the CPU backend against values worked out by hand (or by an
/// independent port of the reference formula written here), edge cases, errors, crop views.
#include "helpers.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();
const float4 sentinel = rgba(-7.f, -7.f, -7.f, -7.f);
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

/// Runs `op` on a w x h CPU image pre-filled with a sentinel and returns its pixels.
std::vector<float4> run(int w, int h, const std::function<void(ImageView<float4>)>& op) {
  ImageF32 img(w, h, cpu);
  fill::color(img, sentinel);
  op(img);
  return io::download(img);
}

float max_diff(float4 a, float4 b) {
  return std::fmax(std::fmax(std::fabs(a.x - b.x), std::fabs(a.y - b.y)),
                   std::fmax(std::fabs(a.z - b.z), std::fabs(a.w - b.w)));
}

/// CHECK that pixel p equals q within tol, naming the pixel on failure.
#define CHECK_PX(P_, Q_, TOL_, X_, Y_)                                                                  \
  do {                                                                                                   \
    const float4 p_ = (P_), q_ = (Q_);                                                                   \
    INFO("pixel (" << (X_) << ", " << (Y_) << "): got (" << p_.x << ", " << p_.y << ", " << p_.z << ", " \
                   << p_.w << ") expected (" << q_.x << ", " << q_.y << ", " << q_.z << ", " << q_.w << ")"); \
    CHECK(max_diff(p_, q_) <= (TOL_));                                                                   \
  } while (0)

float4 grey(float v, float a = 1.f) { return rgba(v, v, v, a); }
float4 lerp_ref(float4 a, float4 b, float t) {
  return rgba(a.x * (1 - t) + b.x * t, a.y * (1 - t) + b.y * t, a.z * (1 - t) + b.z * t, a.w * (1 - t) + b.w * t);
}
double smoothstep_ref(double e0, double e1, double x) {
  double t = (x - e0) / (e1 - e0);
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  return t * t * (3 - 2 * t);
}
}  // namespace

// -------------------------------------------------------------------------------------------------
// gradient
// -------------------------------------------------------------------------------------------------

TEST_CASE("fill::gradient: the four directions on small images", "[fill]") {
  const float4 black = rgba(0, 0, 0, 0), white = rgba(1, 1, 1, 1);
  SECTION("horizontal: t = x/(w-1)") {
    const auto px = run(5, 2, [&](auto v) { fill::gradient(v, black, white); });
    const float t[5] = {0.f, 0.25f, 0.5f, 0.75f, 1.f};
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 5; ++x) CHECK_PX(px[y * 5 + x], grey(t[x], t[x]), 0.f, x, y);
  }
  SECTION("vertical: t = y/(h-1)") {
    const auto px = run(2, 3, [&](auto v) { fill::gradient(v, black, white, {.direction = fill::GradientDirection::vertical}); });
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 2; ++x) CHECK_PX(px[y * 2 + x], grey(y / 2.f, y / 2.f), 0.f, x, y);
  }
  SECTION("diagonal: t = (x/(w-1) + y/(h-1))/2") {
    const auto px = run(3, 5, [&](auto v) { fill::gradient(v, black, white, {.direction = fill::GradientDirection::diagonal}); });
    for (int y = 0; y < 5; ++y)
      for (int x = 0; x < 3; ++x) {
        const float t = (x / 2.f + y / 4.f) * 0.5f;
        CHECK_PX(px[y * 3 + x], grey(t, t), 0.f, x, y);
      }
  }
  SECTION("radial: 0 at the centre, 1 at the corners, elliptical") {
    const auto px = run(5, 5, [&](auto v) { fill::gradient(v, black, white, {.direction = fill::GradientDirection::radial}); });
    CHECK_PX(px[2 * 5 + 2], grey(0.f, 0.f), 0.f, 2, 2);
    CHECK_PX(px[0], grey(1.f, 1.f), 1e-6f, 0, 0);  // sqrt(0.5)*1.414213562 = 0.99999999 -> min(1, .)
    CHECK_PX(px[2 * 5 + 0], grey(0.70710678f, 0.70710678f), 1e-6f, 0, 2);
    CHECK_PX(px[1 * 5 + 3], grey(0.5f, 0.5f), 1e-6f, 3, 1);  // nx = ny = 0.25
    // 9x3: nx and ny are normalised per axis (elliptical): (8, 1) and (4, 0) are both at 0.5*sqrt(2)
    const auto e = run(9, 3, [&](auto v) { fill::gradient(v, black, white, {.direction = fill::GradientDirection::radial}); });
    CHECK_PX(e[1 * 9 + 8], grey(0.70710678f, 0.70710678f), 1e-6f, 8, 1);
    CHECK_PX(e[0 * 9 + 4], grey(0.70710678f, 0.70710678f), 1e-6f, 4, 0);
  }
  SECTION("colours: px = rgba1 + (rgba2 - rgba1) * t on all four channels, unclamped colours kept") {
    const float4 a = rgba(0.2f, 0.4f, 0.6f, 1.f), b = rgba(1.f, 0.f, 1.5f, 0.f);
    const auto px = run(3, 1, [&](auto v) { fill::gradient(v, a, b); });
    CHECK_PX(px[0], a, 0.f, 0, 0);
    CHECK_PX(px[1], rgba(0.6f, 0.2f, 1.05f, 0.5f), 1e-6f, 1, 0);
    CHECK_PX(px[2], b, 1e-7f, 2, 0);
  }
}

TEST_CASE("fill::gradient: seamless mirrors the ramp", "[fill]") {
  const auto px = run(5, 1, [&](auto v) { fill::gradient(v, rgba(0, 0, 0, 0), rgba(1, 1, 1, 1), {.seamless = true}); });
  const float t[5] = {0.f, 0.5f, 1.f, 0.5f, 0.f};
  for (int x = 0; x < 5; ++x) CHECK_PX(px[x], grey(t[x], t[x]), 0.f, x, 0);
  // radial + seamless: centre 0, half-way 1, corners back to ~0
  const auto r = run(5, 5, [&](auto v) {
    fill::gradient(v, rgba(0, 0, 0, 0), rgba(1, 1, 1, 1), {.direction = fill::GradientDirection::radial, .seamless = true});
  });
  CHECK_PX(r[12], grey(0.f, 0.f), 0.f, 2, 2);
  CHECK_PX(r[13 - 5], grey(1.f, 1.f), 1e-6f, 3, 1);  // t = 0.5 -> 1
  CHECK(r[0].x == Approx(0.f).margin(1e-6));
}

TEST_CASE("fill::gradient: one-pixel sides take the 0.5 / 0 branches", "[fill]") {
  using D = fill::GradientDirection;
  const float4 k = rgba(0, 0, 0, 0), w = rgba(1, 1, 1, 1);
  auto g = [&](int ww, int hh, D d) { return run(ww, hh, [&](auto v) { fill::gradient(v, k, w, {.direction = d}); }); };
  for (const auto& p : g(1, 4, D::horizontal)) CHECK_PX(p, grey(0.5f, 0.5f), 0.f, 0, -1);
  for (const auto& p : g(4, 1, D::vertical)) CHECK_PX(p, grey(0.5f, 0.5f), 0.f, -1, 0);
  for (const auto& p : g(1, 4, D::diagonal)) CHECK_PX(p, grey(0.5f, 0.5f), 0.f, 0, -1);
  for (const auto& p : g(4, 1, D::diagonal)) CHECK_PX(p, grey(0.5f, 0.5f), 0.f, -1, 0);
  for (const auto& p : g(1, 1, D::horizontal)) CHECK_PX(p, grey(0.5f, 0.5f), 0.f, 0, 0);
  for (const auto& p : g(1, 1, D::radial)) CHECK_PX(p, grey(0.f, 0.f), 0.f, 0, 0);
  // 4x1 horizontal is the normal ramp; 1x5 radial has nx = 0, ny = y/4 - 0.5
  const auto h = g(4, 1, D::horizontal);
  CHECK_PX(h[3], grey(1.f, 1.f), 0.f, 3, 0);
  const auto r = g(1, 5, D::radial);
  const float ex[5] = {0.70710678f, 0.35355339f, 0.f, 0.35355339f, 0.70710678f};
  for (int y = 0; y < 5; ++y) CHECK_PX(r[y], grey(ex[y], ex[y]), 1e-6f, 0, y);
}

TEST_CASE("fill::gradient: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  const float4 c = rgba(1, 0, 0, 1);
  REQUIRE_IMAGECUDA_ERROR(fill::gradient(img, c, c, {.direction = static_cast<fill::GradientDirection>(7)}),
                          ErrorCode::invalid_argument,
                          "fill::gradient: direction must be horizontal, vertical, diagonal or radial, got 7");
  REQUIRE_IMAGECUDA_ERROR(fill::gradient(img, c, c, {.direction = static_cast<fill::GradientDirection>(-1)}),
                          ErrorCode::invalid_argument, "got -1");
  REQUIRE_IMAGECUDA_ERROR(fill::gradient(img, rgba(nan_f, 0, 0), c), ErrorCode::invalid_argument,
                          "fill::gradient: rgba1 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::gradient(img, c, rgba(0, 0, 0, inf_f)), ErrorCode::invalid_argument,
                          "fill::gradient: rgba2 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::gradient(ImageView<float4>{}, c, c), ErrorCode::invalid_argument,
                          "fill::gradient: dst is empty");
}

// -------------------------------------------------------------------------------------------------
// checkerboard
// -------------------------------------------------------------------------------------------------

TEST_CASE("fill::checkerboard: squares and the reference's negative-side quirk", "[fill]") {
  const float4 c1 = rgba(1, 0, 0, 1), c2 = rgba(0, 0, 1, 0.5f);
  SECTION("size 2, no offset") {
    const auto px = run(6, 4, [&](auto v) { fill::checkerboard(v, {.size = 2, .color1 = c1, .color2 = c2}); });
    const char* rows[4] = {"112211", "112211", "221122", "221122"};
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 6; ++x) CHECK_PX(px[y * 6 + x], rows[y][x] == '1' ? c1 : c2, 0.f, x, y);
  }
  SECTION("defaults: size 20, light and dark grey") {
    const auto px = run(41, 1, [&](auto v) { fill::checkerboard(v); });
    CHECK_PX(px[0], rgba(0.8f, 0.8f, 0.8f, 1.f), 0.f, 0, 0);
    CHECK_PX(px[19], rgba(0.8f, 0.8f, 0.8f, 1.f), 0.f, 19, 0);
    CHECK_PX(px[20], rgba(0.5f, 0.5f, 0.5f, 1.f), 0.f, 20, 0);
    CHECK_PX(px[40], rgba(0.8f, 0.8f, 0.8f, 1.f), 0.f, 40, 0);
  }
  SECTION("negative offset: sx = x - 3; gx = sx/2 (toward 0) - 1 when sx < 0") {
    // x:   0   1   2   3   4   5   6
    // sx: -3  -2  -1   0   1   2   3
    // gx: -2  -2  -1   0   0   1   1     (sx = -2 gives -2, not floor(-1) = -1: the quirk)
    // (gx + 0) % 2: 0 0 -1 0 0 1 1  -> -1 and 1 are both != 0 -> color2
    const auto px = run(7, 1, [&](auto v) { fill::checkerboard(v, {.size = 2, .color1 = c1, .color2 = c2, .offset_x = -3}); });
    const char* row = "1121122";
    for (int x = 0; x < 7; ++x) CHECK_PX(px[x], row[x] == '1' ? c1 : c2, 0.f, x, 0);
  }
  SECTION("negative offsets on both axes") {
    // sy = y - 1: y=0 -> sy=-1 -> gy = 0-1 = -1; y=1 -> 0; y=2 -> 0; y=3 -> sy=2 -> 1
    // sx = x - 2: x=0 -> -2 -> gx = -1-1 = -2; x=1 -> -1 -> -1; x=2,3 -> 0; x=4 -> 1
    const auto px = run(5, 4, [&](auto v) {
      fill::checkerboard(v, {.size = 2, .color1 = c1, .color2 = c2, .offset_x = -2, .offset_y = -1});
    });
    const int gx[5] = {-2, -1, 0, 0, 1}, gy[4] = {-1, 0, 0, 1};
    for (int y = 0; y < 4; ++y)
      for (int x = 0; x < 5; ++x) CHECK_PX(px[y * 5 + x], (gx[x] + gy[y]) % 2 == 0 ? c1 : c2, 0.f, x, y);
  }
  SECTION("positive offsets shift the pattern left/up") {
    const auto a = run(8, 8, [&](auto v) { fill::checkerboard(v, {.size = 3, .offset_x = 2, .offset_y = 1}); });
    const auto b = run(10, 9, [&](auto v) { fill::checkerboard(v, {.size = 3}); });
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) CHECK_PX(a[y * 8 + x], b[(y + 1) * 10 + x + 2], 0.f, x, y);
  }
  SECTION("1x1 and 1xN") {
    CHECK_PX(run(1, 1, [&](auto v) { fill::checkerboard(v, {.color1 = c1}); })[0], c1, 0.f, 0, 0);
    const auto col = run(1, 5, [&](auto v) { fill::checkerboard(v, {.size = 1, .color1 = c1, .color2 = c2}); });
    for (int y = 0; y < 5; ++y) CHECK_PX(col[y], y % 2 == 0 ? c1 : c2, 0.f, 0, y);
  }
}

TEST_CASE("fill::checkerboard: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.size = 0}), ErrorCode::invalid_argument,
                          "fill::checkerboard: size must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.size = -3}), ErrorCode::invalid_argument,
                          "fill::checkerboard: size must be > 0, got -3");
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.color1 = rgba(nan_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::checkerboard: color1 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.color2 = rgba(0, inf_f, 0)}), ErrorCode::invalid_argument,
                          "fill::checkerboard: color2 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.offset_x = (1 << 30) + 1}), ErrorCode::invalid_argument,
                          "fill::checkerboard: offset_x must be in [-1073741824, 1073741824], got 1073741825");
  REQUIRE_IMAGECUDA_ERROR(fill::checkerboard(img, {.offset_y = std::numeric_limits<int>::min()}),
                          ErrorCode::invalid_argument, "fill::checkerboard: offset_y must be in");
  // The limits themselves are fine.
  fill::checkerboard(img, {.offset_x = 1 << 30, .offset_y = -(1 << 30)});
}

// -------------------------------------------------------------------------------------------------
// grid
// -------------------------------------------------------------------------------------------------

TEST_CASE("fill::grid: lines every `spacing` pixels", "[fill]") {
  const float4 line = rgba(1, 1, 0, 1), bg = rgba(0, 0, 0, 0);
  SECTION("spacing 4, width 1") {
    const auto px = run(9, 6, [&](auto v) { fill::grid(v, {.spacing = 4, .color = line, .bg_color = bg}); });
    for (int y = 0; y < 6; ++y)
      for (int x = 0; x < 9; ++x) CHECK_PX(px[y * 9 + x], (x % 4 == 0 || y % 4 == 0) ? line : bg, 0.f, x, y);
  }
  SECTION("spacing 5, width 2, negative offset (mod made positive)") {
    // mx = (x - 1) mod 5 in [0, 5): x=0 -> 4, x=1 -> 0, x=2 -> 1, x=3 -> 2 ...
    const auto px = run(7, 1, [&](auto v) {
      fill::grid(v, {.spacing = 5, .line_width = 2, .color = line, .bg_color = bg, .offset_x = -1, .offset_y = 2});
    });
    // my = 2 for the only row: not a line; lines where mx < 2: x = 1, 2, 6
    const char* row = "0110001";
    for (int x = 0; x < 7; ++x) CHECK_PX(px[x], row[x] == '1' ? line : bg, 0.f, x, 0);
  }
  SECTION("defaults: spacing 50, 1-pixel grey lines on transparent") {
    const auto px = run(51, 2, [&](auto v) { fill::grid(v); });
    CHECK_PX(px[0], rgba(0.5f, 0.5f, 0.5f, 1.f), 0.f, 0, 0);
    CHECK_PX(px[51 + 1], rgba(0, 0, 0, 0), 0.f, 1, 1);
    CHECK_PX(px[51 + 50], rgba(0.5f, 0.5f, 0.5f, 1.f), 0.f, 50, 1);
  }
  SECTION("line_width >= spacing covers everything; 1x1") {
    for (const auto& p : run(6, 3, [&](auto v) { fill::grid(v, {.spacing = 2, .line_width = 2, .color = line}); }))
      CHECK_PX(p, line, 0.f, -1, -1);
    CHECK_PX(run(1, 1, [&](auto v) { fill::grid(v, {.color = line}); })[0], line, 0.f, 0, 0);
  }
}

TEST_CASE("fill::grid: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.spacing = 0}), ErrorCode::invalid_argument,
                          "fill::grid: spacing must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.spacing = -2}), ErrorCode::invalid_argument, "got -2");
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.line_width = 0}), ErrorCode::invalid_argument,
                          "fill::grid: line_width must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.color = rgba(0, 0, 0, nan_f)}), ErrorCode::invalid_argument,
                          "fill::grid: color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.bg_color = rgba(-inf_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::grid: bg_color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::grid(img, {.offset_x = -(1 << 30) - 1}), ErrorCode::invalid_argument,
                          "fill::grid: offset_x must be in");
}

// -------------------------------------------------------------------------------------------------
// stripes
// -------------------------------------------------------------------------------------------------

namespace {
/// The reference kernel, ported literally (float, cosf/sinf of float radians).
float4 stripes_ref(int x, int y, const fill::StripesParams& p) {
  const float r = p.angle * (3.14159265358979323846f / 180.0f);
  const float pos = float(x) * std::cos(r) + float(y) * std::sin(r) + float(p.offset);
  const float sp = float(p.spacing);
  float t = std::fmod(pos, sp);
  if (t < 0.f) t += sp;
  double up = smoothstep_ref(0, 1, t);
  if (t > sp - 1) up = smoothstep_ref(sp, sp + 1, t + 1.0);
  const double down = 1 - smoothstep_ref(p.width - 1.0, p.width + 1.0, t);
  return lerp_ref(p.color2, p.color1, float(std::fmin(up, down)));
}
}  // namespace

TEST_CASE("fill::stripes: hand-computed rows", "[fill]") {
  const float4 on = rgba(1, 1, 1, 1), off = rgba(0, 0, 0, 0);
  // angle 0: pos = x, t = x mod 10; up = 0 at t = 0, else 1; down = 1 - smoothstep(4, 6, t)
  // -> m = 0, 1, 1, 1, 1, 0.5, 0, 0, 0, 0 (repeating)
  const float m[10] = {0, 1, 1, 1, 1, 0.5f, 0, 0, 0, 0};
  SECTION("angle 0: vertical stripes") {
    const auto px = run(20, 2, [&](auto v) { fill::stripes(v, {.angle = 0, .spacing = 10, .width = 5}); });
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 20; ++x) CHECK_PX(px[y * 20 + x], grey(m[x % 10], m[x % 10]), 0.f, x, y);
  }
  SECTION("angle 90: horizontal stripes, pos = y") {
    const auto px = run(2, 20, [&](auto v) { fill::stripes(v, {.angle = 90, .spacing = 10, .width = 5}); });
    for (int y = 0; y < 20; ++y) CHECK_PX(px[y * 2 + 1], grey(m[y % 10], m[y % 10]), 0.f, 1, y);
  }
  SECTION("offset 3: pos = x + 3") {
    const auto px = run(10, 1, [&](auto v) { fill::stripes(v, {.angle = 0, .spacing = 10, .width = 5, .offset = 3}); });
    for (int x = 0; x < 10; ++x) CHECK_PX(px[x], grey(m[(x + 3) % 10], m[(x + 3) % 10]), 0.f, x, 0);
  }
  SECTION("angle 180: pos = -x, t = fmod(-x, 10) + 10 for x > 0, t = -0 at x = 0") {
    const auto px = run(10, 1, [&](auto v) { fill::stripes(v, {.angle = 180, .spacing = 10, .width = 5}); });
    for (int x = 0; x < 10; ++x) {
      const int t = (10 - x) % 10;
      CHECK_PX(px[x], grey(m[t], m[t]), 0.f, x, 0);
    }
  }
  SECTION("width 9: the falling edge is half-way at t = 9") {
    // t = 9 > spacing-1 is false (9 > 9), so up = 1; down = 1 - smoothstep(8, 10, 9) = 0.5
    const auto px = run(10, 1, [&](auto v) { fill::stripes(v, {.angle = 0, .spacing = 10, .width = 9, .color1 = on, .color2 = off}); });
    CHECK_PX(px[9], grey(0.5f, 0.5f), 0.f, 9, 0);
    CHECK_PX(px[8], grey(1.f, 1.f), 0.f, 8, 0);
  }
  SECTION("width 0 leaves a faint half-covered line; colours are color2*(1-m) + color1*m") {
    const float4 c1 = rgba(1, 0, 0, 1), c2 = rgba(0, 0, 1, 0.5f);
    const auto px = run(4, 1, [&](auto v) { fill::stripes(v, {.angle = 0, .spacing = 4, .width = 0, .color1 = c1, .color2 = c2}); });
    // t = 0: up = 0 -> m = 0; t = 1: up = 1, down = 1 - smoothstep(-1, 1, 1) = 0 -> 0
    CHECK_PX(px[0], c2, 0.f, 0, 0);
    CHECK_PX(px[1], c2, 0.f, 1, 0);
  }
}

TEST_CASE("fill::stripes: matches a literal port of the reference at any angle", "[fill]") {
  const fill::StripesParams cases[] = {
      {},  // defaults: 45 degrees, spacing 40, width 20
      {.angle = 30.f, .spacing = 17, .width = 5, .color1 = rgba(1, 0.5f, 0, 1), .color2 = rgba(0, 0, 0.2f, 0.3f), .offset = -11},
      {.angle = -123.5f, .spacing = 7, .width = 3, .offset = 1000},
      {.angle = 400.f, .spacing = 3, .width = 1},
  };
  for (const auto& p : cases) {
    const int w = 97, h = 61;
    const auto px = run(w, h, [&](auto v) { fill::stripes(v, p); });
    float worst = 0.f;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) worst = std::fmax(worst, max_diff(px[y * w + x], stripes_ref(x, y, p)));
    INFO("angle " << p.angle);
    // The only difference is cos/sin of the angle (double on the host vs cosf of float radians):
    // pos differs by a couple of ulps at most here (6e-5 each at pos ~ 1000), times the ramp's slope 1.5.
    CHECK(worst <= 3e-4f);
  }
}

TEST_CASE("fill::stripes: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.spacing = 0}), ErrorCode::invalid_argument,
                          "fill::stripes: spacing must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.spacing = -40}), ErrorCode::invalid_argument, "got -40");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.width = -1}), ErrorCode::invalid_argument,
                          "fill::stripes: width must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.angle = nan_f}), ErrorCode::invalid_argument,
                          "fill::stripes: angle must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.color1 = rgba(inf_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::stripes: color1 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.color2 = rgba(0, 0, nan_f)}), ErrorCode::invalid_argument,
                          "fill::stripes: color2 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::stripes(img, {.offset = std::numeric_limits<int>::max()}),
                          ErrorCode::invalid_argument, "fill::stripes: offset must be in");
}

// -------------------------------------------------------------------------------------------------
// dots
// -------------------------------------------------------------------------------------------------

TEST_CASE("fill::dots: centred dots, subtracted offsets, softness", "[fill]") {
  const float4 dot = rgba(1, 0, 0, 1), bg = rgba(0, 0, 1, 0);
  SECTION("spacing 10, radius 3: t = 1 - smoothstep(2.5, 3.5, d), d from (5, 5) in each cell") {
    const auto px = run(20, 20, [&](auto v) { fill::dots(v, {.spacing = 10, .radius = 3, .color = dot, .bg_color = bg}); });
    CHECK_PX(px[5 * 20 + 5], dot, 0.f, 5, 5);
    CHECK_PX(px[15 * 20 + 15], dot, 0.f, 15, 15);
    CHECK_PX(px[0], bg, 0.f, 0, 0);
    CHECK_PX(px[5 * 20 + 8], lerp_ref(bg, dot, 0.5f), 1e-6f, 8, 5);  // d = 3 -> 0.5
    CHECK_PX(px[5 * 20 + 7], dot, 0.f, 7, 5);                        // d = 2
    CHECK_PX(px[5 * 20 + 9], bg, 0.f, 9, 5);                         // d = 4
    // d = sqrt(2^2 + 2^2) = 2.828 -> t = 1 - smoothstep(0.328)
    const double s = smoothstep_ref(2.5, 3.5, std::sqrt(8.0));
    CHECK_PX(px[7 * 20 + 7], lerp_ref(bg, dot, float(1 - s)), 1e-6f, 7, 7);
  }
  SECTION("the offset is subtracted: offset_x = 2 moves the dots right") {
    const auto px = run(20, 10, [&](auto v) {
      fill::dots(v, {.spacing = 10, .radius = 1, .color = dot, .bg_color = bg, .offset_x = 2, .offset_y = -3});
    });
    // centre where (x - 2) mod 10 == 5 and (y + 3) mod 10 == 5: x = 7, 17; y = 2
    CHECK_PX(px[2 * 20 + 7], dot, 0.f, 7, 2);
    CHECK_PX(px[2 * 20 + 17], dot, 0.f, 17, 2);
    CHECK_PX(px[5 * 20 + 5], bg, 0.f, 5, 5);
  }
  SECTION("negative coordinates wrap into [0, spacing)") {
    const auto px = run(10, 10, [&](auto v) {
      fill::dots(v, {.spacing = 4, .radius = 0.5f, .color = dot, .bg_color = bg, .offset_x = 9, .offset_y = 9});
    });
    // mx = fmod(x - 9, 4) + 4 if < 0: x = 3 -> -6 -> -2 -> 2 == spacing/2: centre; likewise y = 3, x = 7 -> -2 -> 2
    CHECK_PX(px[3 * 10 + 3], dot, 0.f, 3, 3);
    CHECK_PX(px[7 * 10 + 7], dot, 0.f, 7, 7);
    CHECK_PX(px[3 * 10 + 7], dot, 0.f, 7, 3);
    CHECK_PX(px[0], bg, 0.f, 0, 0);
  }
  SECTION("softness: e = softness * radius") {
    const auto px = run(10, 10, [&](auto v) {
      fill::dots(v, {.spacing = 10, .radius = 3, .color = dot, .bg_color = bg, .softness = 0.5f});
    });
    // e = 1.5: t = 1 - smoothstep(1.5, 4.5, d); d = 3 -> 0.5; d = 1 -> 1; d = 4 -> 1 - smoothstep(5/6)
    CHECK_PX(px[5 * 10 + 8], lerp_ref(bg, dot, 0.5f), 1e-6f, 8, 5);
    CHECK_PX(px[5 * 10 + 6], dot, 0.f, 6, 5);
    CHECK_PX(px[5 * 10 + 9], lerp_ref(bg, dot, float(1 - smoothstep_ref(1.5, 4.5, 4.0))), 1e-6f, 9, 5);
  }
  SECTION("radius 0 leaves only half-covered centres; 1x1 image") {
    const auto px = run(10, 10, [&](auto v) { fill::dots(v, {.spacing = 10, .radius = 0, .color = dot, .bg_color = bg}); });
    CHECK_PX(px[5 * 10 + 5], lerp_ref(bg, dot, 0.5f), 1e-6f, 5, 5);  // smoothstep(-0.5, 0.5, 0) = 0.5
    // 1x1: the only pixel is at d = spacing/2*sqrt(2) from the cell centre: 28.28 for the defaults
    CHECK_PX(run(1, 1, [&](auto v) { fill::dots(v); })[0], rgba(0, 0, 0, 0), 0.f, 0, 0);
  }
}

TEST_CASE("fill::dots: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.spacing = 0}), ErrorCode::invalid_argument,
                          "fill::dots: spacing must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.radius = -1.f}), ErrorCode::invalid_argument,
                          "fill::dots: radius must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.radius = nan_f}), ErrorCode::invalid_argument,
                          "fill::dots: radius must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.softness = -0.5f}), ErrorCode::invalid_argument,
                          "fill::dots: softness must be >= 0, got -0.5");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.softness = inf_f}), ErrorCode::invalid_argument,
                          "fill::dots: softness must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.color = rgba(nan_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::dots: color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.bg_color = rgba(nan_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::dots: bg_color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::dots(img, {.offset_y = (1 << 30) + 5}), ErrorCode::invalid_argument,
                          "fill::dots: offset_y must be in");
}

// -------------------------------------------------------------------------------------------------
// circle
// -------------------------------------------------------------------------------------------------

TEST_CASE("fill::circle: centred disc with a 1-pixel edge", "[fill]") {
  const float4 c = rgba(1, 0.5f, 0, 1), bg = rgba(0, 0, 0, 0);
  SECTION("10x10: centre (5, 5), r = 5") {
    const auto px = run(10, 10, [&](auto v) { fill::circle(v, {.color = c, .bg_color = bg}); });
    CHECK_PX(px[5 * 10 + 5], c, 0.f, 5, 5);
    CHECK_PX(px[0], bg, 0.f, 0, 0);
    CHECK_PX(px[0 * 10 + 5], lerp_ref(bg, c, 0.5f), 1e-6f, 5, 0);  // d = 5 = r
    CHECK_PX(px[5 * 10 + 0], lerp_ref(bg, c, 0.5f), 1e-6f, 0, 5);
    CHECK_PX(px[1 * 10 + 5], c, 0.f, 5, 1);  // d = 4
    const double d = std::sqrt(4.0 * 4.0 + 3.0 * 3.0);  // (1, 2): d = 5 again
    CHECK_PX(px[2 * 10 + 1], lerp_ref(bg, c, float(1 - smoothstep_ref(4.5, 5.5, d))), 1e-6f, 1, 2);
  }
  SECTION("non-square: r = min(w, h)/2") {
    const auto px = run(10, 4, [&](auto v) { fill::circle(v, {.color = c, .bg_color = bg}); });
    CHECK_PX(px[0 * 10 + 5], lerp_ref(bg, c, 0.5f), 1e-6f, 5, 0);  // centre (5, 2), d = 2 = r
    CHECK_PX(px[2 * 10 + 2], bg, 0.f, 2, 2);                         // d = 3
    CHECK_PX(px[2 * 10 + 6], c, 0.f, 6, 2);                          // d = 1
  }
  SECTION("softness: e = softness * r") {
    const auto px = run(10, 10, [&](auto v) { fill::circle(v, {.color = c, .bg_color = bg, .softness = 0.2f}); });
    // e = 1: t = 1 - smoothstep(4, 6, d); d = 5 -> 0.5, d = 4 -> 1, d = 4.5 (not a pixel); (5, 0): d = 5
    CHECK_PX(px[0 * 10 + 5], lerp_ref(bg, c, 0.5f), 1e-6f, 5, 0);
    CHECK_PX(px[1 * 10 + 5], c, 0.f, 5, 1);
    const double d = std::sqrt(5.0 * 5.0 + 1.0);  // (0, 4)
    CHECK_PX(px[4 * 10 + 0], lerp_ref(bg, c, float(1 - smoothstep_ref(4, 6, d))), 1e-6f, 0, 4);
  }
  SECTION("1x1 and 1xN") {
    // 1x1: centre (0.5, 0.5), r = 0.5, d = 0.7071: t = 1 - smoothstep(0, 1, 0.7071)
    const float t = float(1 - smoothstep_ref(0, 1, std::sqrt(0.5)));
    CHECK_PX(run(1, 1, [&](auto v) { fill::circle(v, {.color = c, .bg_color = bg}); })[0], lerp_ref(bg, c, t), 1e-6f, 0, 0);
    // 1x5: centre (0.5, 2.5), r = 0.5: every pixel has d >= 0.5
    const auto col = run(1, 5, [&](auto v) { fill::circle(v, {.color = c, .bg_color = bg}); });
    CHECK_PX(col[2], lerp_ref(bg, c, t), 1e-6f, 0, 2);
    CHECK_PX(col[0], bg, 0.f, 0, 0);
  }
}

TEST_CASE("fill::circle: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::circle(img, {.softness = -1.f}), ErrorCode::invalid_argument,
                          "fill::circle: softness must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(fill::circle(img, {.softness = nan_f}), ErrorCode::invalid_argument,
                          "fill::circle: softness must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::circle(img, {.color = rgba(0, 0, 0, inf_f)}), ErrorCode::invalid_argument,
                          "fill::circle: color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::circle(img, {.bg_color = rgba(nan_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::circle: bg_color must be finite");
}

// -------------------------------------------------------------------------------------------------
// noise (the integer hash, re-implemented here from docs/fill.md)
// -------------------------------------------------------------------------------------------------

namespace {
std::uint32_t lowbias32(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352dU;
  h ^= h >> 15;
  h *= 0x846ca68bU;
  h ^= h >> 16;
  return h;
}
std::uint32_t seed_mix(float seed) { return lowbias32(std::bit_cast<std::uint32_t>(seed + 0.f) ^ 0x9e3779b9U); }
float noise_ref(int x, int y, float seed) {
  const std::uint32_t h = lowbias32(lowbias32(std::uint32_t(y) + seed_mix(seed)) ^ std::uint32_t(x));
  return float(h >> 9) / 8388608.f;
}
}  // namespace

TEST_CASE("fill::noise: the documented hash, bit for bit", "[fill]") {
  CHECK(lowbias32(0u) == 0u);
  CHECK(lowbias32(1u) == 0x688990c0U);  // Wellons' lowbias32, computed independently: guards against typos
  const int w = 37, h = 23;
  SECTION("monochrome") {
    const auto px = run(w, h, [&](auto v) { fill::noise(v, {.seed = 3.25f}); });
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float r = noise_ref(x, y, 3.25f);
        CHECK_PX(px[y * w + x], rgba(r, r, r, 1.f), 0.f, x, y);
      }
  }
  SECTION("colour: G and B use seed + 1 and seed + 2 (as the reference)") {
    const auto px = run(w, h, [&](auto v) { fill::noise(v, {.seed = -12.5f, .monochrome = false}); });
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        CHECK_PX(px[y * w + x], rgba(noise_ref(x, y, -12.5f), noise_ref(x, y, -11.5f), noise_ref(x, y, -10.5f), 1.f),
                 0.f, x, y);
  }
}

TEST_CASE("fill::noise: properties", "[fill]") {
  const int w = 256, h = 256;
  const auto a = run(w, h, [&](auto v) { fill::noise(v, {.monochrome = false}); });
  double sum[3] = {0, 0, 0}, sq[3] = {0, 0, 0}, cross = 0;
  float lo = 1.f, hi = 0.f;
  for (const auto& p : a) {
    const float c[3] = {p.x, p.y, p.z};
    for (int k = 0; k < 3; ++k) {
      sum[k] += c[k];
      sq[k] += double(c[k]) * c[k];
      lo = std::fmin(lo, c[k]);
      hi = std::fmax(hi, c[k]);
    }
    cross += double(p.x - 0.5f) * double(p.y - 0.5f);
    REQUIRE(p.w == 1.f);
  }
  const double n = double(w) * h;
  CHECK(lo >= 0.f);
  CHECK(hi < 1.f);
  for (int k = 0; k < 3; ++k) {
    CHECK(sum[k] / n == Approx(0.5).margin(0.005));                            // uniform: mean 1/2
    CHECK(sq[k] / n - (sum[k] / n) * (sum[k] / n) == Approx(1.0 / 12).margin(0.002));  // variance 1/12
  }
  CHECK(cross / n == Approx(0.0).margin(0.002));  // R and G uncorrelated
  // deterministic, seed-dependent, -0 == +0, any float seed
  CHECK(test::max_abs_diff(a, run(w, h, [&](auto v) { fill::noise(v, {.monochrome = false}); })) == 0.f);
  CHECK(test::max_abs_diff(a, run(w, h, [&](auto v) { fill::noise(v, {.seed = 1e-30f, .monochrome = false}); })) > 0.5f);
  const auto z = run(8, 8, [&](auto v) { fill::noise(v, {.seed = 0.f}); });
  CHECK(test::max_abs_diff(z, run(8, 8, [&](auto v) { fill::noise(v, {.seed = -0.f}); })) == 0.f);
  run(8, 8, [&](auto v) { fill::noise(v, {.seed = 3.0e38f}); });
  // 1x1 and 1xN: same values as the top-left corner of a bigger image
  const auto one = run(1, 1, [&](auto v) { fill::noise(v); });
  CHECK(one[0].x == noise_ref(0, 0, 0.f));
  const auto col = run(1, 4, [&](auto v) { fill::noise(v); });
  for (int y = 0; y < 4; ++y) CHECK(col[y].x == noise_ref(0, y, 0.f));
}

TEST_CASE("fill::noise: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::noise(img, {.seed = nan_f}), ErrorCode::invalid_argument,
                          "fill::noise: seed must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::noise(img, {.seed = -inf_f}), ErrorCode::invalid_argument,
                          "fill::noise: seed must be finite");
}

// -------------------------------------------------------------------------------------------------
// perlin
// -------------------------------------------------------------------------------------------------

namespace {
/// Independent double-precision port of the documented construction (docs/fill.md): lattice hash
/// lowbias32((s + X*K1) ^ (Y*K2)), gradient angle 2*pi*u, fade, lerps, fBm.
double perlin_single_ref(float x, float y, std::uint32_t s) {
  const float X = std::floor(x), Y = std::floor(y);
  const double rx = double(x) - X, ry = double(y) - Y;
  const auto lattice = [](float v) { return std::bit_cast<std::uint32_t>(v + 12582912.f); };
  const std::uint32_t ix = lattice(X), iy = lattice(Y);
  auto corner = [&](std::uint32_t cx, std::uint32_t cy, double dx, double dy) {
    const std::uint32_t h = lowbias32((s + cx * 0x8da6b343U) ^ (cy * 0xd8163841U));
    const double a = 2 * 3.14159265358979323846 * (double(h >> 9) / 8388608.0);
    return std::cos(a) * dx + std::sin(a) * dy;
  };
  const double g_aa = corner(ix, iy, rx, ry), g_ab = corner(ix, iy + 1, rx, ry - 1);
  const double g_ba = corner(ix + 1, iy, rx - 1, ry), g_bb = corner(ix + 1, iy + 1, rx - 1, ry - 1);
  auto fade = [](double t) { return t * t * t * (t * (t * 6 - 15) + 10); };
  auto lerp = [](double a, double b, double t) { return a + t * (b - a); };
  const double u = fade(rx), v = fade(ry);
  return lerp(lerp(g_aa, g_ba, u), lerp(g_ab, g_bb, u), v);
}
double perlin_ref(int x, int y, const fill::PerlinParams& p) {
  const float inv = float(1.0 / double(p.scale));
  const float u = (float(x) + p.offset_x) * inv, v = (float(y) + p.offset_y) * inv;
  double total = 0, maxv = 0;
  float freq = 1.f, amp = 1.f;
  for (int i = 0; i < p.octaves; ++i) {
    total += perlin_single_ref(u * freq, v * freq, seed_mix(p.seed + float(i) * 13.5f)) * amp;
    maxv += amp;
    amp *= p.persistence;
    freq *= p.lacunarity;
  }
  const double val = total / maxv * 0.5 + 0.5;
  return val < 0 ? 0 : (val > 1 ? 1 : val);
}
}  // namespace

TEST_CASE("fill::perlin: matches a double-precision port of the documented construction", "[fill]") {
  const fill::PerlinParams cases[] = {
      {},
      {.scale = 13.f, .seed = 7.f, .octaves = 4, .persistence = 0.6f, .lacunarity = 2.1f, .offset_x = -40.5f, .offset_y = 3.25f},
      {.scale = 3.5f, .seed = -2.f, .octaves = 2, .persistence = 0.3f, .lacunarity = 3.f, .offset_x = 1e4f},
  };
  for (const auto& p : cases) {
    const int w = 80, h = 50;
    const auto px = run(w, h, [&](auto v) { fill::perlin(v, p); });
    float worst = 0.f;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) worst = std::fmax(worst, std::fabs(px[y * w + x].x - float(perlin_ref(x, y, p))));
    INFO("scale " << p.scale << " octaves " << p.octaves);
    CHECK(worst <= 2e-6f);  // float32 evaluation and the ~1e-7 polynomial sin/cos vs double
  }
}

TEST_CASE("fill::perlin: the span evaluation both backends use equals the per-pixel definition bit for bit", "[fill]") {
  // FillPerlin::span shares a cell's corner gradients across the pixels of a span; it must give
  // exactly operator()'s bits for every pixel: cells narrower than a pixel, wide cells, negative
  // and huge offsets, many octaves, a lacunarity that overflows, 0 octaves, partial spans.
  struct P {
    float scale, seed, persistence, lacunarity, ox, oy;
    int octaves;
  };
  const P cases[] = {{50.f, 0.f, 0.5f, 2.f, 0.f, 0.f, 1},      {0.3f, 3.f, 0.7f, 2.f, -12.5f, 7.f, 3},
                     {7.f, -1.f, 0.5f, 2.5f, 1e5f, -3e4f, 8},  {1000.f, 2.f, 1.3f, 1.7f, -0.5f, 0.5f, 32},
                     {2.f, 5.f, 0.5f, 1e30f, 3.f, 1.f, 4},     {9.f, 0.f, 0.f, 2.f, 0.f, 0.f, 0}};
  for (const auto& c : cases) {
    imagecuda::detail::FillPerlin f{};
    f.c1 = rgba(0.1f, 0.2f, 0.3f, 1.f);
    f.c2 = rgba(0.9f, 0.7f, 0.5f, 0.25f);
    f.inv_scale = float(1.0 / double(c.scale));
    f.off_x = c.ox;
    f.off_y = c.oy;
    f.persistence = c.persistence;
    f.lacunarity = c.lacunarity;
    f.octaves = c.octaves;
    for (int i = 0; i < c.octaves; ++i) f.seed[i] = imagecuda::detail::fill_seed_bits(c.seed + float(i) * 13.5f);
    int mismatches = 0;
    for (int y = -3; y < 20; y += 5)
      for (int x0 = -9; x0 < 120; x0 += 8) {
        float4 out[8];
        const int n = x0 == 111 ? 5 : 8;
        for (auto& o : out) o = float4{-7.f, -7.f, -7.f, -7.f};
        f.span<8>(x0, y, n, out);
        for (int k = 0; k < 8; ++k) {
          const float4 want = k < n ? f(x0 + k, y) : float4{-7.f, -7.f, -7.f, -7.f};  // past n: untouched
          mismatches += std::memcmp(&out[k], &want, sizeof want) != 0;
        }
      }
    INFO("scale " << c.scale << " octaves " << c.octaves << " lacunarity " << c.lacunarity);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("fill::perlin: lattice points, colours, offsets, scale and octave edge cases", "[fill]") {
  const float4 c1 = rgba(0.f, 0.2f, 0.4f, 1.f), c2 = rgba(1.f, 0.8f, 0.6f, 0.f);
  SECTION("at every lattice point each octave is 0, so val = 0.5 exactly") {
    const auto px = run(33, 17, [&](auto v) { fill::perlin(v, {.scale = 8.f, .octaves = 3, .color1 = c1, .color2 = c2}); });
    for (int y = 0; y < 17; y += 8)
      for (int x = 0; x < 33; x += 8) CHECK_PX(px[y * 33 + x], lerp_ref(c1, c2, 0.5f), 1e-7f, x, y);
  }
  SECTION("smooth: neighbours differ little at scale 50") {
    const int w = 120, h = 90;
    const auto px = run(w, h, [&](auto v) { fill::perlin(v); });
    float step = 0.f, lo = 1.f, hi = 0.f;
    for (int y = 0; y < h; ++y)
      for (int x = 1; x < w; ++x) {
        step = std::fmax(step, std::fabs(px[y * w + x].x - px[y * w + x - 1].x));
        lo = std::fmin(lo, px[y * w + x].x);
        hi = std::fmax(hi, px[y * w + x].x);
      }
    CHECK(step < 0.05f);
    CHECK(lo >= 0.f);
    CHECK(hi <= 1.f);
    CHECK(hi - lo > 0.2f);  // not flat
  }
  SECTION("offset_x shifts the pattern: offset 7 at x equals offset 0 at x + 7") {
    const auto a = run(40, 10, [&](auto v) { fill::perlin(v, {.scale = 9.f, .octaves = 2, .offset_x = 7.f, .offset_y = -3.f}); });
    const auto b = run(47, 10, [&](auto v) { fill::perlin(v, {.scale = 9.f, .octaves = 2}); });
    for (int y = 3; y < 10; ++y)
      for (int x = 0; x < 40; ++x) CHECK_PX(a[y * 40 + x], b[(y - 3) * 47 + x + 7], 0.f, x, y);
  }
  SECTION("scale <= 0 silently becomes 0.001 (as the reference)") {
    const auto ref = run(16, 8, [&](auto v) { fill::perlin(v, {.scale = 0.001f}); });
    CHECK(test::max_abs_diff(ref, run(16, 8, [&](auto v) { fill::perlin(v, {.scale = 0.f}); })) == 0.f);
    CHECK(test::max_abs_diff(ref, run(16, 8, [&](auto v) { fill::perlin(v, {.scale = -5.f}); })) == 0.f);
  }
  SECTION("octaves <= 0: 0/0 -> NaN -> clamp gives 1 -> color2 everywhere (as the reference)") {
    for (int oct : {0, -3})
      for (const auto& p : run(5, 3, [&](auto v) { fill::perlin(v, {.octaves = oct, .color1 = c1, .color2 = c2}); }))
        CHECK_PX(p, c2, 0.f, -1, -1);
  }
  SECTION("seed: octave i uses seed + i*13.5, so octave 1 of seed s is octave 0 of seed s + 13.5") {
    // persistence 0 keeps octave 0 only, lacunarity 1 keeps its frequency: compare two seeds
    const auto a = run(30, 20, [&](auto v) { fill::perlin(v, {.scale = 6.f, .seed = 13.5f}); });
    const auto b = run(30, 20, [&](auto v) { fill::perlin(v, {.scale = 6.f, .seed = 0.f}); });
    CHECK(test::max_abs_diff(a, b) > 0.05f);
    // two octaves with persistence 1, lacunarity 1 = mean of octave-0 images of seeds 0 and 13.5
    const auto m = run(30, 20, [&](auto v) {
      fill::perlin(v, {.scale = 6.f, .seed = 0.f, .octaves = 2, .persistence = 1.f, .lacunarity = 1.f});
    });
    float worst = 0.f;
    for (std::size_t i = 0; i < m.size(); ++i) worst = std::fmax(worst, std::fabs(m[i].x - 0.5f * (a[i].x + b[i].x)));
    CHECK(worst <= 1e-6f);
  }
  SECTION("1x1 and 1xN") {
    const auto one = run(1, 1, [&](auto v) { fill::perlin(v, {.color1 = c1, .color2 = c2}); });
    CHECK_PX(one[0], lerp_ref(c1, c2, 0.5f), 1e-7f, 0, 0);  // (0, 0) is a lattice point
    const auto row = run(7, 1, [&](auto v) { fill::perlin(v, {.scale = 2.f}); });
    for (int x = 0; x < 7; ++x) CHECK(row[x].x == Approx(perlin_ref(x, 0, {.scale = 2.f})).margin(2e-6));
  }
}

TEST_CASE("fill::perlin: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.octaves = 33}), ErrorCode::invalid_argument,
                          "fill::perlin: octaves must be <= 32, got 33");
  fill::perlin(img, {.octaves = 32});
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.scale = nan_f}), ErrorCode::invalid_argument,
                          "fill::perlin: scale must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.seed = inf_f}), ErrorCode::invalid_argument,
                          "fill::perlin: seed must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.persistence = nan_f}), ErrorCode::invalid_argument,
                          "fill::perlin: persistence must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.lacunarity = -inf_f}), ErrorCode::invalid_argument,
                          "fill::perlin: lacunarity must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.offset_x = nan_f}), ErrorCode::invalid_argument,
                          "fill::perlin: offset_x must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.offset_y = inf_f}), ErrorCode::invalid_argument,
                          "fill::perlin: offset_y must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.color1 = rgba(nan_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::perlin: color1 must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::perlin(img, {.color2 = rgba(0, nan_f, 0)}), ErrorCode::invalid_argument,
                          "fill::perlin: color2 must be finite");
}

// -------------------------------------------------------------------------------------------------
// ngon
// -------------------------------------------------------------------------------------------------

namespace {
/// The reference kernel, ported literally (float, atan2f, hypotf, cosf).
float4 ngon_ref(int x, int y, int w, int h, const fill::NgonParams& p) {
  const float pi = 3.14159265358979323846f;
  const float cx = float(w) / 2.f, cy = float(h) / 2.f, radius = std::fmin(float(w), float(h)) / 2.f;
  const float rot = p.rotation * (pi / 180.f);
  const float px = float(x) - cx, py = float(y) - cy;
  const float cr = std::cos(-rot), sr = std::sin(-rot);
  const float rx = px * cr - py * sr, ry = px * sr + py * cr;
  const float angle = std::atan2(rx, ry);
  const float slice = (pi * 2.f) / float(p.sides);
  const float sector = std::floor(0.5f + angle / slice) * slice;
  const float dist = std::cos(angle - sector) * std::hypot(rx, ry);
  const float sdf = dist - radius * std::cos(pi / float(p.sides));
  const float e = p.softness > 0.f ? p.softness * radius : 0.5f;
  return lerp_ref(p.bg_color, p.color, float(1 - smoothstep_ref(-e, e, sdf)));
}
}  // namespace

TEST_CASE("fill::ngon: hand-checked triangle and square", "[fill]") {
  const float4 c = rgba(1, 1, 1, 1), bg = rgba(0, 0, 0, 0);
  SECTION("triangle, rotation 0: vertex up, flat edge at y = cy + R/2") {
    // 20x20: centre (10, 10), R = 10, apothem 5
    const auto px = run(20, 20, [&](auto v) { fill::ngon(v, {.color = c, .bg_color = bg}); });
    CHECK_PX(px[14 * 20 + 10], c, 0.f, 10, 14);   // 4 below the centre: inside
    CHECK_PX(px[16 * 20 + 10], bg, 0.f, 10, 16);  // 6 below: outside the bottom edge
    CHECK_PX(px[3 * 20 + 10], c, 0.f, 10, 3);     // 7 above: towards the top vertex, sdf = -1.5
    CHECK(px[15 * 20 + 10].x == Approx(0.5f).margin(1e-4));  // on the bottom edge
    CHECK(px[0 * 20 + 10].x == Approx(0.5f).margin(1e-4));   // the top vertex (10, 0)
    CHECK_PX(px[10 * 20 + 17], bg, 0.f, 17, 10);  // right of centre: the side edges are at distance 5
    CHECK_PX(px[10 * 20 + 14], c, 0.f, 14, 10);
  }
  SECTION("triangle, rotation 180: vertex down") {
    const auto px = run(20, 20, [&](auto v) { fill::ngon(v, {.color = c, .bg_color = bg, .rotation = 180.f}); });
    CHECK_PX(px[3 * 20 + 10], bg, 0.f, 10, 3);   // 7 above: outside the top edge (now at y = 5)
    CHECK_PX(px[16 * 20 + 10], c, 0.f, 10, 16);  // towards the bottom vertex
    CHECK(px[5 * 20 + 10].x == Approx(0.5f).margin(1e-4));
  }
  SECTION("triangle, rotation 90: clockwise, the vertex points right") {
    const auto px = run(20, 20, [&](auto v) { fill::ngon(v, {.color = c, .bg_color = bg, .rotation = 90.f}); });
    CHECK_PX(px[10 * 20 + 17], c, 0.f, 17, 10);  // towards the vertex at (20, 10)
    CHECK_PX(px[10 * 20 + 3], bg, 0.f, 3, 10);   // beyond the flat edge at x = 5
  }
  SECTION("square: axis-aligned, apothem R*cos(pi/4)") {
    const auto px = run(20, 20, [&](auto v) { fill::ngon(v, {.sides = 4, .color = c, .bg_color = bg}); });
    CHECK_PX(px[10 * 20 + 16], c, 0.f, 16, 10);   // 6 right: inside (apothem 7.07)
    CHECK_PX(px[10 * 20 + 18], bg, 0.f, 18, 10);  // 8 right: outside
    CHECK_PX(px[2 * 20 + 10], bg, 0.f, 10, 2);    // 8 up
    CHECK_PX(px[16 * 20 + 16], c, 0.f, 16, 16);   // diagonal (6, 6): inside the corner
    // (17, 17): the projection on the nearest normal is 7, sdf = 7 - 7.0711
    const float t = float(1 - smoothstep_ref(-0.5, 0.5, 7.0 - 10.0 * std::cos(3.14159265358979 / 4)));
    CHECK(px[17 * 20 + 17].x == Approx(t).margin(1e-5));
  }
}

TEST_CASE("fill::ngon: matches a literal port of the reference", "[fill]") {
  const fill::NgonParams cases[] = {
      {},
      {.sides = 5, .color = rgba(1, 0, 0, 1), .bg_color = rgba(0, 0, 1, 0.5f), .rotation = 17.f},
      {.sides = 6, .rotation = -45.f, .softness = 0.1f},
      {.sides = 12, .rotation = 1000.f, .softness = 0.02f},
      {.sides = 3, .rotation = 90.f},
  };
  for (const auto& p : cases) {
    for (auto [w, h] : {std::pair{64, 48}, std::pair{31, 57}}) {
      const auto px = run(w, h, [&](auto v) { fill::ngon(v, p); });
      float worst = 0.f;
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) worst = std::fmax(worst, max_diff(px[y * w + x], ngon_ref(x, y, w, h, p)));
      INFO("sides " << p.sides << " rotation " << p.rotation << " size " << w << "x" << h);
      CHECK(worst <= 2e-4f);  // ~1e-6 px in the distance (atan2/cos of ~1e-7) times the edge slope
    }
  }
  // 1x1 and 1xN
  const auto one = run(1, 1, [&](auto v) { fill::ngon(v, {.sides = 4}); });
  CHECK(max_diff(one[0], ngon_ref(0, 0, 1, 1, {.sides = 4})) <= 1e-5f);
  const auto col = run(1, 6, [&](auto v) { fill::ngon(v); });
  for (int y = 0; y < 6; ++y) CHECK(max_diff(col[y], ngon_ref(0, y, 1, 6, {})) <= 1e-5f);
}

TEST_CASE("fill::ngon: errors", "[fill][errors]") {
  ImageF32 img(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.sides = 2}), ErrorCode::invalid_argument,
                          "fill::ngon: sides must be >= 3, got 2");
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.sides = -5}), ErrorCode::invalid_argument, "got -5");
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.rotation = nan_f}), ErrorCode::invalid_argument,
                          "fill::ngon: rotation must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.softness = -0.1f}), ErrorCode::invalid_argument,
                          "fill::ngon: softness must be >= 0");
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.color = rgba(inf_f, 0, 0)}), ErrorCode::invalid_argument,
                          "fill::ngon: color must be finite");
  REQUIRE_IMAGECUDA_ERROR(fill::ngon(img, {.bg_color = rgba(0, 0, 0, nan_f)}), ErrorCode::invalid_argument,
                          "fill::ngon: bg_color must be finite");
}

// -------------------------------------------------------------------------------------------------
// every function: empty and freed destinations, crop views
// -------------------------------------------------------------------------------------------------

namespace {
struct NamedFill {
  const char* name;
  std::function<void(ImageView<float4>)> op;
};
std::vector<NamedFill> all_fills() {
  return {
      {"fill::color", [](ImageView<float4> v) { fill::color(v, rgba(0.1f, 0.2f, 0.3f, 0.4f)); }},
      {"fill::gradient",
       [](ImageView<float4> v) {
         fill::gradient(v, rgba(1, 0, 0, 1), rgba(0, 0, 1, 0.5f), {.direction = fill::GradientDirection::radial});
       }},
      {"fill::checkerboard", [](ImageView<float4> v) { fill::checkerboard(v, {.size = 2, .offset_x = -1}); }},
      {"fill::grid", [](ImageView<float4> v) { fill::grid(v, {.spacing = 3, .offset_y = -2}); }},
      {"fill::stripes", [](ImageView<float4> v) { fill::stripes(v, {.angle = 30, .spacing = 4, .width = 2}); }},
      {"fill::dots", [](ImageView<float4> v) { fill::dots(v, {.spacing = 4, .radius = 1.5f, .offset_x = 1}); }},
      {"fill::circle", [](ImageView<float4> v) { fill::circle(v, {.softness = 0.3f}); }},
      {"fill::noise", [](ImageView<float4> v) { fill::noise(v, {.seed = 5.f, .monochrome = false}); }},
      {"fill::perlin", [](ImageView<float4> v) { fill::perlin(v, {.scale = 3.f, .octaves = 3}); }},
      {"fill::ngon", [](ImageView<float4> v) { fill::ngon(v, {.sides = 5, .rotation = 10.f}); }},
  };
}
}  // namespace

TEST_CASE("fill: every function writes only its crop_view, in the view's own coordinates", "[fill]") {
  const int W = 13, H = 11, cx = 3, cy = 2, cw = 7, ch = 6;
  for (const auto& f : all_fills()) {
    INFO(f.name);
    ImageF32 img(W, H, cpu);
    fill::color(img, sentinel);
    f.op(img.crop_view(cx, cy, cw, ch));
    const auto got = io::download(img);
    const auto alone = run(cw, ch, f.op);  // the same op on a separate cw x ch image
    int outside_changed = 0;
    float inside_diff = 0.f;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const float4 p = got[y * W + x];
        if (x >= cx && x < cx + cw && y >= cy && y < cy + ch)
          inside_diff = std::fmax(inside_diff, max_diff(p, alone[(y - cy) * cw + (x - cx)]));
        else if (max_diff(p, sentinel) != 0.f)
          ++outside_changed;
      }
    CHECK(outside_changed == 0);
    CHECK(inside_diff == 0.f);
  }
}

TEST_CASE("fill: every function rejects empty and freed destinations", "[fill][errors]") {
  for (const auto& f : all_fills()) {
    INFO(f.name);
    REQUIRE_IMAGECUDA_ERROR(f.op(ImageView<float4>{}), ErrorCode::invalid_argument,
                            std::string(f.name) + ": dst is empty");
    ImageF32 img(4, 4, cpu);
    img.free();
    REQUIRE_IMAGECUDA_ERROR(f.op(img), ErrorCode::freed, "image was freed");
  }
}

TEST_CASE("fill: the documentation's example", "[fill][docs]") {
  ImageF32 img(320, 200, cpu);
  // example-begin fill
  using namespace imagecuda;
  // Parameters are aggregates with PyImageCUDA's defaults; name only what changes.
  fill::gradient(img, hex("#1d3557"), hex("#e76f51"), {.direction = fill::GradientDirection::radial});
  fill::checkerboard(img.crop_view(0, 0, 160, 100), {.size = 10});  // a pattern in a zero-copy view
  fill::perlin(img.crop_view(160, 100, 160, 100), {.scale = 30, .octaves = 4});
  fill::ngon(img.crop_view(0, 100, 160, 100), {.sides = 6, .color = hex("#f2c14e"), .bg_color = hex("#1d3557")});
  fill::noise(img.crop_view(160, 0, 160, 100), {.seed = 42, .monochrome = false});
  // example-end
  const auto px = io::download(img);
  CHECK_PX(px[0], rgba(0.8f, 0.8f, 0.8f, 1.f), 0.f, 0, 0);  // checkerboard's default color1
  CHECK(px[std::size_t(150) * 320 + 80].x == hex("#f2c14e").x);  // inside the hexagon
}
