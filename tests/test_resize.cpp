// SPDX-License-Identifier: MIT
/// resize on the CPU backend: hand-computed samples, the reference's kernels ported literally
/// (antialias off, opaque inputs), antialiasing, transparent-edge fringes, fit, reuse, errors.
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

// ---- The reference (PyImageCUDA 0.1.4 src/common.h + resize kernel), straight alpha, literal. ----
struct Ref {
  const std::vector<float4>& px;
  int w, h;
  float4 at(int x, int y) const { return px[std::size_t(y) * std::size_t(w) + std::size_t(x)]; }
  static float4 f4(float a, float b, float c, float d) { return float4{a, b, c, d}; }

  float4 nearest(float sx, float sy) const {
    int ix = (int)floorf(sx + 0.5f), iy = (int)floorf(sy + 0.5f);
    ix = std::clamp(ix, 0, w - 1);
    iy = std::clamp(iy, 0, h - 1);
    return at(ix, iy);
  }
  float4 bilinear(float sx, float sy) const {
    const float fx = fminf(fmaxf(sx, 0.f), float(w - 1)), fy = fminf(fmaxf(sy, 0.f), float(h - 1));
    const unsigned x0 = (unsigned)fx, y0 = (unsigned)fy;
    const unsigned x1 = std::min(x0 + 1, unsigned(w - 1)), y1 = std::min(y0 + 1, unsigned(h - 1));
    const float tx = fx - float(x0), ty = fy - float(y0);
    const float4 p00 = at(int(x0), int(y0)), p10 = at(int(x1), int(y0)), p01 = at(int(x0), int(y1)),
                 p11 = at(int(x1), int(y1));
    auto l = [](float a, float b, float t) { return fmaf(b - a, t, a); };
    const float4 top = f4(l(p00.x, p10.x, tx), l(p00.y, p10.y, tx), l(p00.z, p10.z, tx), l(p00.w, p10.w, tx));
    const float4 bot = f4(l(p01.x, p11.x, tx), l(p01.y, p11.y, tx), l(p01.z, p11.z, tx), l(p01.w, p11.w, tx));
    return f4(l(top.x, bot.x, ty), l(top.y, bot.y, ty), l(top.z, bot.z, ty), l(top.w, bot.w, ty));
  }
  static float W(float t) {
    const float a = -0.5f;
    t = fabsf(t);
    if (t <= 1.f) return ((a + 2.f) * t - (a + 3.f)) * t * t + 1.f;
    if (t < 2.f) return ((a * t - 5.f * a) * t + 8.f * a) * t - 4.f * a;
    return 0.f;
  }
  float4 bicubic(float sx, float sy) const {
    const float x0 = floorf(sx), y0 = floorf(sy);
    float4 s{0, 0, 0, 0};
    float ws = 0;
    for (int dy = -1; dy <= 2; ++dy)
      for (int dx = -1; dx <= 2; ++dx) {
        const int px = int(x0) + dx, py = int(y0) + dy;
        if (px < 0 || px >= w || py < 0 || py >= h) continue;
        const float wt = W(float(dx) - (sx - x0)) * W(float(dy) - (sy - y0));
        const float4 p = at(px, py);
        s = f4(s.x + p.x * wt, s.y + p.y * wt, s.z + p.z * wt, s.w + p.w * wt);
        ws += wt;
      }
    if (ws > 0) s = f4(s.x / ws, s.y / ws, s.z / ws, s.w / ws);
    return s;
  }
  static float sinc(float t) {
    if (fabsf(t) < 1e-5f) return 1.f;
    const float pi = 3.14159265358979323846f;
    return sinf(pi * t) / (pi * t);
  }
  static float L(float d) {
    d = fabsf(d);
    return d >= 3.f ? 0.f : sinc(d) * sinc(d * 0.333333333333f);
  }
  float4 lanczos(float sx, float sy) const {
    const int xc = (int)floorf(sx + 0.5f), yc = (int)floorf(sy + 0.5f);
    float4 s{0, 0, 0, 0};
    float ws = 0;
    for (int py = yc - 2; py <= yc + 3; ++py)
      for (int px = xc - 2; px <= xc + 3; ++px) {
        if (px < 0 || px >= w || py < 0 || py >= h) continue;
        const float wt = L(sx - float(px)) * L(sy - float(py));
        const float4 p = at(px, py);
        s = f4(s.x + p.x * wt, s.y + p.y * wt, s.z + p.z * wt, s.w + p.w * wt);
        ws += wt;
      }
    if (ws > 0) {
      auto c = [](float v) { return fminf(fmaxf(v, 0.f), 1.f); };
      return f4(c(s.x / ws), c(s.y / ws), c(s.z / ws), c(s.w / ws));
    }
    return s;
  }
  float4 sample(int m, float sx, float sy) const {
    return m == 0 ? nearest(sx, sy) : m == 1 ? bilinear(sx, sy) : m == 2 ? bicubic(sx, sy) : lanczos(sx, sy);
  }
};

