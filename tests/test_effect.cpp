// SPDX-License-Identifier: MIT
/// effect: rounded_corners, vignette, chroma_key, stroke on the CPU backend, against hand-computed
/// values, straightforward re-implementations of the reference formulas, and (stroke) a
/// brute-force nearest-seed search.
#include "helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

using namespace imagecuda;
using test::make_f32;
using test::max_abs_diff;
using test::random_f32;

namespace {
const Device cpu = Device::cpu();

std::vector<float4> solid(int w, int h, float4 c) { return std::vector<float4>(std::size_t(w) * h, c); }

float4 px(const std::vector<float4>& v, int w, int x, int y) { return v[std::size_t(y) * w + x]; }

// ---- reference formulas, written out plainly (independent of the library's functors) ----

std::vector<float4> ref_rounded(std::vector<float4> v, int w, int h, float radius) {
  if (radius == 0.f) return v;
  double rr = radius;
  if (rr > std::min(w, h) / 2.0) rr = std::min(w, h) / 2.0;
  const float r = float(rr);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float pxf = x + 0.5f, pyf = y + 0.5f;
      const float right = float(w) - r, bottom = float(h) - r;
      bool zone = true;
      float cx = 0, cy = 0;
      if (pxf < r && pyf < r) { cx = r; cy = r; }
      else if (pxf > right && pyf < r) { cx = right; cy = r; }
      else if (pxf < r && pyf > bottom) { cx = r; cy = bottom; }
      else if (pxf > right && pyf > bottom) { cx = right; cy = bottom; }
      else zone = false;
      if (!zone) continue;
      const float d = std::sqrt((pxf - cx) * (pxf - cx) + (pyf - cy) * (pyf - cy)) - r;
      const float t = std::min(std::max(-d, 0.f), 1.f);
      v[std::size_t(y) * w + x].w *= t * t * (3.f - 2.f * t);
    }
  return v;
}

std::vector<float4> ref_vignette(std::vector<float4> v, int w, int h, float radius, float softness, float4 c) {
  radius = std::max(0.f, radius);
  softness = std::max(0.f, softness);
  const float s0 = radius - softness / 2.f, s1 = radius + softness / 2.f;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float u = w > 1 ? float(x) / float(w - 1) * 2.f - 1.f : 0.f;
      const float vv = h > 1 ? float(y) / float(h - 1) * 2.f - 1.f : 0.f;
      const float d = std::sqrt(u * u + vv * vv);
      float k;
      if (d < s0) k = 0.f;
      else if (d > s1) k = 1.f;
      else {
        float t = (d - s0) / (s1 - s0);
        if (std::isnan(t)) t = 0.f;  // imagecuda's fix of the reference's 0/0
        t = std::min(std::max(t, 0.f), 1.f);
        k = t * t * (3.f - 2.f * t);
      }
      const float m = k * c.w;
      float4& p = v[std::size_t(y) * w + x];
      p = float4{p.x * (1 - m) + c.x * m, p.y * (1 - m) + c.y * m, p.z * (1 - m) + c.z * m, p.w};
    }
  return v;
}

struct HsvD {
  double h, s, v;
};
HsvD hsv(double r, double g, double b) {
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), d = mx - mn;
  HsvD o{0, mx > 1e-5 ? d / mx : 0, mx};
  if (d >= 1e-5) {
    if (mx == r) o.h = 60 * std::fmod((g - b) / d, 6.0);
    else if (mx == g) o.h = 60 * ((b - r) / d + 2);
    else o.h = 60 * ((r - g) / d + 4);
  }
  if (o.h < 0) o.h += 360;
  return o;
}
double smooth(double e0, double e1, double x) {
  const double t = std::min(std::max((x - e0) / (e1 - e0), 0.0), 1.0);
  return t * t * (3 - 2 * t);
}
float4 ref_chroma(float4 p, float4 key, double threshold, double smoothness, double spill) {
  const HsvD c = hsv(p.x, p.y, p.z), k = hsv(key.x, key.y, key.z);
  double hd = std::fabs(c.h - k.h);
  if (hd > 180) hd = 360 - hd;
  hd /= 180;
  const double dist = std::sqrt(2 * hd * hd + (c.s - k.s) * (c.s - k.s) + 0.5 * (c.v - k.v) * (c.v - k.v));
  double a = 1;
  if (dist < threshold) a = smoothness > 0.0001 ? smooth(std::max(0.0, threshold - smoothness), threshold, dist) : 0;
  double r = p.x, g = p.y, b = p.z;
  if (spill > 0.001 && a > 0.1 && a < 0.9) {
    const double amt = (1 - a) * spill;
    const double sr = std::max(0.0, r - key.x * amt), sg = std::max(0.0, g - key.y * amt),
                 sb = std::max(0.0, b - key.z * amt);
    const double lo = 0.299 * r + 0.587 * g + 0.114 * b, ls = 0.299 * sr + 0.587 * sg + 0.114 * sb;
    if (ls > 0.001) {
      r = std::min(1.0, sr * lo / ls);
      g = std::min(1.0, sg * lo / ls);
      b = std::min(1.0, sb * lo / ls);
    }
  }
  return float4{float(r), float(g), float(b), float(p.w * a)};
}

// ---- stroke: seeds, brute-force distances and the composite, written out plainly ----

std::vector<std::pair<int, int>> ref_seeds(const std::vector<float4>& src, int w, int h, int off) {
  std::vector<std::pair<int, int>> seeds;
  auto alpha = [&](int x, int y) { return src[std::size_t(y) * w + x].w; };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (!(alpha(x, y) > 0.f)) continue;
      bool edge = false;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          if (dx == 0 && dy == 0) continue;
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h || alpha(nx, ny) <= 0.f) edge = true;
        }
      if (edge) seeds.emplace_back(x + off, y + off);
    }
  return seeds;
}

