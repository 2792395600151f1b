// SPDX-License-Identifier: MIT
/// transform on the CPU backend: flip, rotate (exact paths and the reference's arbitrary kernel
/// ported literally), crop with padding, zoom at dst's logical size, fringes, reuse, errors.
#include <cmath>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();

std::vector<float4> opaque(int w, int h, std::uint32_t seed) {
  auto v = test::random_f32(w, h, seed);
  for (auto& p : v) p.w = 1.f;
  return v;
}

float4 px(const std::vector<float4>& v, int w, int x, int y) { return v[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
bool same(float4 a, float4 b) { return a.x == b.x && a.y == b.y && a.z == b.z && a.w == b.w; }

// The reference's bilinear and nearest samplers (straight alpha; literal ports).
float4 ref_nearest(const std::vector<float4>& in, int w, int h, float sx, float sy) {
  const int ix = std::clamp((int)floorf(sx + 0.5f), 0, w - 1), iy = std::clamp((int)floorf(sy + 0.5f), 0, h - 1);
  return px(in, w, ix, iy);
}
float4 ref_bilinear(const std::vector<float4>& in, int w, int h, float sx, float sy) {
  const float fx = fminf(fmaxf(sx, 0.f), float(w - 1)), fy = fminf(fmaxf(sy, 0.f), float(h - 1));
  const int x0 = int(fx), y0 = int(fy), x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
  const float tx = fx - float(x0), ty = fy - float(y0);
  const float4 a = px(in, w, x0, y0), b = px(in, w, x1, y0), c = px(in, w, x0, y1), d = px(in, w, x1, y1);
  auto l = [](float p, float q, float t) { return fmaf(q - p, t, p); };
  const float4 t{l(a.x, b.x, tx), l(a.y, b.y, tx), l(a.z, b.z, tx), l(a.w, b.w, tx)};
  const float4 u{l(c.x, d.x, tx), l(c.y, d.y, tx), l(c.z, d.z, tx), l(c.w, d.w, tx)};
  return float4{l(t.x, u.x, ty), l(t.y, u.y, ty), l(t.z, u.z, ty), l(t.w, u.w, ty)};
}

/// rotate_arbitrary_f32, literally (the products contracted as nvcc does).
std::vector<float4> ref_rotate(const std::vector<float4>& in, int W, int H, int dW, int dH, float angle, bool bil) {
  const float th = angle * (3.14159265359f / 180.f);
  const float cs = std::cos(th), sn = std::sin(th);
  const float dcx = float(dW) / 2.f - 0.5f, dcy = float(dH) / 2.f - 0.5f;
  const float scx = float(W) / 2.f - 0.5f, scy = float(H) / 2.f - 0.5f;
  std::vector<float4> out(std::size_t(dW) * std::size_t(dH));
  for (int y = 0; y < dH; ++y)
    for (int x = 0; x < dW; ++x) {
      const float dx = float(x) - dcx, dy = float(y) - dcy;
      const float sx = fmaf(dx, cs, fmaf(dy, sn, scx));
      const float sy = fmaf(-dx, sn, fmaf(dy, cs, scy));
      float4 v{0, 0, 0, 0};
      if (sx > -0.5f && sx < float(W) - 0.5f && sy > -0.5f && sy < float(H) - 0.5f)
        v = bil ? ref_bilinear(in, W, H, sx, sy) : ref_nearest(in, W, H, sx, sy);
      out[std::size_t(y) * std::size_t(dW) + std::size_t(x)] = v;
    }
  return out;
}

/// zoom_f32, literally.
std::vector<float4> ref_zoom(const std::vector<float4>& in, int W, int H, int dW, int dH, float zoom, float cx,
                             float cy) {
  const float vw = float(dW) / zoom, vh = float(dH) / zoom, vx = cx - vw / 2.f, vy = cy - vh / 2.f;
  std::vector<float4> out(std::size_t(dW) * std::size_t(dH));
  for (int y = 0; y < dH; ++y)
    for (int x = 0; x < dW; ++x) {
      const float sx = fmaf(float(x) / float(dW), vw, vx), sy = fmaf(float(y) / float(dH), vh, vy);
      float4 v{0, 0, 0, 0};
      if (!(sx < 0 || sx >= float(W) || sy < 0 || sy >= float(H))) v = ref_bilinear(in, W, H, sx, sy);
      out[std::size_t(y) * std::size_t(dW) + std::size_t(x)] = v;
    }
  return out;
}

std::vector<float4> white_square(int n, int lo, int hi) {
  std::vector<float4> v(std::size_t(n) * n, float4{0, 0, 0, 0});
  for (int y = lo; y < hi; ++y)
    for (int x = lo; x < hi; ++x) v[std::size_t(y) * n + std::size_t(x)] = float4{1, 1, 1, 1};
  return v;
}
const Interpolation all_modes[] = {Interpolation::nearest, Interpolation::bilinear, Interpolation::bicubic,
                                   Interpolation::lanczos};
}  // namespace

TEST_CASE("transform::flip: directions by hand; twice is identity", "[transform]") {
  const auto in = test::random_f32(3, 2, 1);
  ImageF32 src = test::make_f32(3, 2, in, cpu);
  const auto h = io::download(transform::flip(src));
  const auto v = io::download(transform::flip(src, {.direction = transform::FlipDirection::vertical}));
  const auto b = io::download(transform::flip(src, {.direction = transform::FlipDirection::both}));
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 3; ++x) {
      CHECK(same(px(h, 3, x, y), px(in, 3, 2 - x, y)));
      CHECK(same(px(v, 3, x, y), px(in, 3, x, 1 - y)));
      CHECK(same(px(b, 3, x, y), px(in, 3, 2 - x, 1 - y)));
    }
  const auto big = test::random_f32(101, 67, 2);
  ImageF32 s2 = test::make_f32(101, 67, big, cpu);
  for (auto d : {transform::FlipDirection::horizontal, transform::FlipDirection::vertical,
                 transform::FlipDirection::both}) {
    ImageF32 once = transform::flip(s2, {.direction = d});
    CHECK(test::max_abs_diff(io::download(transform::flip(once, {.direction = d})), big) == 0.f);
  }
  // On a crop view.
  const auto c = io::download(transform::flip(s2.crop_view(10, 5, 20, 9)));
  CHECK(same(c[0], px(big, 101, 29, 5)));
}