std::vector<float4> ref_resize(const std::vector<float4>& in, int sw, int sh, int dw, int dh, int m) {
  const Ref r{in, sw, sh};
  const float scx = float(sw) / float(dw), scy = float(sh) / float(dh);
  std::vector<float4> out(std::size_t(dw) * std::size_t(dh));
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x)
      out[std::size_t(y) * std::size_t(dw) + std::size_t(x)] =
          r.sample(m, fmaf(float(x) + 0.5f, scx, -0.5f), fmaf(float(y) + 0.5f, scy, -0.5f));
  return out;
}

const Interpolation all_modes[] = {Interpolation::nearest, Interpolation::bilinear, Interpolation::bicubic,
                                   Interpolation::lanczos};
}  // namespace

TEST_CASE("resize: hand-computed samples", "[resize]") {
  // 2x1 [0, 1] -> 4x1: sx = -0.25, 0.25, 0.75, 1.25
  ImageF32 src = test::make_f32(2, 1, {{0, 0, 0, 1}, {1, 1, 1, 1}}, cpu);
  auto b = io::download(resize::bilinear(src, {.width = 4, .height = 1}));
  REQUIRE(b.size() == 4);
  CHECK(b[0].x == 0.f);
  CHECK(b[1].x == 0.25f);
  CHECK(b[2].x == 0.75f);
  CHECK(b[3].x == 1.f);
  auto n = io::download(resize::nearest(src, {.width = 4, .height = 1}));
  CHECK(n[0].x == 0.f);
  CHECK(n[1].x == 0.f);
  CHECK(n[2].x == 1.f);
  CHECK(n[3].x == 1.f);
  // bicubic at sx = 0.25 on [0, 1]: taps -1 and 2 skipped, W(-0.25) = 0.8671875, W(0.75) = 0.2265625
  auto c = io::download(resize::bicubic(src, {.width = 4, .height = 1}));
  CHECK(c[1].x == Approx(0.2265625 / (0.8671875 + 0.2265625)).margin(1e-6));
  CHECK(c[1].w == Approx(1.f).margin(1e-6));
  // antialiased 2:1 bilinear (tent of support 2) of [0, 1, 0, 1] -> (0.75*0+0.25*1 ...)
  ImageF32 s4 = test::make_f32(4, 1, {{0, 0, 0, 1}, {1, 1, 1, 1}, {0, 0, 0, 1}, {1, 1, 1, 1}}, cpu);
  auto a = io::download(resize::bilinear(s4, {.width = 2, .height = 1}));
  // output 0: centre 1.0, taps 0..2 with weights 0.75, 0.75, 0.25 (pixel centres 0.5, 1.5, 2.5) / 1.75
  CHECK(a[0].x == Approx(1.0 * 0.75 / 1.75).margin(1e-6));
  // output 1: centre 3.0, taps 1..3 (centres 1.5, 2.5, 3.5) with weights 0.25, 0.75, 0.75
  CHECK(a[1].x == Approx((0.25 + 0.75) / 1.75).margin(1e-6));
  auto p = io::download(resize::bilinear(s4, {.width = 2, .height = 1, .antialias = false}));
  CHECK(p[0].x == 0.5f);  // sx = 0.5: between pixels 0 and 1
}