std::vector<std::uint32_t> brute_d2(const std::vector<std::pair<int, int>>& seeds, int cw, int ch) {
  std::vector<std::uint32_t> d(std::size_t(cw) * ch, 0xFFFFFFFFu);
  for (int y = 0; y < ch; ++y)
    for (int x = 0; x < cw; ++x) {
      std::uint32_t best = 0xFFFFFFFFu;
      for (auto [sx, sy] : seeds) {
        const auto v = std::uint32_t((x - sx) * (x - sx) + (y - sy) * (y - sy));
        best = std::min(best, v);
      }
      d[std::size_t(y) * cw + x] = best;
    }
  return d;
}

std::vector<float4> ref_stroke(const std::vector<float4>& src, int w, int h, const effect::StrokeParams& p) {
  const auto c = effect::stroke_canvas(w, h, p);
  const auto d2 = brute_d2(ref_seeds(src, w, h, c.offset), c.width, c.height);
  std::vector<float4> out(std::size_t(c.width) * c.height);
  const float W = float(p.width);
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x) {
      const int sx = x - c.offset, sy = y - c.offset;
      const float4 s = (sx >= 0 && sy >= 0 && sx < w && sy < h) ? src[std::size_t(sy) * w + sx] : float4{0, 0, 0, 0};
      const std::uint32_t q = d2[std::size_t(y) * c.width + x];
      const float d = q == 0xFFFFFFFFu ? INFINITY : std::sqrt(float(q));
      const float f = d <= W ? std::min(1.f, W - d) : 0.f;
      float pr, pg, pb, a;
      if (p.position == effect::StrokePosition::outside) {
        const float sa = p.color.w * f;
        pr = s.x * s.w + p.color.x * sa * (1 - s.w);
        pg = s.y * s.w + p.color.y * sa * (1 - s.w);
        pb = s.z * s.w + p.color.z * sa * (1 - s.w);
        a = s.w + sa * (1 - s.w);
      } else {
        const float m = p.color.w * f;
        a = s.w;
        pr = (p.color.x * m + s.x * (1 - m)) * a;
        pg = (p.color.y * m + s.y * (1 - m)) * a;
        pb = (p.color.z * m + s.z * (1 - m)) * a;
      }
      out[std::size_t(y) * c.width + x] = a > 0.0001f ? float4{pr / a, pg / a, pb / a, a} : float4{0, 0, 0, 0};
    }
  return out;
}

/// A few soft-edged discs and rectangles of random colours on transparent black.
std::vector<float4> shapes(int w, int h, std::uint32_t seed, int n = 4) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float4> v(std::size_t(w) * h, float4{0, 0, 0, 0});
  for (int k = 0; k < n; ++k) {
    const float cx = u(rng) * w, cy = u(rng) * h;
    const float rx = 1.f + u(rng) * w / 4.f, ry = 1.f + u(rng) * h / 4.f;
    const float soft = 0.5f + 2.f * u(rng);
    const bool disc = (k % 2) == 0;
    const float4 c{u(rng), u(rng), u(rng), 0.6f + 0.4f * u(rng)};
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
        const float inside = disc ? std::min(rx, ry) - std::sqrt(dx * dx + dy * dy)
                                  : std::min(rx - std::fabs(dx), ry - std::fabs(dy));
        const float a = std::min(std::max(inside / soft + 0.5f, 0.f), 1.f) * c.w;
        if (a <= 0.f) continue;
        float4& p = v[std::size_t(y) * w + x];
        const float oa = a + p.w * (1 - a);
        p = float4{(c.x * a + p.x * p.w * (1 - a)) / oa, (c.y * a + p.y * p.w * (1 - a)) / oa,
                   (c.z * a + p.z * p.w * (1 - a)) / oa, oa};
      }
  }
  return v;
}

std::vector<float4> run_inplace(int w, int h, const std::vector<float4>& in,
                                const std::function<void(ImageView<float4>)>& op) {
  ImageF32 img = make_f32(w, h, in, cpu);
  op(img);
  return io::download(img);
}
}  // namespace

// =============================================================================================
// rounded_corners
// =============================================================================================

TEST_CASE("effect::rounded_corners: hand-computed values", "[effect]") {
  const int w = 8, h = 6;
  const auto in = solid(w, h, float4{0.2f, 0.4f, 0.6f, 1.f});
  const auto out = run_inplace(w, h, in, [](ImageView<float4> v) { effect::rounded_corners(v, 2.f); });
  // (0,0): centre (0.5,0.5), |p - (2,2)| = 2.1213 > r -> 0.
  CHECK(px(out, w, 0, 0).w == 0.f);
  // (1,1): |(1.5,1.5) - (2,2)| = 0.7071, d = -1.29 -> 1.
  CHECK(px(out, w, 1, 1).w == 1.f);
  // (1,0): |(1.5,0.5) - (2,2)| = 1.5811, t = 0.41886 -> t^2 (3 - 2t) = 0.379360
  CHECK(px(out, w, 1, 0).w == Approx(0.379360).margin(1e-5));
  CHECK(px(out, w, 0, 1).w == Approx(0.379360).margin(1e-5));
  // the other corners mirror it: (6,0), (7,1), (1,5), (6,5)
  CHECK(px(out, w, 6, 0).w == Approx(0.379360).margin(1e-5));
  CHECK(px(out, w, 7, 1).w == Approx(0.379360).margin(1e-5));
  CHECK(px(out, w, 1, 5).w == Approx(0.379360).margin(1e-5));
  CHECK(px(out, w, 6, 5).w == Approx(0.379360).margin(1e-5));
  CHECK(px(out, w, 7, 5).w == 0.f);
  // (2,0): px = 2.5 is not < r: outside every zone, untouched
  CHECK(px(out, w, 2, 0).w == 1.f);
  CHECK(px(out, w, 5, 0).w == 1.f);
  // RGB untouched everywhere
  for (const auto& p : out) {
    CHECK(p.x == 0.2f);
    CHECK(p.y == 0.4f);
    CHECK(p.z == 0.6f);
  }
  CHECK(max_abs_diff(out, ref_rounded(in, w, h, 2.f)) <= 1e-6f);
}