TEST_CASE("transform::rotate: exact 90/180/270 paths, sizes, four quarter turns", "[transform]") {
  const auto in = test::random_f32(3, 2, 4);
  ImageF32 src = test::make_f32(3, 2, in, cpu);
  ImageF32 r90 = transform::rotate(src, {.angle = 90.f});
  REQUIRE(r90.width() == 2);
  REQUIRE(r90.height() == 3);
  const auto a = io::download(r90);
  // 90 clockwise: out(x, y) = src(y, H-1-x): the bottom-left pixel goes to the top-left.
  CHECK(same(px(a, 2, 0, 0), px(in, 3, 0, 1)));
  CHECK(same(px(a, 2, 1, 0), px(in, 3, 0, 0)));
  CHECK(same(px(a, 2, 0, 2), px(in, 3, 2, 1)));
  const auto r180 = io::download(transform::rotate(src, {.angle = -180.f}));
  CHECK(same(px(r180, 3, 0, 0), px(in, 3, 2, 1)));
  const auto r270 = io::download(transform::rotate(src, {.angle = 270.004f, .interpolation = Interpolation::lanczos}));
  CHECK(same(px(r270, 2, 0, 0), px(in, 3, 2, 0)));
  CHECK(test::max_abs_diff(io::download(transform::rotate(src, {.angle = 720.f})), in) == 0.f);

  const auto big = test::random_f32(57, 31, 5);
  ImageF32 cur = test::make_f32(57, 31, big, cpu);
  for (int i = 0; i < 4; ++i) cur = transform::rotate(cur, {.angle = 90.f});
  REQUIRE(cur.width() == 57);
  CHECK(test::max_abs_diff(io::download(cur), big) == 0.f);
  cur = test::make_f32(57, 31, big, cpu);
  for (int i = 0; i < 4; ++i) cur = transform::rotate(cur, {.angle = -90.f, .expand = true});
  CHECK(test::max_abs_diff(io::download(cur), big) == 0.f);

  // expand = false on a non-square image: 6x4 rotated 90 is 4x6 placed at ((6-4)//2, (4-6)//2) = (1, -1).
  const auto six = test::random_f32(6, 4, 6);
  const auto e = io::download(transform::rotate(test::make_f32(6, 4, six, cpu), {.angle = 90.f, .expand = false}));
  REQUIRE(e.size() == 24u);
  CHECK(same(px(e, 6, 0, 0), float4{0, 0, 0, 0}));
  CHECK(same(px(e, 6, 5, 3), float4{0, 0, 0, 0}));
  // out(1, 0) -> rx = 0, ry = 1 -> src(1, 3)
  CHECK(same(px(e, 6, 1, 0), px(six, 6, 1, 3)));

  CHECK(transform::rotate_size(100, 50, {.angle = 30.f}).width == 111);
  CHECK(transform::rotate_size(100, 50, {.angle = 30.f}).height == 93);
  CHECK(transform::rotate_size(100, 50, {.angle = 30.f, .expand = false}).width == 100);
  CHECK(transform::rotate_size(100, 50, {.angle = 90.f}).width == 50);
}