TEST_CASE("resize: antialias=false is the reference's point sampling on opaque inputs", "[resize]") {
  const int sw = 37, sh = 23;
  const auto in = opaque(sw, sh, 11);
  ImageF32 src = test::make_f32(sw, sh, in, cpu);
  const std::pair<int, int> sizes[] = {{80, 50}, {12, 9}, {37, 61}, {5, 23}, {100, 7}, {1, 1}};
  for (int mi = 0; mi < 4; ++mi) {
    for (auto [dw, dh] : sizes) {
      const auto got =
          io::download(resize::resize(src, all_modes[mi], {.width = dw, .height = dh, .antialias = false}));
      const auto want = ref_resize(in, sw, sh, dw, dh, mi);
      INFO("mode " << mi << " " << dw << "x" << dh);
      if (mi <= 1)
        CHECK(test::max_abs_diff(got, want) == 0.f);  // bit for bit
      else
        CHECK(test::max_abs_diff(got, want) <= 2e-6f);
    }
  }
  // Upscaling is the same with antialias on (it only changes reductions).
  for (int mi = 0; mi < 4; ++mi) {
    const auto got = io::download(resize::resize(src, all_modes[mi], {.width = 90, .height = 40}));
    CHECK(test::max_abs_diff(got, ref_resize(in, sw, sh, 90, 40, mi)) <= 2e-6f);
  }
}

TEST_CASE("resize: antialiased downscale of a 1-px checkerboard is grey; point sampling aliases", "[resize]") {
  const int n = 200;
  std::vector<float4> cb(std::size_t(n) * n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const float v = float((x + y) & 1);
      cb[std::size_t(y) * n + std::size_t(x)] = float4{v, v, v, 1.f};
    }
  ImageF32 src = test::make_f32(n, n, cb, cpu);
  for (auto m : {Interpolation::bilinear, Interpolation::bicubic, Interpolation::lanczos}) {
    for (int d : {31, 47, 64}) {
      const auto on = io::download(resize::resize(src, m, {.width = d, .height = d}));
      float lo = 1, hi = 0;
      for (const auto& p : on) {
        lo = std::min(lo, p.x);
        hi = std::max(hi, p.x);
      }
      INFO("mode " << int(m) << " size " << d);
      CHECK(lo >= 0.44f);
      CHECK(hi <= 0.56f);
      const auto off = io::download(resize::resize(src, m, {.width = d, .height = d, .antialias = false}));
      float lo2 = 1, hi2 = 0;
      for (const auto& p : off) {
        lo2 = std::min(lo2, p.x);
        hi2 = std::max(hi2, p.x);
      }
      CHECK(hi2 - lo2 >= 0.3f);
    }
  }
}

TEST_CASE("resize: transparent edges keep their colour (premultiplied filtering)", "[resize]") {
  const int n = 40;
  std::vector<float4> px(std::size_t(n) * n, float4{0, 0, 0, 0});
  for (int y = 10; y < 30; ++y)
    for (int x = 10; x < 30; ++x) px[std::size_t(y) * n + std::size_t(x)] = float4{1, 1, 1, 1};
  ImageF32 src = test::make_f32(n, n, px, cpu);
  for (auto m : all_modes)
    for (int d : {17, 29, 97})
      for (bool aa : {true, false}) {
        const auto out = io::download(resize::resize(src, m, {.width = d, .height = d + 3, .antialias = aa}));
        int seen = 0;
        float worst = 0;
        for (const auto& p : out)
          if (p.w > 1e-6f) {
            ++seen;
            worst = std::max({worst, std::fabs(p.x - 1.f), std::fabs(p.y - 1.f), std::fabs(p.z - 1.f)});
          }
        INFO("mode " << int(m) << " size " << d << " aa " << aa);
        CHECK(seen > 0);
        CHECK(worst <= 1e-5f);
      }
}