TEST_CASE("effect::rounded_corners: matches the reference formula, clamping, edge sizes", "[effect]") {
  struct Case {
    int w, h;
    float r;
  };
  for (auto c : {Case{31, 17, 5.5f}, Case{31, 17, 8.5f}, Case{31, 17, 100.f}, Case{16, 16, 8.f}, Case{40, 9, 3.3f},
                 Case{2, 2, 1.f}, Case{1, 1, 5.f}, Case{1, 9, 2.f}, Case{9, 1, 2.f}, Case{3, 7, 0.25f}}) {
    INFO(c.w << "x" << c.h << " r=" << c.r);
    const auto in = random_f32(c.w, c.h, 11, 0.1f, 1.f);
    const auto out = run_inplace(c.w, c.h, in, [&](ImageView<float4> v) { effect::rounded_corners(v, c.r); });
    CHECK(max_abs_diff(out, ref_rounded(in, c.w, c.h, c.r)) <= 1e-6f);  // the library spells out an fmaf
  }
  // a radius above min(w, h)/2 is clamped to it
  const auto in = random_f32(20, 12, 3, 0.1f, 1.f);
  const auto a = run_inplace(20, 12, in, [](ImageView<float4> v) { effect::rounded_corners(v, 6.f); });
  const auto b = run_inplace(20, 12, in, [](ImageView<float4> v) { effect::rounded_corners(v, 1000.f); });
  CHECK(max_abs_diff(a, b) == 0.f);
  // 1x1 and 1xN: r clamps to 0.5, no pixel centre is strictly inside a corner zone
  const auto one = random_f32(1, 9, 4, 0.1f, 1.f);
  CHECK(max_abs_diff(run_inplace(1, 9, one, [](ImageView<float4> v) { effect::rounded_corners(v, 3.f); }), one) == 0.f);
  // 2x2, r = 1: every pixel is in a zone: d = 0.7071 - 1 -> t = 0.29289, mask = 0.207107
  const auto two = run_inplace(2, 2, solid(2, 2, float4{1, 1, 1, 1}),
                               [](ImageView<float4> v) { effect::rounded_corners(v, 1.f); });
  for (const auto& p : two) CHECK(p.w == Approx(0.207107).margin(1e-5));
  // radius 0: nothing changes
  CHECK(max_abs_diff(run_inplace(20, 12, in, [](ImageView<float4> v) { effect::rounded_corners(v, 0.f); }), in) == 0.f);
}

TEST_CASE("effect::rounded_corners: bad arguments", "[effect][errors]") {
  ImageF32 img(8, 8, cpu);
  fill::color(img, rgba(1, 1, 1, 1));
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(img, -1.f), ErrorCode::invalid_argument,
                          "effect::rounded_corners: radius must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(img, NAN), ErrorCode::invalid_argument, "radius must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(img, INFINITY), ErrorCode::invalid_argument, "radius must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(ImageView<float4>{}, 2.f), ErrorCode::invalid_argument,
                          "img is empty");
  img.free();
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(img, 2.f), ErrorCode::freed, "image was freed");
}

// =============================================================================================
// vignette
// =============================================================================================

TEST_CASE("effect::vignette: hand-computed values", "[effect]") {
  // 3x3, defaults: s0 = 0.4, s1 = 1.4, black, alpha 1
  const auto in = solid(3, 3, float4{0.5f, 0.8f, 1.0f, 0.7f});
  const auto out = run_inplace(3, 3, in, [](ImageView<float4> v) { effect::vignette(v); });
  // centre: d = 0 -> unchanged
  CHECK(px(out, 3, 1, 1).x == 0.5f);
  // corner: d = sqrt(2) = 1.41421 > 1.4 -> k = 1 -> black
  CHECK(px(out, 3, 0, 0).x == 0.f);
  CHECK(px(out, 3, 2, 2).z == 0.f);
  // edge midpoint: d = 1, t = 0.6, k = 0.648 -> rgb * 0.352
  CHECK(px(out, 3, 1, 0).x == Approx(0.5 * 0.352).margin(1e-6));
  CHECK(px(out, 3, 0, 1).y == Approx(0.8 * 0.352).margin(1e-6));
  CHECK(px(out, 3, 2, 1).z == Approx(1.0 * 0.352).margin(1e-6));
  for (const auto& p : out) CHECK(p.w == 0.7f);  // alpha untouched

  // a coloured, half-transparent tint: rgb*(1 - k a) + c k a
  const auto tint = run_inplace(3, 3, in, [](ImageView<float4> v) {
    effect::vignette(v, {.radius = 0.9f, .softness = 1.f, .color = rgba(1.f, 0.f, 0.f, 0.5f)});
  });
  CHECK(px(tint, 3, 0, 0).x == Approx(0.5 * 0.5 + 1.0 * 0.5).margin(1e-6));
  CHECK(px(tint, 3, 1, 0).y == Approx(0.8 * (1 - 0.324)).margin(1e-6));
  CHECK(max_abs_diff(tint, ref_vignette(in, 3, 3, 0.9f, 1.f, rgba(1.f, 0.f, 0.f, 0.5f))) <= 1e-6f);
}