TEST_CASE("transform::rotate: arbitrary angles are the reference's kernel on opaque inputs", "[transform]") {
  const int W = 41, H = 27;
  const auto in = opaque(W, H, 7);
  ImageF32 src = test::make_f32(W, H, in, cpu);
  for (float angle : {30.f, -17.5f, 123.f, 359.995f, 45.f}) {
    for (bool expand : {true, false}) {
      for (bool bil : {true, false}) {
        ImageF32 out = transform::rotate(
            src, {.angle = angle, .expand = expand,
                  .interpolation = bil ? Interpolation::bilinear : Interpolation::nearest});
        const auto want = ref_rotate(in, W, H, out.width(), out.height(), angle, bil);
        INFO("angle " << angle << " expand " << expand << " bilinear " << bil);
        CHECK(test::max_abs_diff(io::download(out), want) == 0.f);
      }
    }
  }
  // bicubic / lanczos inside the source agree with resize's samplers at the same points:
  // a rotation by 30 degrees of a constant opaque image is that constant inside, transparent outside.
  std::vector<float4> flat(std::size_t(W) * H, float4{0.25f, 0.5f, 0.75f, 1.f});
  ImageF32 fsrc = test::make_f32(W, H, flat, cpu);
  for (auto m : all_modes) {
    const auto out = io::download(transform::rotate(fsrc, {.angle = 30.f, .interpolation = m}));
    for (const auto& p : out) {
      if (p.w == 0.f) continue;
      CHECK(p.x == Approx(0.25f).margin(1e-5));
      CHECK(p.z == Approx(0.75f).margin(1e-5));
    }
  }
}

TEST_CASE("transform::rotate and zoom: transparent edges keep their colour", "[transform]") {
  const int n = 40;
  ImageF32 src = test::make_f32(n, n, white_square(n, 10, 30), cpu);
  for (auto m : all_modes) {
    for (float angle : {30.f, 71.f}) {
      const auto out = io::download(transform::rotate(src, {.angle = angle, .interpolation = m}));
      float worst = 0;
      int seen = 0;
      for (const auto& p : out)
        if (p.w > 1e-6f) {
          ++seen;
          worst = std::max({worst, std::fabs(p.x - 1.f), std::fabs(p.y - 1.f), std::fabs(p.z - 1.f)});
        }
      INFO("mode " << int(m) << " angle " << angle);
      CHECK(seen > 0);
      CHECK(worst <= 1e-5f);
    }
    const auto z = io::download(transform::zoom(src, {.zoom_factor = 3.3f, .center_x = 12.f, .interpolation = m}));
    float worst = 0;
    for (const auto& p : z)
      if (p.w > 1e-6f) worst = std::max({worst, std::fabs(p.x - 1.f), std::fabs(p.y - 1.f), std::fabs(p.z - 1.f)});
    CHECK(worst <= 1e-5f);
  }
}