TEST_CASE("resize: sizes, aspect truncation, copies, crop views", "[resize]") {
  CHECK(resize::output_size(1920, 1080, 800, std::nullopt).height == 450);
  CHECK(resize::output_size(1920, 1080, std::nullopt, 500).width == 888);  // int(1920 * 500/1080) = 888
  CHECK(resize::output_size(3, 7, 2, std::nullopt).height == 4);           // int(7 * 0.666..) = 4
  const auto in = opaque(30, 20, 3);
  ImageF32 src = test::make_f32(30, 20, in, cpu);
  ImageF32 out = resize::lanczos(src, {.width = 15});
  CHECK(out.width() == 15);
  CHECK(out.height() == 10);
  // Same size: a copy.
  CHECK(test::max_abs_diff(io::download(resize::bicubic(src, {.width = 30, .height = 20})), in) == 0.f);
  // Crop view source (pitch != width * 16) equals resizing a packed copy of the crop.
  ImageF32 packed = transform::crop(src, {.x = 5, .y = 3, .width = 17, .height = 11});
  for (auto m : all_modes) {
    const auto a = io::download(resize::resize(src.crop_view(5, 3, 17, 11), m, {.width = 40, .height = 6}));
    const auto b = io::download(resize::resize(packed, m, {.width = 40, .height = 6}));
    CHECK(test::max_abs_diff(a, b) == 0.f);
  }
}

TEST_CASE("resize: destination reuse and workspace (no allocations)", "[resize]") {
  ImageF32 src = test::make_f32(64, 48, test::random_f32(64, 48, 5), cpu);
  ImageF32 dst(40, 40, cpu);
  Workspace ws(max(resize::resize_requirements(64, 48, 20, 15, Interpolation::lanczos),
                   resize::resize_requirements(64, 48, 33, 12, Interpolation::bilinear)),
               cpu);
  const auto before = memory_stats(cpu);
  resize::lanczos(src, dst, {.width = 20}, {Stream{}, &ws});
  resize::bilinear(src, dst, {.width = 33, .height = 12}, {Stream{}, &ws});
  CHECK(memory_stats(cpu).allocations == before.allocations);
  CHECK(dst.width() == 33);
  CHECK(dst.height() == 12);
  CHECK(dst.capacity() == 1600);
  // Too small: Error, dst untouched.
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, dst, {.width = 100, .height = 100}), ErrorCode::invalid_argument,
                          "capacity");
  CHECK(dst.width() == 33);
  // The antialiased result into dst equals the allocating form.
  resize::bicubic(src, dst, {.width = 21, .height = 10});
  CHECK(test::max_abs_diff(io::download(dst), io::download(resize::bicubic(src, {.width = 21, .height = 10}))) == 0.f);
}

TEST_CASE("resize::fit: contain letterboxes with transparency, cover crops the centre, fill stretches", "[resize]") {
  const auto in = opaque(100, 50, 9);
  ImageF32 src = test::make_f32(100, 50, in, cpu);
  const auto c = io::download(resize::fit(src, 64, 64, resize::Fit::contain));
  REQUIRE(c.size() == 64u * 64u);
  // 100x50 -> 64x32 centred at y = 16..47
  CHECK(c[0].w == 0.f);
  CHECK(c[std::size_t(15) * 64 + 10].w == 0.f);
  CHECK(c[std::size_t(16) * 64 + 10].w == Approx(1.f).margin(1e-6));
  CHECK(c[std::size_t(47) * 64 + 63].w == Approx(1.f).margin(1e-6));
  CHECK(c[std::size_t(48) * 64].w == 0.f);
  const auto cv = io::download(resize::fit(src, 64, 64, resize::Fit::cover, Interpolation::lanczos));
  for (const auto& p : cv) CHECK(p.w == Approx(1.f).margin(1e-6));
  // cover of 100x50 into 64x64 reads the centre 50x50 square
  const auto sq = io::download(resize::lanczos(src.crop_view(25, 0, 50, 50), {.width = 64, .height = 64}));
  CHECK(test::max_abs_diff(cv, sq) == 0.f);
  ImageF32 f = resize::fit(src, 30, 70, resize::Fit::fill, Interpolation::bicubic);
  CHECK(f.width() == 30);
  CHECK(f.height() == 70);
  CHECK(test::max_abs_diff(io::download(f), io::download(resize::bicubic(src, {.width = 30, .height = 70}))) == 0.f);
}