TEST_CASE("effect::vignette: 1-pixel-wide and -high images, clamping, reference formula", "[effect]") {
  // w == 1: u = 0 (the reference divides by zero); along y it is the usual profile
  const auto col = random_f32(1, 5, 1, 0.2f, 1.f);
  const auto c1 = run_inplace(1, 5, col, [](ImageView<float4> v) { effect::vignette(v); });
  for (const auto& p : c1) {
    CHECK(std::isfinite(p.x));
    CHECK(std::isfinite(p.y));
  }
  CHECK(px(c1, 1, 0, 2).x == px(col, 1, 0, 2).x);                               // centre row: d = 0
  CHECK(px(c1, 1, 0, 0).x == Approx(px(col, 1, 0, 0).x * 0.352f).margin(1e-6));  // v = -1: d = 1
  CHECK(max_abs_diff(c1, ref_vignette(col, 1, 5, 0.9f, 1.f, rgba(0, 0, 0, 1))) <= 1e-6f);
  const auto row = random_f32(7, 1, 2, 0.2f, 1.f);
  const auto r1 = run_inplace(7, 1, row, [](ImageView<float4> v) { effect::vignette(v); });
  CHECK(max_abs_diff(r1, ref_vignette(row, 7, 1, 0.9f, 1.f, rgba(0, 0, 0, 1))) <= 1e-6f);
  CHECK(px(r1, 7, 3, 0).x == px(row, 7, 3, 0).x);
  const auto single = random_f32(1, 1, 3, 0.2f, 1.f);
  CHECK(max_abs_diff(run_inplace(1, 1, single, [](ImageView<float4> v) { effect::vignette(v); }), single) == 0.f);

  // negative radius/softness clamp to 0: a hard edge at d = 0; the centre pixel (d == radius,
  // softness 0) stays unchanged instead of the reference's NaN
  const auto in = random_f32(5, 5, 4, 0.2f, 1.f);
  const auto hard = run_inplace(5, 5, in, [](ImageView<float4> v) {
    effect::vignette(v, {.radius = -1.f, .softness = -3.f});
  });
  CHECK(px(hard, 5, 2, 2).x == px(in, 5, 2, 2).x);
  CHECK(px(hard, 5, 0, 2).x == 0.f);
  const auto zero = run_inplace(5, 5, in, [](ImageView<float4> v) { effect::vignette(v, {.radius = 0.f, .softness = 0.f}); });
  CHECK(max_abs_diff(hard, zero) == 0.f);

  for (float r : {0.f, 0.3f, 0.9f, 2.f})
    for (float s : {0.f, 0.5f, 1.f, 3.f}) {
      const int w = 23, h = 14;
      const auto src = random_f32(w, h, 5, 0.f, 1.f);
      const float4 c = rgba(0.1f, 0.7f, 0.3f, 0.8f);
      const auto got = run_inplace(w, h, src, [&](ImageView<float4> v) {
        effect::vignette(v, {.radius = r, .softness = s, .color = c});
      });
      INFO("radius " << r << " softness " << s);
      CHECK(max_abs_diff(got, ref_vignette(src, w, h, r, s, c)) <= 1e-6f);
    }
  // colour alpha 0: nothing changes
  CHECK(max_abs_diff(run_inplace(5, 5, in, [](ImageView<float4> v) {
                       effect::vignette(v, {.color = rgba(1, 0, 0, 0)});
                     }),
                     in) == 0.f);
}