TEST_CASE("transform::crop: transparent padding outside the source; full crop copies", "[transform]") {
  const auto in = test::random_f32(3, 3, 8);
  ImageF32 src = test::make_f32(3, 3, in, cpu);
  const auto c = io::download(transform::crop(src, {.x = -2, .y = -1, .width = 5, .height = 4}));
  REQUIRE(c.size() == 20u);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 5; ++x) {
      const int sx = x - 2, sy = y - 1;
      const bool inside = sx >= 0 && sy >= 0 && sx < 3 && sy < 3;
      CHECK(same(px(c, 5, x, y), inside ? px(in, 3, sx, sy) : float4{0, 0, 0, 0}));
    }
  CHECK(test::max_abs_diff(io::download(transform::crop(src, {.x = 0, .y = 0, .width = 3, .height = 3})), in) == 0.f);
  const auto far = io::download(transform::crop(src, {.x = 100, .y = 100, .width = 2, .height = 2}));
  for (const auto& p : far) CHECK(same(p, float4{0, 0, 0, 0}));
  // Inside: equals the zero-copy crop_view.
  const auto inside = io::download(transform::crop(src, {.x = 1, .y = 1, .width = 2, .height = 2}));
  ImageF32 v(2, 2, cpu);
  io::copy(src.crop_view(1, 1, 2, 2), v.view());
  CHECK(test::max_abs_diff(inside, io::download(v)) == 0.f);
}

TEST_CASE("transform::zoom: the reference's mapping; dst keeps its logical size", "[transform]") {
  const int W = 50, H = 30;
  const auto in = opaque(W, H, 9);
  ImageF32 src = test::make_f32(W, H, in, cpu);
  ImageF32 z = transform::zoom(src);
  REQUIRE(z.width() == W);
  CHECK(test::max_abs_diff(io::download(z), ref_zoom(in, W, H, W, H, 2.f, 25.f, 15.f)) == 0.f);
  const auto zo = io::download(transform::zoom(src, {.zoom_factor = 0.5f, .center_x = 10.f, .center_y = 99.f}));
  CHECK(test::max_abs_diff(zo, ref_zoom(in, W, H, W, H, 0.5f, 10.f, 29.f)) == 0.f);  // centre clamped to h-1
  CHECK(same(zo[0], float4{0, 0, 0, 0}));
  // dst renders at its current logical size (not resized).
  ImageF32 dst(80, 80, cpu);
  dst.set_size(40, 20);
  transform::zoom(src, dst, {.zoom_factor = 1.5f});
  CHECK(dst.width() == 40);
  CHECK(dst.height() == 20);
  CHECK(test::max_abs_diff(io::download(dst), ref_zoom(in, W, H, 40, 20, 1.5f, 25.f, 15.f)) == 0.f);
}

TEST_CASE("transform: destination reuse", "[transform]") {
  ImageF32 src = test::make_f32(30, 20, test::random_f32(30, 20, 10), cpu);
  ImageF32 dst(40, 40, cpu);
  const auto before = memory_stats(cpu);
  transform::rotate(src, dst, {.angle = 90.f});
  CHECK(dst.width() == 20);
  CHECK(dst.height() == 30);
  transform::rotate(src, dst, {.angle = 10.f});
  transform::flip(src, dst);
  transform::crop(src, dst, {.x = 5, .y = 5, .width = 10, .height = 12});
  CHECK(dst.width() == 10);
  transform::zoom(src, dst, {.zoom_factor = 3.f});
  CHECK(memory_stats(cpu).allocations == before.allocations);
  REQUIRE_IMAGECUDA_ERROR(transform::crop(src, dst, {.x = 0, .y = 0, .width = 41, .height = 40}),
                          ErrorCode::invalid_argument, "capacity");
  ImageF32 big(100, 100, cpu);
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(big.crop_view(0, 0, 60, 40), dst, {.angle = 45.f, .expand = false}),
                          ErrorCode::invalid_argument, "capacity");  // 60x40 > 1600
  CHECK(dst.width() == 10);
}