TEST_CASE("resize: bad arguments throw imagecuda::Error", "[resize]") {
  ImageF32 src = test::make_f32(16, 16, test::random_f32(16, 16, 1), cpu);
  ImageF32 dst(8, 8, cpu);
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, {}), ErrorCode::invalid_argument, "at least one");
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, {.width = 0}), ErrorCode::invalid_argument, "width");
  REQUIRE_IMAGECUDA_ERROR(resize::nearest(src, {.height = -4}), ErrorCode::invalid_argument, "height");
  REQUIRE_IMAGECUDA_ERROR(resize::lanczos(src, {.width = 40000, .height = 1}), ErrorCode::invalid_argument, "32768");
  REQUIRE_IMAGECUDA_ERROR(resize::bicubic(src, {.width = 1, .height = 32769}), ErrorCode::invalid_argument, "32768");
  ImageF32 wide = test::make_f32(64, 1, test::random_f32(64, 1, 2), cpu);
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(wide, {.width = 10}), ErrorCode::invalid_argument, "proportion");
  REQUIRE_IMAGECUDA_ERROR(resize::resize(src, static_cast<Interpolation>(9), {.width = 4}),
                          ErrorCode::invalid_argument, "interpolation");
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, dst, {.width = 9, .height = 8}), ErrorCode::invalid_argument,
                          "capacity");
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, src, {.width = 8, .height = 8}), ErrorCode::invalid_argument,
                          "overlap");
  REQUIRE_IMAGECUDA_ERROR(resize::fit(src, 0, 10), ErrorCode::invalid_argument, "width");
  REQUIRE_IMAGECUDA_ERROR(resize::fit(src, 10, 10, static_cast<resize::Fit>(5)), ErrorCode::invalid_argument, "fit");
  ImageF32 freed(4, 4, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(src, freed, {.width = 2, .height = 2}), ErrorCode::freed, "freed");
  REQUIRE_IMAGECUDA_ERROR(resize::bilinear(freed, {.width = 2, .height = 2}), ErrorCode::freed, "freed");
  REQUIRE_IMAGECUDA_ERROR(resize::fit(freed, 2, 2), ErrorCode::freed, "freed");
}

TEST_CASE("resize: documentation example", "[resize]") {
  ImageF32 img = test::make_f32(320, 200, test::random_f32(320, 200, 21), cpu);
  // example-begin resize
  using namespace imagecuda;
  ImageF32 half = resize::bilinear(img, {.width = 160});                        // 160x100, antialiased
  ImageF32 big = resize::lanczos(img, {.width = 640, .height = 400});           // upscale
  ImageF32 raw = resize::bilinear(img, {.width = 160, .antialias = false});     // the reference's result
  ImageF32 thumb = resize::fit(img, 128, 128, resize::Fit::cover, Interpolation::bicubic);
  ImageF32 out(1024, 1024, img.device());                                       // reused buffer
  Workspace ws(resize::resize_requirements(320, 200, 100, 62, Interpolation::lanczos), img.device());
  resize::lanczos(img, out, {.width = 100}, {Stream{}, &ws});                   // no allocation
  // example-end
  CHECK(half.height() == 100);
  CHECK(big.width() == 640);
  CHECK(raw.width() == 160);
  CHECK(thumb.width() == 128);
  CHECK(out.width() == 100);
  CHECK(out.height() == 62);
}