TEST_CASE("effect::vignette: bad arguments", "[effect][errors]") {
  ImageF32 img(4, 4, cpu);
  fill::color(img, rgba(1, 1, 1, 1));
  REQUIRE_IMAGECUDA_ERROR(effect::vignette(img, {.radius = NAN}), ErrorCode::invalid_argument,
                          "effect::vignette: radius must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::vignette(img, {.softness = INFINITY}), ErrorCode::invalid_argument,
                          "softness must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::vignette(img, {.color = rgba(0, NAN, 0, 1)}), ErrorCode::invalid_argument,
                          "color must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::vignette(ImageView<float4>{}), ErrorCode::invalid_argument, "img is empty");
}

// =============================================================================================
// chroma_key
// =============================================================================================

TEST_CASE("effect::chroma_key: hand-computed values", "[effect]") {
  // key green (0,1,0) -> hsv (120, 1, 1); threshold 0.4, smoothness 0.1, spill 0.5
  const std::vector<float4> in = {
      {0.f, 1.f, 0.f, 1.f},      // the key: dist 0 -> alpha 0, no spill (alpha not in (0.1, 0.9))
      {1.f, 0.f, 0.f, 1.f},      // red: hd = 2/3, dist = 0.9428 -> untouched
      {0.25f, 0.8f, 0.25f, 1.f}, // hsv (120, 0.6875, 0.8): dist = 0.343011 -> alpha 0.395847, spill
      {0.2f, 0.8f, 0.2f, 0.5f},  // dist = 0.287228 < 0.3 -> alpha 0
  };
  const auto out = run_inplace(4, 1, in, [](ImageView<float4> v) { effect::chroma_key(v); });
  CHECK(out[0].w == 0.f);
  CHECK(out[0].y == 1.f);
  CHECK(out[1].x == 1.f);
  CHECK(out[1].w == 1.f);
  CHECK(out[2].w == Approx(0.395847).margin(2e-5));
  // amt = 0.302077; s = (0.25, 0.497923, 0.25); luma 0.57285 / 0.395531 = 1.448306
  CHECK(out[2].x == Approx(0.362077).margin(2e-5));
  CHECK(out[2].y == Approx(0.721145).margin(2e-5));
  CHECK(out[2].z == Approx(0.362077).margin(2e-5));
  CHECK(out[3].w == 0.f);
  CHECK(out[3].x == 0.2f);
  for (int i = 0; i < 4; ++i) {
    const float4 r = ref_chroma(in[i], rgba(0, 1, 0), 0.4, 0.1, 0.5);
    CHECK(std::fabs(out[i].x - r.x) <= 1e-5f);
    CHECK(std::fabs(out[i].w - r.w) <= 1e-5f);
  }
}

TEST_CASE("effect::chroma_key: reference formula; thresholds at 0 and 1", "[effect]") {
  const int w = 64, h = 40;
  auto in = random_f32(w, h, 21, 0.f, 1.f);
  // bias half the pixels towards a bluish key so that every branch is exercised
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-0.25f, 0.25f);
  for (std::size_t i = 0; i < in.size(); i += 2)
    in[i] = float4{std::clamp(0.1f + u(rng), 0.f, 1.f), std::clamp(0.2f + u(rng), 0.f, 1.f),
                   std::clamp(0.9f + u(rng), 0.f, 1.f), in[i].w};
  struct Case {
    float t, s, sp;
  };
  const float4 key = rgba(0.1f, 0.2f, 0.9f);
  for (auto c : {Case{0.4f, 0.1f, 0.5f}, Case{1.f, 0.f, 0.f}, Case{1.f, 1.f, 1.f}, Case{0.3f, 0.3f, 1.f},
                 Case{0.5f, 0.00005f, 0.5f}, Case{0.2f, 1.f, 0.0005f}}) {
    INFO("threshold " << c.t << " smoothness " << c.s << " spill " << c.sp);
    const auto got = run_inplace(w, h, in, [&](ImageView<float4> v) {
      effect::chroma_key(v, {.key_color = key, .threshold = c.t, .smoothness = c.s, .spill_suppression = c.sp});
    });
    float worst = 0.f;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const float4 r = ref_chroma(in[i], key, c.t, c.s, c.sp);
      worst = std::max({worst, std::fabs(got[i].x - r.x), std::fabs(got[i].y - r.y), std::fabs(got[i].z - r.z),
                        std::fabs(got[i].w - r.w)});
    }
    CHECK(worst <= 1e-4f);  // float kernel vs double re-implementation (smoothstep near its edges)
  }
  // threshold 1, smoothness 0: a hard key of everything closer than 1 (alpha exactly 0)
  const auto all = run_inplace(4, 1, std::vector<float4>(4, float4{0.1f, 0.2f, 0.9f, 1.f}), [&](ImageView<float4> v) {
    effect::chroma_key(v, {.key_color = key, .threshold = 1.f, .smoothness = 0.f});
  });
  for (const auto& p : all) CHECK(p.w == 0.f);
  // threshold 0 (and below 1e-6): nothing changes
  for (float t : {0.f, 5e-7f}) {
    const auto same = run_inplace(w, h, in, [&](ImageView<float4> v) {
      effect::chroma_key(v, {.key_color = key, .threshold = t, .smoothness = 1.f});
    });
    CHECK(max_abs_diff(same, in) == 0.f);
  }
}

TEST_CASE("effect::chroma_key: bad arguments", "[effect][errors]") {
  ImageF32 img(4, 4, cpu);
  fill::color(img, rgba(0, 1, 0, 1));
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.threshold = -0.1f}), ErrorCode::invalid_argument,
                          "effect::chroma_key: threshold must be in [0, 1], got -0.1");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.threshold = 1.5f}), ErrorCode::invalid_argument,
                          "threshold must be in [0, 1], got 1.5");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.threshold = NAN}), ErrorCode::invalid_argument,
                          "threshold must be in [0, 1]");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.smoothness = 1.01f}), ErrorCode::invalid_argument,
                          "smoothness must be in [0, 1], got 1.01");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.spill_suppression = -1.f}), ErrorCode::invalid_argument,
                          "spill_suppression must be in [0, 1], got -1");
  // validated even when threshold 0 makes the call a no-op
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.threshold = 0.f, .smoothness = 2.f}),
                          ErrorCode::invalid_argument, "smoothness must be in [0, 1], got 2");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(img, {.key_color = rgba(0, INFINITY, 0)}), ErrorCode::invalid_argument,
                          "key_color must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::chroma_key(ImageView<float4>{}), ErrorCode::invalid_argument, "img is empty");
}