TEST_CASE("transform: bad arguments throw imagecuda::Error", "[transform]") {
  ImageF32 src = test::make_f32(16, 16, test::random_f32(16, 16, 1), cpu);
  ImageF32 small(4, 4, cpu);
  const float nan = std::nanf("");
  const float inf = std::numeric_limits<float>::infinity();
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, {.angle = nan}), ErrorCode::invalid_argument, "angle");
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, {.angle = inf}), ErrorCode::invalid_argument, "angle");
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, {.angle = 10.f, .interpolation = static_cast<Interpolation>(4)}),
                          ErrorCode::invalid_argument, "interpolation");
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, small, {.angle = 90.f}), ErrorCode::invalid_argument, "capacity");
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, src, {.angle = 90.f}), ErrorCode::invalid_argument, "overlap");
  REQUIRE_IMAGECUDA_ERROR(transform::flip(src, src), ErrorCode::invalid_argument, "overlap");
  REQUIRE_IMAGECUDA_ERROR(transform::flip(src, small), ErrorCode::invalid_argument, "capacity");
  REQUIRE_IMAGECUDA_ERROR(transform::flip(src, {.direction = static_cast<transform::FlipDirection>(3)}),
                          ErrorCode::invalid_argument, "direction");
  REQUIRE_IMAGECUDA_ERROR(transform::crop(src, {.x = 0, .y = 0, .width = 0, .height = 4}), ErrorCode::invalid_argument,
                          "positive");
  REQUIRE_IMAGECUDA_ERROR(transform::crop(src, {.x = 0, .y = 0, .width = 4, .height = -1}),
                          ErrorCode::invalid_argument, "positive");
  REQUIRE_IMAGECUDA_ERROR(transform::crop(src, {.x = 0, .y = 0, .width = 40000, .height = 1}),
                          ErrorCode::invalid_argument, "32768");
  REQUIRE_IMAGECUDA_ERROR(transform::crop(src, small, {.x = 0, .y = 0, .width = 5, .height = 5}),
                          ErrorCode::invalid_argument, "capacity");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, {.zoom_factor = 0.f}), ErrorCode::invalid_argument, "zoom_factor");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, {.zoom_factor = -2.f}), ErrorCode::invalid_argument, "zoom_factor");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, {.zoom_factor = nan}), ErrorCode::invalid_argument, "zoom_factor");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, {.center_x = nan}), ErrorCode::invalid_argument, "center_x");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, src), ErrorCode::invalid_argument, "overlap");
  ImageF32 freed(4, 4, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(transform::flip(freed), ErrorCode::freed, "freed");
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, freed, {.angle = 3.f}), ErrorCode::freed, "freed");
  REQUIRE_IMAGECUDA_ERROR(transform::zoom(src, freed), ErrorCode::freed, "freed");
  REQUIRE_IMAGECUDA_ERROR(transform::crop(freed, {.x = 0, .y = 0, .width = 2, .height = 2}), ErrorCode::freed, "freed");
  ImageF32 huge(1, 1, cpu);
  REQUIRE_IMAGECUDA_ERROR(transform::rotate_size(32768, 32768, {.angle = 45.f}), ErrorCode::invalid_argument, "32768");
}

TEST_CASE("transform: documentation example", "[transform]") {
  ImageF32 img = test::make_f32(320, 200, test::random_f32(320, 200, 22), cpu);
  // example-begin transform
  using namespace imagecuda;
  ImageF32 mirrored = transform::flip(img, {.direction = transform::FlipDirection::both});
  ImageF32 tilted = transform::rotate(img, {.angle = 30.f});                  // 377x333, expanded
  ImageF32 quarter = transform::rotate(img, {.angle = 90.f});                 // 200x320, lossless
  ImageF32 padded = transform::crop(img, {.x = -10, .y = -10, .width = 100, .height = 100});
  ImageF32 zoomed = transform::zoom(img, {.zoom_factor = 2.f, .center_x = 80.f, .interpolation = Interpolation::lanczos});
  // example-end
  CHECK(mirrored.width() == 320);
  CHECK(tilted.width() == 377);
  CHECK(tilted.height() == 333);
  CHECK(quarter.width() == 200);
  CHECK(padded.width() == 100);
  CHECK(zoomed.width() == 320);
}