TEST_CASE("resize: the two-pass form computes exactly the one-pass sums", "[resize]") {
  namespace d = imagecuda::detail;
  // A 4x+ reduction in each direction (two-pass), one with the width only, and one with the
  // height only; every filtered sampler. The per-pixel one-pass functor and the two passes
  // through the intermediate must agree bit for bit (same sums, same order).
  const int sw = 203, sh = 157;
  const auto px = test::random_f32(sw, sh, 31, 0.2f, 1.f);
  const d::Pitched<const float4> src{px.data(), std::size_t(sw) * sizeof(float4), sw, sh};
  for (auto m : {d::SampleMode::bilinear, d::SampleMode::bicubic, d::SampleMode::lanczos}) {
    for (auto [dw, dh] : {std::pair{37, 29}, std::pair{40, 150}, std::pair{200, 31}}) {
      REQUIRE(resize::detail::two_pass(sw, sh, dw, dh, m, true));
      const resize::detail::TableLayout t(sw, sh, dw, dh, m, true);
      std::vector<std::byte> scratch(t.total);
      auto at = [&](std::size_t off) { return scratch.data() + off; };
      const float scx = float(sw) / float(dw), scy = float(sh) / float(dh);
      const d::ResizeAxisTable tx{d::AxisFilter{m, scx, sw, t.kx, false}, reinterpret_cast<int*>(at(t.fx)),
                                  reinterpret_cast<float*>(at(t.wx)), 1, std::size_t(dw)};
      const d::ResizeAxisTable ty{d::AxisFilter{m, scy, sh, t.ky, false}, reinterpret_cast<int*>(at(t.fy)),
                                  reinterpret_cast<float*>(at(t.wy)), std::size_t(t.ky), 1};
      d::host::resize_axis_tables(dw, tx, dh, ty);
      const d::ResizeFiltered f{src, tx.first, tx.weights, t.kx, dw, ty.first, ty.weights, t.ky,
                                m == d::SampleMode::lanczos};
      std::vector<float4> one(std::size_t(dw) * dh), two(std::size_t(dw) * dh);
      d::host::resize_filtered({one.data(), std::size_t(dw) * sizeof(float4), dw, dh}, f);
      const d::Pitched<float4> mid{reinterpret_cast<float4*>(at(t.mid)), std::size_t(dw) * sizeof(float4), dw, sh};
      d::host::resize_two_pass({two.data(), std::size_t(dw) * sizeof(float4), dw, dh}, f, mid);
      INFO("mode " << int(m) << " " << dw << "x" << dh);
      CHECK(test::max_abs_diff(one, two) == 0.f);
    }
  }
  // The intermediate is part of the requirements (4K -> 256x144: 256 x 2160 float4).
  CHECK(resize::resize_requirements(3840, 2160, 256, 144, Interpolation::lanczos).bytes >= 256u * 2160u * 16u);
  CHECK(!resize::detail::two_pass(3840, 2160, 1920, 1080, d::SampleMode::lanczos, true));  // 2x: one pass
  CHECK(!resize::detail::two_pass(3840, 2160, 256, 144, d::SampleMode::lanczos, false));   // point sampling
  CHECK(!resize::detail::two_pass(100, 4000, 400, 100, d::SampleMode::lanczos, true));     // the width grows
}

namespace {
/// The area filter in double precision, literally: output (x, y) covers the source rectangle
/// [x sx, (x+1) sx) x [y sy, (y+1) sy); each source pixel weighs its overlap with it (normalised
/// by the weights' sum), on premultiplied colour.
std::vector<float4> area_reference(const std::vector<float4>& px, int w, int h, int dw, int dh) {
  const double sx = double(w) / dw, sy = double(h) / dh;
  auto overlap = [](double a0, double a1, double b0, double b1) { return std::max(0.0, std::min(a1, b1) - std::max(a0, b0)); };
  std::vector<float4> out(std::size_t(dw) * std::size_t(dh));
  for (int y = 0; y < dh; ++y)
    for (int x = 0; x < dw; ++x) {
      double acc[4] = {0, 0, 0, 0}, sum = 0;
      for (int j = 0; j < h; ++j) {
        const double wy = overlap(y * sy, (y + 1) * sy, j, j + 1.0);
        if (wy == 0) continue;
        for (int i = 0; i < w; ++i) {
          const double wgt = wy * overlap(x * sx, (x + 1) * sx, i, i + 1.0);
          if (wgt == 0) continue;
          const float4 p = px[std::size_t(j) * std::size_t(w) + std::size_t(i)];
          acc[0] += wgt * p.x * p.w;
          acc[1] += wgt * p.y * p.w;
          acc[2] += wgt * p.z * p.w;
          acc[3] += wgt * p.w;
          sum += wgt;
        }
      }
      const double a = acc[3] / sum;
      const double k = a > 0 ? 1.0 / (a * sum) : 0.0;
      out[std::size_t(y) * std::size_t(dw) + std::size_t(x)] = float4{float(acc[0] * k), float(acc[1] * k),
                                                                      float(acc[2] * k), float(a)};
    }
  return out;
}
}  // namespace