TEST_CASE("effect: in-place ops on a crop view change only the view", "[effect]") {
  const int w = 50, h = 40;
  const auto base = random_f32(w, h, 77, 0.f, 1.f);
  const std::function<void(ImageView<float4>)> ops[] = {
      [](ImageView<float4> v) { effect::rounded_corners(v, 6.f); },
      [](ImageView<float4> v) { effect::vignette(v, {.radius = 0.5f, .softness = 0.4f, .color = rgba(1, 0, 0, 1)}); },
      [](ImageView<float4> v) { effect::chroma_key(v, {.key_color = rgba(0.5f, 0.5f, 0.5f), .threshold = 1.f}); },
  };
  for (const auto& op : ops) {
    ImageF32 img = make_f32(w, h, base, cpu);
    const int cx = 7, cy = 5, cw = 30, ch = 21;
    op(img.crop_view(cx, cy, cw, ch));
    const auto out = io::download(img);
    // the crop equals the op on a standalone copy of the crop
    std::vector<float4> sub;
    for (int y = cy; y < cy + ch; ++y)
      for (int x = cx; x < cx + cw; ++x) sub.push_back(px(base, w, x, y));
    const auto expect = run_inplace(cw, ch, sub, op);
    std::size_t changed_outside = 0, mismatched_inside = 0, changed_inside = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const float4 a = px(out, w, x, y), b = px(base, w, x, y);
        const bool same = a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w;
        if (x >= cx && x < cx + cw && y >= cy && y < cy + ch) {
          const float4 e = px(expect, cw, x - cx, y - cy);
          if (!(a.x == e.x && a.y == e.y && a.z == e.z && a.w == e.w)) ++mismatched_inside;
          if (!same) ++changed_inside;
        } else if (!same) {
          ++changed_outside;
        }
      }
    CHECK(changed_outside == 0u);
    CHECK(mismatched_inside == 0u);
    CHECK(changed_inside > 0u);
  }
}

// =============================================================================================
// stroke
// =============================================================================================

TEST_CASE("effect::stroke: hand-computed values", "[effect]") {
  // one opaque red pixel, width 2, outside + expand: a 5x5 canvas, the pixel at (2,2)
  ImageF32 dot = make_f32(1, 1, {float4{1, 0, 0, 1}}, cpu);
  const auto out = io::download(effect::stroke(dot, {.width = 2}));
  REQUIRE(out.size() == 25u);
  auto at = [&](int x, int y) { return out[std::size_t(y) * 5 + x]; };
  CHECK(at(2, 2).x == 1.f);  // the source over the stroke
  CHECK(at(2, 2).w == 1.f);
  CHECK(at(1, 2).w == 1.f);  // d = 1: f = min(1, 2 - 1) = 1, black
  CHECK(at(1, 2).x == 0.f);
  CHECK(at(3, 3).w == Approx(2.0 - std::sqrt(2.0)).margin(1e-6));  // d = sqrt 2: f = 0.585786
  CHECK(at(0, 2).w == 0.f);  // d = 2: f = 0
  CHECK(at(0, 1).w == 0.f);  // d = sqrt 5 > 2
  CHECK(at(0, 0).w == 0.f);

  // inside: a 5x5 opaque white square, red stroke; the border pixels are the seeds
  ImageF32 sq = make_f32(5, 5, solid(5, 5, float4{1, 1, 1, 1}), cpu);
  const auto in1 = io::download(effect::stroke(sq, {.width = 1, .color = rgba(1, 0, 0), .position = effect::StrokePosition::inside}));
  REQUIRE(in1.size() == 25u);
  CHECK(in1[0].y == 0.f);    // border: d = 0, f = 1 -> red
  CHECK(in1[0].w == 1.f);
  CHECK(in1[6].y == 1.f);    // (1,1): d = 1 -> f = 0 -> white
  const auto in2 = io::download(effect::stroke(sq, {.width = 2, .color = rgba(1, 0, 0), .position = effect::StrokePosition::inside}));
  CHECK(in2[6].y == 0.f);    // (1,1): d = 1 -> f = 1
  CHECK(in2[12].y == 1.f);   // (2,2): d = 2 -> f = 0
  // half-transparent stroke colour inside: rgb = c m + s (1 - m), alpha from the source
  const auto in3 = io::download(effect::stroke(sq, {.width = 1, .color = rgba(0, 0, 0, 0.25f), .position = effect::StrokePosition::inside}));
  CHECK(in3[0].x == Approx(0.75).margin(1e-6));
  CHECK(in3[0].w == 1.f);
}

TEST_CASE("effect::stroke: canvas rules", "[effect]") {
  ImageF32 img = make_f32(9, 5, shapes(9, 5, 1), cpu);
  using effect::StrokePosition;
  auto size = [&](effect::StrokeParams p) {
    ImageF32 o = effect::stroke(img, p);
    return std::pair{o.width(), o.height()};
  };
  CHECK(size({.width = 3}) == std::pair{15, 11});
  CHECK(size({.width = 3, .expand = false}) == std::pair{9, 5});
  CHECK(size({.width = 3, .position = StrokePosition::inside}) == std::pair{9, 5});
  CHECK(size({.width = 3, .position = StrokePosition::inside, .expand = true}) == std::pair{9, 5});
  const auto c = effect::stroke_canvas(9, 5, {.width = 4});
  CHECK(c.width == 17);
  CHECK(c.height == 13);
  CHECK(c.offset == 4);
}

TEST_CASE("effect::stroke: exact distances equal a brute-force nearest-seed search", "[effect]") {
  using effect::StrokePosition;
  struct Case {
    int w, h;
    std::uint32_t seed;
    int kind;  // 0 shapes, 1 noise alpha, 2 a single pixel, 3 opaque
  };
  int checked = 0;
  for (auto c : {Case{37, 23, 1, 0}, Case{64, 48, 2, 0}, Case{130, 20, 3, 0}, Case{20, 130, 4, 0}, Case{29, 31, 5, 1},
                 Case{1, 1, 6, 3}, Case{1, 9, 7, 0}, Case{9, 1, 8, 3}, Case{200, 7, 9, 2}, Case{7, 200, 10, 2},
                 Case{150, 90, 11, 0}, Case{33, 17, 12, 3}}) {
    std::vector<float4> src;
    if (c.kind == 0) src = shapes(c.w, c.h, c.seed, 3);
    if (c.kind == 1) {
      src = random_f32(c.w, c.h, c.seed, 0.f, 1.f);
      for (auto& p : src) p.w = p.w < 0.5f ? 0.f : p.w;
    }
    if (c.kind == 2) {
      src = solid(c.w, c.h, float4{0, 0, 0, 0});
      src[std::size_t(c.h / 2) * c.w + c.w / 3] = float4{1, 1, 1, 1};
    }
    if (c.kind == 3) src = solid(c.w, c.h, float4{0.3f, 0.3f, 0.3f, 1.f});
    ImageF32 img = make_f32(c.w, c.h, src, cpu);
    for (auto p : {effect::StrokeParams{.width = 1}, effect::StrokeParams{.width = 7},
                   effect::StrokeParams{.width = 70}, effect::StrokeParams{.width = 5, .expand = false},
                   effect::StrokeParams{.width = 3, .position = StrokePosition::inside}}) {
      INFO(c.w << "x" << c.h << " kind " << c.kind << " width " << p.width << " inside "
               << (p.position == StrokePosition::inside) << " expand " << p.expand);
      const auto cv = effect::stroke_canvas(c.w, c.h, p);
      const auto got = effect::detail::stroke_distances(img, p);
      const auto want = brute_d2(ref_seeds(src, c.w, c.h, cv.offset), cv.width, cv.height);
      REQUIRE(got.size() == want.size());
      std::size_t bad = 0;
      for (std::size_t i = 0; i < got.size(); ++i) bad += got[i] != want[i];
      CHECK(bad == 0u);
      ++checked;
      // and the composite equals the reference's formula on the brute-force distances
      const auto out = io::download(effect::stroke(img, p));
      CHECK(max_abs_diff(out, ref_stroke(src, c.w, c.h, p)) <= 1e-6f);
    }
  }
  CHECK(checked == 60);
}

TEST_CASE("effect::stroke: transparent sources, crop views, in place", "[effect]") {
  using effect::StrokePosition;
  // nothing opaque: no seeds, an empty stroke
  ImageF32 clear = make_f32(6, 4, solid(6, 4, float4{0.5f, 0.5f, 0.5f, 0.f}), cpu);
  for (const auto& p : io::download(effect::stroke(clear, {.width = 3}))) CHECK(p.w == 0.f);
  for (const auto& p : io::download(effect::stroke(clear, {.position = StrokePosition::inside}))) CHECK(p.w == 0.f);

  // a crop view source equals a standalone copy of the crop
  const int w = 60, h = 50;
  const auto big = shapes(w, h, 42, 5);
  ImageF32 img = make_f32(w, h, big, cpu);
  std::vector<float4> sub;
  for (int y = 10; y < 40; ++y)
    for (int x = 5; x < 45; ++x) sub.push_back(px(big, w, x, y));
  ImageF32 copy = make_f32(40, 30, sub, cpu);
  for (auto p : {effect::StrokeParams{.width = 4, .color = rgba(0.2f, 0.9f, 0.4f, 0.8f)},
                 effect::StrokeParams{.width = 2, .position = StrokePosition::inside}}) {
    const auto a = io::download(effect::stroke(img.crop_view(5, 10, 40, 30), p));
    const auto b = io::download(effect::stroke(copy, p));
    CHECK(max_abs_diff(a, b) == 0.f);
    CHECK(max_abs_diff(a, ref_stroke(sub, 40, 30, p)) <= 1e-6f);
  }

  // in place: dst is the source's own image (big enough for the canvas)
  for (auto p : {effect::StrokeParams{.width = 3, .position = StrokePosition::inside},
                 effect::StrokeParams{.width = 2, .expand = true}}) {
    ImageF32 self(w + 4, h + 4, cpu);
    self.set_size(w, h);
    io::upload(self, big);
    effect::stroke(self, self, p);
    const auto cv = effect::stroke_canvas(w, h, p);
    CHECK(self.width() == cv.width);
    CHECK(self.height() == cv.height);
    CHECK(max_abs_diff(io::download(self), ref_stroke(big, w, h, p)) <= 1e-6f);
  }
}