TEST_CASE("resize::area: the mean of the covered source area (double-precision reference)", "[resize]") {
  const int w = 37, h = 23;
  const auto px = test::random_f32(w, h, 77, 0.25f, 1.f);
  ImageF32 src = test::make_f32(w, h, px, cpu);
  // Integer factors, fractional ones (partly covered pixels), one axis only, upscaling.
  const std::pair<int, int> sizes[] = {{37, 23}, {18, 11}, {12, 7}, {5, 3}, {1, 1}, {37, 10}, {14, 23}, {50, 31}, {74, 46}};
  for (auto [dw, dh] : sizes) {
    INFO(dw << "x" << dh);
    ImageF32 out = resize::area(src, {.width = dw, .height = dh});
    REQUIRE(out.width() == dw);
    CHECK(test::max_abs_diff(io::download(out), area_reference(px, w, h, dw, dh)) <= 2e-6f);
  }
  // 2:1 of a 2x2 checkerboard pattern is its exact mean; the 1-px checkerboard becomes flat grey.
  std::vector<float4> cb(std::size_t(8) * 8);
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) cb[std::size_t(y) * 8 + std::size_t(x)] = (x + y) % 2 ? float4{1, 1, 1, 1} : float4{0, 0, 0, 1};
  const auto grey = io::download(resize::area(test::make_f32(8, 8, cb, cpu), {.width = 4}));
  for (const float4& p : grey) CHECK(p.x == 0.5f);
  // Integer factors skip the weight tables (AreaBlocks): the same sums in the same order.
  for (auto [dw, dh] : {std::pair{18, 11}, std::pair{36, 1}, std::pair{1, 22}, std::pair{12, 2}}) {
    ImageF32 small = test::make_f32(36, 22, test::random_f32(36, 22, 78, 0.25f, 1.f), cpu);
    const auto blocks = io::download(resize::area(small, {.width = dw, .height = dh}));
    const auto tables = [&] {
      const detail::cuda::ScopedResizeAreaVariant tables_only(1);
      return io::download(resize::area(small, {.width = dw, .height = dh}));
    }();
    CHECK(test::max_abs_diff(blocks, tables) == 0.f);
  }
  // antialias has no say: the footprint is the filter.
  CHECK(test::max_abs_diff(io::download(resize::area(src, {.width = 12, .antialias = false})),
                           io::download(resize::area(src, {.width = 12}))) == 0.f);
}

TEST_CASE("resize::area: a transparent border leaves no dark fringe; rotate refuses area", "[resize][errors]") {
  // A red opaque square on transparent black: premultiplied averaging keeps pure red.
  std::vector<float4> px(std::size_t(16) * 16, float4{0, 0, 0, 0});
  for (int y = 4; y < 12; ++y)
    for (int x = 5; x < 11; ++x) px[std::size_t(y) * 16 + std::size_t(x)] = float4{1, 0, 0, 1};
  const auto out = io::download(resize::area(test::make_f32(16, 16, px, cpu), {.width = 6, .height = 5}));
  for (const float4& p : out)
    if (p.w > 0.f) CHECK(std::fabs(p.x - 1.f) <= 1e-6f);
  ImageF32 src = test::make_f32(16, 16, px, cpu);
  REQUIRE_IMAGECUDA_ERROR(transform::rotate(src, {.angle = 30.f, .interpolation = Interpolation::area}),
                          ErrorCode::invalid_argument, "area is a resize filter");
  REQUIRE_IMAGECUDA_ERROR(resize::resize(src, static_cast<Interpolation>(5), {.width = 4}),
                          ErrorCode::invalid_argument, "nearest, bilinear, bicubic, lanczos or area");
}