TEST_CASE("effect::stroke: into dst with a workspace allocates nothing", "[effect][memory]") {
  const int w = 120, h = 80;
  const effect::StrokeParams p{.width = 9, .color = rgba(1, 1, 1, 1)};
  ImageF32 src = make_f32(w, h, shapes(w, h, 3), cpu);
  const auto c = effect::stroke_canvas(w, h, p);
  ImageF32 dst(c.width, c.height, cpu);
  Workspace ws(effect::stroke_requirements(w, h, p), cpu);
  CHECK(ws.size() >= effect::stroke_requirements(w, h, p).bytes);
  const Exec ex{Stream{}, &ws};
  effect::stroke(src, dst, p, ex);
  const auto first = io::download(dst);
  const auto before = memory_stats(cpu);
  for (int i = 0; i < 5; ++i) {
    effect::stroke(src, dst, p, ex);
    effect::stroke(src, dst, {.width = 3, .position = effect::StrokePosition::inside}, ex);  // smaller canvas
    effect::stroke(src, dst, p, ex);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(max_abs_diff(io::download(dst), first) == 0.f);
  CHECK(max_abs_diff(first, ref_stroke(shapes(w, h, 3), w, h, p)) <= 1e-6f);
  // requirements grow with the canvas; max() shares one workspace between ops
  const auto small = effect::stroke_requirements(10, 10, {.width = 1});
  const auto large = effect::stroke_requirements(1920, 1080, {.width = 20});
  CHECK(small.bytes < large.bytes);
  CHECK(max(small, large).bytes == large.bytes);
  CHECK(effect::stroke_requirements(w, h, p, true).bytes >= effect::stroke_requirements(w, h, p).bytes +
                                                                std::size_t(w) * h * sizeof(float4));
}

TEST_CASE("effect::stroke: bad arguments", "[effect][errors]") {
  using effect::StrokePosition;
  ImageF32 src = make_f32(8, 6, shapes(8, 6, 2), cpu);
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, {.width = 0}), ErrorCode::invalid_argument,
                          "effect::stroke: width must be in 1..1000, got 0");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, {.width = 1001}), ErrorCode::invalid_argument,
                          "width must be in 1..1000, got 1001");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, {.width = -5}), ErrorCode::invalid_argument, "got -5");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, {.color = rgba(0, 0, NAN, 1)}), ErrorCode::invalid_argument,
                          "color must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, {.position = static_cast<StrokePosition>(7)}),
                          ErrorCode::invalid_argument, "position must be StrokePosition::outside or ::inside, got 7");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(ConstImageView<float4>{}), ErrorCode::invalid_argument, "src is empty");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke_requirements(0, 5), ErrorCode::invalid_argument, "size must be positive");
  REQUIRE_IMAGECUDA_ERROR(effect::stroke_requirements(5, 5, {.width = 0}), ErrorCode::invalid_argument,
                          "width must be in 1..1000");
  // the canvas may not exceed 32768 on a side
  ImageF32 wide(32768, 1, cpu);
  fill::color(wide, rgba(1, 1, 1, 1));
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(wide, {.width = 2}), ErrorCode::invalid_argument,
                          "the 32772x5 result exceeds the largest side of 32768");
  // dst too small: Error, dst untouched
  ImageF32 dst(5, 5, cpu);
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, dst, {.width = 2}), ErrorCode::invalid_argument,
                          "dst capacity of 25 pixels is too small for 12x10");
  CHECK(dst.width() == 5);
  CHECK(dst.height() == 5);
  ImageF32 freed(20, 20, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, freed), ErrorCode::freed, "dst was freed");
  ImageF32 empty;
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, empty), ErrorCode::invalid_argument, "dst is empty");
}

TEST_CASE("effect: the docs example compiles and runs", "[effect][docs]") {
  ImageF32 card = make_f32(96, 64, random_f32(96, 64, 1), cpu);
  ImageF32 frame = make_f32(96, 64, random_f32(96, 64, 2), cpu);
  ImageF32 logo = make_f32(40, 30, shapes(40, 30, 3), cpu);
  Workspace workspace(cpu);
  const Stream stream{};
  // example-begin effect
  // In place, on an image or any view of one:
  effect::rounded_corners(card, 16.f);
  effect::vignette(card, {.radius = 0.8f, .softness = 0.6f});
  effect::chroma_key(frame, {.key_color = hex("#00ff00"), .threshold = 0.35f});
  // stroke makes a new canvas (outside + expand: 2 * width larger on each axis) ...
  ImageF32 outlined = effect::stroke(logo, {.width = 6, .color = hex("#ffffff")});
  // ... or writes into a caller's image with a workspace: no allocation at all.
  ImageF32 out(52, 42, logo.device());
  workspace.reserve(effect::stroke_requirements(logo.width(), logo.height(), {.width = 6}));
  effect::stroke(logo, out, {.width = 6}, {stream, &workspace});
  // example-end
  CHECK(outlined.width() == 52);
  CHECK(max_abs_diff(io::download(out), ref_stroke(shapes(40, 30, 3), 40, 30, {.width = 6})) <= 1e-6f);
}

TEST_CASE("effect::stroke: distance transform stress (sparse seeds, huge widths)", "[effect]") {
  using effect::StrokePosition;
  // isolated pixels are all seeds (their neighbours are transparent): random sparse seed sets
  for (double density : {0.0005, 0.005, 0.03}) {
    const int w = 257, h = 190;
    std::mt19937 rng(unsigned(density * 1e6));
    std::bernoulli_distribution on(density);
    std::vector<float4> src(std::size_t(w) * h, float4{0, 0, 0, 0});
    for (auto& p : src)
      if (on(rng)) p = float4{1, 1, 1, 1};
    ImageF32 img = make_f32(w, h, src, cpu);
    const effect::StrokeParams p{.width = 4, .position = StrokePosition::inside};
    const auto got = effect::detail::stroke_distances(img, p);
    const auto want = brute_d2(ref_seeds(src, w, h, 0), w, h);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got.size(); ++i) bad += got[i] != want[i];
    INFO("density " << density);
    CHECK(bad == 0u);
  }
  // width 1000 around a 3x2 source: a 2003x2002 canvas, distances up to ~1416
  const auto tiny = shapes(3, 2, 9, 1);
  std::vector<float4> src = tiny;
  src[0].w = 1.f;
  ImageF32 img = make_f32(3, 2, src, cpu);
  const effect::StrokeParams p{.width = 1000, .color = rgba(0.2f, 0.4f, 0.6f, 0.9f)};
  const auto got = effect::detail::stroke_distances(img, p);
  const auto want = brute_d2(ref_seeds(src, 3, 2, 1000), 2003, 2002);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) bad += got[i] != want[i];
  CHECK(bad == 0u);
  CHECK(max_abs_diff(io::download(effect::stroke(img, p)), ref_stroke(src, 3, 2, p)) <= 1e-6f);
}
