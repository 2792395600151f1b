// SPDX-License-Identifier: MIT
/// blend: the reference's formula on opaque bases, W3C compositing over transparent ones, the W3C
/// mode set, placement (anchors, offsets, clipping), mask, aliasing and errors, on the CPU backend.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;
using blend::Anchor;
using blend::Mode;

namespace {
const Device cpu = Device::cpu();

void check_px(float4 got, float4 want, float tol = 1e-6f) {
  INFO("got (" << got.x << ", " << got.y << ", " << got.z << ", " << got.w << "), want (" << want.x << ", " << want.y
               << ", " << want.z << ", " << want.w << ")");
  CHECK(std::fabs(got.x - want.x) <= tol);
  CHECK(std::fabs(got.y - want.y) <= tol);
  CHECK(std::fabs(got.z - want.z) <= tol);
  CHECK(std::fabs(got.w - want.w) <= tol);
}

bool same(float4 a, float4 b) { return std::memcmp(&a, &b, sizeof(float4)) == 0; }

/// One base pixel under one overlay pixel through blend::composite.
float4 blend1(float4 base, float4 over, Mode m, float opacity = 1.f) {
  ImageF32 b = test::make_f32(1, 1, {base}, cpu);
  ImageF32 o = test::make_f32(1, 1, {over}, cpu);
  blend::composite(b, o, m, {.opacity = opacity});
  return io::download(b)[0];
}

/// PyImageCUDA's blend kernel, written out literally from its source (PYIMAGECUDA.md §2.5).
float ref_b(int mode, float cb, float cs) {
  switch (mode) {
    case 0:
      return cs;
    case 1:
      return cb * cs;
    case 2:
      return 1.0f - (1.0f - cb) * (1.0f - cs);
    case 3:
      return fminf(cb + cs, 1.0f);
    case 4:
      return cb < 0.5f ? 2.0f * cb * cs : 1.0f - 2.0f * (1.0f - cb) * (1.0f - cs);
    case 5:
      return (1.0f - 2.0f * cs) * cb * cb + 2.0f * cs * cb;
    default:
      return cs < 0.5f ? 2.0f * cs * cb : 1.0f - 2.0f * (1.0f - cs) * (1.0f - cb);
  }
}
float4 ref_pyimagecuda(int mode, float4 base, float4 over, float opacity) {
  const float Sa = over.w * opacity;
  const float Da = base.w;
  const float Oa = Sa + Da * (1.0f - Sa);
  float4 out;
  if (Oa > 1e-6f) {
    out.x = (ref_b(mode, base.x, over.x) * Sa + base.x * Da * (1.0f - Sa)) / Oa;
    out.y = (ref_b(mode, base.y, over.y) * Sa + base.y * Da * (1.0f - Sa)) / Oa;
    out.z = (ref_b(mode, base.z, over.z) * Sa + base.z * Da * (1.0f - Sa)) / Oa;
  } else {
    out.x = out.y = out.z = 0.0f;
  }
  out.w = Oa;
  return out;
}

/// W3C Compositing Level 1 in double (separable modes), straight alpha in and out.
float4 ref_w3c(Mode m, float4 b, float4 s, float opacity) {
  auto B = [&](double cb, double cs) -> double {
    switch (m) {
      case Mode::normal:
        return cs;
      case Mode::multiply:
        return cb * cs;
      case Mode::screen:
        return cb + cs - cb * cs;
      case Mode::add:
        return std::min(cb + cs, 1.0);
      case Mode::overlay:
        return cb < 0.5 ? 2 * cb * cs : 1 - 2 * (1 - cb) * (1 - cs);
      case Mode::soft_light:
        return (1 - 2 * cs) * cb * cb + 2 * cs * cb;
      case Mode::hard_light:
        return cs < 0.5 ? 2 * cs * cb : 1 - 2 * (1 - cs) * (1 - cb);
      case Mode::darken:
        return std::min(cb, cs);
      case Mode::lighten:
        return std::max(cb, cs);
      case Mode::color_dodge:
        return cb == 0 ? 0 : cs >= 1 ? 1 : std::min(1.0, cb / (1 - cs));
      case Mode::color_burn:
        return cb == 1 ? 1 : cs <= 0 ? 0 : 1 - std::min(1.0, (1 - cb) / cs);
      case Mode::difference:
        return std::fabs(cb - cs);
      case Mode::exclusion:
        return cb + cs - 2 * cb * cs;
      default:
        return 0;
    }
  };
  const double as = double(s.w) * opacity, ab = b.w;
  const double ao = as + ab * (1 - as);
  auto ch = [&](double cb, double cs) {
    const double mixed = (1 - ab) * cs + ab * B(cb, cs);   // Cs' of W3C §5.8
    return float((as * mixed + ab * (1 - as) * cb) / ao);  // source-over, un-premultiplied
  };
  return rgba(ch(b.x, s.x), ch(b.y, s.y), ch(b.z, s.z), float(ao));
}

constexpr Mode all_modes[] = {Mode::normal,     Mode::multiply,   Mode::screen,    Mode::add,     Mode::overlay,
                              Mode::soft_light, Mode::hard_light, Mode::darken,    Mode::lighten, Mode::color_dodge,
                              Mode::color_burn, Mode::difference, Mode::exclusion, Mode::hue,     Mode::saturation,
                              Mode::color,      Mode::luminosity};

/// Makes w x h pixels whose value encodes their position (distinct, exact in float).
std::vector<float4> coded(int w, int h, float tag) {
  std::vector<float4> v(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) v[std::size_t(y) * w + x] = rgba(float(x) / 64.f, float(y) / 64.f, tag, 1.f);
  return v;
}

/// Checks that a normal blend of an opaque `ow x oh` overlay placed at (px, py) on a `bw x bh`
/// base replaced exactly the covered base pixels with the overlay's and left the rest untouched.
void check_placement(int bw, int bh, int ow, int oh, const blend::BlendParams& p, int px, int py) {
  INFO("base " << bw << "x" << bh << ", overlay " << ow << "x" << oh << ", anchor " << int(p.anchor) << ", offset ("
               << p.offset_x << ", " << p.offset_y << "), expected position (" << px << ", " << py << ")");
  const auto bpx = coded(bw, bh, 0.25f), opx = coded(ow, oh, 0.75f);
  ImageF32 base = test::make_f32(bw, bh, bpx, cpu);
  ImageF32 over = test::make_f32(ow, oh, opx, cpu);
  blend::normal(base, over, p);
  const auto out = io::download(base);
  for (int y = 0; y < bh; ++y)
    for (int x = 0; x < bw; ++x) {
      const int ox = x - px, oy = y - py;
      const bool covered = ox >= 0 && ox < ow && oy >= 0 && oy < oh;
      const float4 want = covered ? opx[std::size_t(oy) * ow + ox] : bpx[std::size_t(y) * bw + x];
      INFO("pixel (" << x << ", " << y << ")");
      CHECK(same(out[std::size_t(y) * bw + x], want));
    }
}

/// Python's `//` by 2.
int floor_half(int v) { return int(std::floor(v / 2.0)); }

}  // namespace

TEST_CASE("blend: the seven reference modes, hand-computed", "[blend]") {
  // opaque base, half-transparent overlay at opacity 0.5: Sa = 0.3, Oa = 1, out = 0.3 B + 0.7 Cb
  const float4 b = rgba(0.2f, 0.6f, 0.9f, 1.f), s = rgba(0.5f, 0.3f, 0.8f, 0.6f);
  auto mix = [](float B, float cb) { return 0.3f * B + 0.7f * cb; };
  check_px(blend1(b, s, Mode::normal, 0.5f), rgba(mix(0.5f, 0.2f), mix(0.3f, 0.6f), mix(0.8f, 0.9f), 1.f));
  check_px(blend1(b, s, Mode::multiply, 0.5f), rgba(mix(0.1f, 0.2f), mix(0.18f, 0.6f), mix(0.72f, 0.9f), 1.f));
  check_px(blend1(b, s, Mode::screen, 0.5f), rgba(mix(0.6f, 0.2f), mix(0.72f, 0.6f), mix(0.98f, 0.9f), 1.f));
  check_px(blend1(b, s, Mode::add, 0.5f), rgba(mix(0.7f, 0.2f), mix(0.9f, 0.6f), mix(1.f, 0.9f), 1.f));
  // overlay: Cb < 0.5 ? 2 Cb Cs : 1 - 2 (1-Cb)(1-Cs): 0.2 -> 0.2; 0.6 -> 1-2*.4*.7 = 0.44; 0.9 -> 1-2*.1*.2 = 0.96
  check_px(blend1(b, s, Mode::overlay, 0.5f), rgba(mix(0.2f, 0.2f), mix(0.44f, 0.6f), mix(0.96f, 0.9f), 1.f));
  // soft light (Pegtop): (1-2Cs)Cb^2 + 2CsCb: 0*.04+.2 = 0.2; .4*.36+.36 = 0.504; -.6*.81+1.44 = 0.954
  check_px(blend1(b, s, Mode::soft_light, 0.5f), rgba(mix(0.2f, 0.2f), mix(0.504f, 0.6f), mix(0.954f, 0.9f), 1.f));
  // hard light: Cs < 0.5 ? 2 Cs Cb : 1 - 2(1-Cs)(1-Cb): 0.5 -> 1-2*.5*.8 = 0.2; 0.3 -> 0.36; 0.8 -> 1-2*.2*.1 = 0.96
  check_px(blend1(b, s, Mode::hard_light, 0.5f), rgba(mix(0.2f, 0.2f), mix(0.36f, 0.6f), mix(0.96f, 0.9f), 1.f));
  // a fully opaque overlay replaces (normal) or multiplies exactly
  check_px(blend1(rgba(0.5f, 0.5f, 0.5f, 1.f), rgba(0.4f, 0.2f, 1.f, 1.f), Mode::multiply),
           rgba(0.2f, 0.1f, 0.5f, 1.f));
  check_px(blend1(rgba(0.5f, 0.5f, 0.5f, 1.f), rgba(0.4f, 0.2f, 1.f, 1.f), Mode::normal), rgba(0.4f, 0.2f, 1.f, 1.f),
           0.f);
  // named shortcuts are composite
  const struct {
    void (*fn)(ImageView<float4>, ConstImageView<float4>, const blend::BlendParams&, const Exec&);
    Mode mode;
  } named[] = {{blend::normal, Mode::normal},        {blend::multiply, Mode::multiply},
               {blend::screen, Mode::screen},        {blend::add, Mode::add},
               {blend::overlay, Mode::overlay},      {blend::soft_light, Mode::soft_light},
               {blend::hard_light, Mode::hard_light}};
  for (auto n : named) {
    ImageF32 bi = test::make_f32(1, 1, {b}, cpu), oi = test::make_f32(1, 1, {s}, cpu);
    n.fn(bi, oi, {.opacity = 0.7f}, {});
    CHECK(same(io::download(bi)[0], blend1(b, s, n.mode, 0.7f)));
  }
}

TEST_CASE("blend: equal to the reference on an opaque base (random pixels, every reference mode)", "[blend]") {
  const int w = 31, h = 17;
  auto bpx = test::random_f32(w, h, 100, -0.1f, 1.1f);
  for (auto& p : bpx) p.w = 1.f;
  const auto opx = test::random_f32(w, h, 200, -0.1f, 1.1f);
  for (int mode = 0; mode < 7; ++mode)
    for (float opacity : {1.f, 0.5f, 1.7f, -0.4f}) {
      ImageF32 base = test::make_f32(w, h, bpx, cpu), over = test::make_f32(w, h, opx, cpu);
      blend::composite(base, over, Mode(mode), {.opacity = opacity});
      const auto out = io::download(base);
      std::vector<float4> want(out.size());
      for (std::size_t i = 0; i < out.size(); ++i) want[i] = ref_pyimagecuda(mode, bpx[i], opx[i], opacity);
      INFO("mode " << blend::to_string(Mode(mode)) << " opacity " << opacity);
      CHECK(test::max_abs_diff(out, want) <= 1e-6f);
    }
}

TEST_CASE("blend: W3C compositing over transparent and translucent bases", "[blend]") {
  // multiply over a fully transparent base gives the overlay's colour (the reference gives black)
  const float4 clear = rgba(0, 0, 0, 0), red = rgba(0.8f, 0.4f, 0.2f, 1.f);
  check_px(blend1(clear, red, Mode::multiply), red);
  check_px(ref_pyimagecuda(1, clear, red, 1.f), rgba(0, 0, 0, 1));  // the defect we fix
  for (Mode m : all_modes) {
    INFO("mode " << blend::to_string(m));
    check_px(blend1(clear, red, m), red, 2e-7f);                                          // B is ignored at ab = 0
    check_px(blend1(rgba(0.3f, 0.6f, 0.1f, 0.f), rgba(0.8f, 0.4f, 0.2f, 0.5f), m, 0.8f),  // any transparent base
             rgba(0.8f, 0.4f, 0.2f, 0.4f), 2e-7f);
  }
  // translucent base, separable modes: against W3C's formula evaluated in double
  const int w = 23, h = 11;
  const auto bpx = test::random_f32(w, h, 300), opx = test::random_f32(w, h, 400);
  for (Mode m : all_modes) {
    if (int(m) >= int(Mode::hue)) continue;
    ImageF32 base = test::make_f32(w, h, bpx, cpu), over = test::make_f32(w, h, opx, cpu);
    blend::composite(base, over, m, {.opacity = 0.9f});
    const auto out = io::download(base);
    float worst = 0.f;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const float4 want = ref_w3c(m, bpx[i], opx[i], 0.9f);
      if (want.w < 1e-3f) continue;  // ill-conditioned division by a tiny alpha
      worst = std::max({worst, std::fabs(out[i].x - want.x), std::fabs(out[i].y - want.y), std::fabs(out[i].z - want.z),
                        std::fabs(out[i].w - want.w)});
    }
    INFO("mode " << blend::to_string(m));
    CHECK(worst <= 2e-5f);
  }
  // half-transparent base, hand-computed multiply: ab = 0.5, as = 1: Cs' = 0.5 Cs + 0.5 Cb Cs; out = Cs'
  check_px(blend1(rgba(0.5f, 1.f, 0.f, 0.5f), rgba(0.4f, 0.6f, 0.8f, 1.f), Mode::multiply),
           rgba(0.5f * 0.4f + 0.5f * 0.2f, 0.5f * 0.6f + 0.5f * 0.6f, 0.5f * 0.8f, 1.f));
  // nothing at all (Oa <= 1e-6) gives transparent black, as the reference
  check_px(blend1(rgba(0.3f, 0.3f, 0.3f, 0.f), rgba(0.9f, 0.9f, 0.9f, 0.f), Mode::screen), rgba(0, 0, 0, 0), 0.f);
}

TEST_CASE("blend: W3C separable modes, hand-computed", "[blend]") {
  const float4 b = rgba(0.2f, 0.6f, 0.9f, 1.f), s = rgba(0.5f, 0.3f, 0.9f, 1.f);
  check_px(blend1(b, s, Mode::darken), rgba(0.2f, 0.3f, 0.9f, 1.f));
  check_px(blend1(b, s, Mode::lighten), rgba(0.5f, 0.6f, 0.9f, 1.f));
  check_px(blend1(b, s, Mode::difference), rgba(0.3f, 0.3f, 0.f, 1.f));
  // exclusion: Cb + Cs - 2 Cb Cs
  check_px(blend1(b, s, Mode::exclusion), rgba(0.5f, 0.54f, 1.8f - 1.62f, 1.f));
  // color dodge: min(1, Cb / (1 - Cs)): 0.2/0.5 = 0.4; 0.6/0.7; 0.9/0.1 -> 1
  check_px(blend1(b, s, Mode::color_dodge), rgba(0.4f, 0.6f / 0.7f, 1.f, 1.f));
  check_px(blend1(rgba(0, 0.5f, 0.5f, 1), rgba(1, 1, 0, 1), Mode::color_dodge), rgba(0, 1, 0.5f, 1));  // Cb = 0 -> 0
  // color burn: 1 - min(1, (1 - Cb) / Cs): 1 - 0.8/0.5 -> 0; 1 - 0.4/0.3 -> 0; 1 - 0.1/0.9
  check_px(blend1(b, s, Mode::color_burn), rgba(0.f, 0.f, 1.f - 0.1f / 0.9f, 1.f));
  check_px(blend1(rgba(1, 0.5f, 0.5f, 1), rgba(0, 0, 1, 1), Mode::color_burn), rgba(1, 0, 0.5f, 1));  // Cb = 1 -> 1
}

TEST_CASE("blend: W3C non-separable modes, hand-computed", "[blend]") {
  // luminosity: SetLum((1,0,0), Lum(0.5 grey) = 0.5): (1.2, 0.2, 0.2) -> ClipColor, L = 0.5, x = 1.2:
  // C = L + (C - L)(1 - L)/(x - L) -> (1, 0.5 - 0.3*0.5/0.7, same)
  const float g = 0.5f - 0.3f * 0.5f / 0.7f;
  check_px(blend1(rgba(1, 0, 0, 1), rgba(0.5f, 0.5f, 0.5f, 1), Mode::luminosity), rgba(1, g, g, 1), 1e-6f);
  // color: SetLum((0,0,1), Lum(0.5 grey)): d = 0.39 -> (0.39, 0.39, 1.39), x > 1: k = 0.5/0.89
  const float c = 0.5f + (0.39f - 0.5f) * 0.5f / 0.89f;
  check_px(blend1(rgba(0.5f, 0.5f, 0.5f, 1), rgba(0, 0, 1, 1), Mode::color), rgba(c, c, 1, 1), 1e-6f);
  // saturation: Sat(grey overlay) = 0 -> SetSat(Cb, 0) = 0 -> SetLum(0, Lum(Cb)) = grey at Lum(Cb)
  const float l = 0.3f * 0.8f + 0.59f * 0.4f + 0.11f * 0.2f;  // 0.498
  check_px(blend1(rgba(0.8f, 0.4f, 0.2f, 1), rgba(0.5f, 0.5f, 0.5f, 1), Mode::saturation), rgba(l, l, l, 1), 1e-6f);
  // hue: SetSat((1,0,0), Sat(Cb) = 0.4) = (0.4, 0, 0), Lum 0.12; Lum(Cb) = 0.362: + 0.242, no clipping
  check_px(blend1(rgba(0.2f, 0.4f, 0.6f, 1), rgba(1, 0, 0, 1), Mode::hue), rgba(0.642f, 0.242f, 0.242f, 1), 1e-6f);
  // SetSat keeps the middle channel's position: hue of (0.2, 0.4, 0.6) onto a grey 0.5 base = grey
  check_px(blend1(rgba(0.5f, 0.5f, 0.5f, 1), rgba(0.2f, 0.4f, 0.6f, 1), Mode::hue), rgba(0.5f, 0.5f, 0.5f, 1), 1e-6f);
  // ClipColor below 0: color of saturated blue onto a dark base: SetLum((0,0,1), 0.05): d = -0.06 ->
  // (-0.06, -0.06, 0.94), n < 0: C = L + (C - L) L / (L - n) with L = 0.05 -> (0, 0, 0.05 + 0.89*0.05/0.11)
  check_px(blend1(rgba(0.05f, 0.05f, 0.05f, 1), rgba(0, 0, 1, 1), Mode::color),
           rgba(0, 0, 0.05f + 0.89f * 0.05f / 0.11f, 1), 1e-6f);
  // the helpers: Lum is kept by SetLum, Sat by SetSat
  const detail::Rgb x{0.9f, 0.1f, 0.4f};
  const detail::Rgb y = detail::w3c_set_sat(x, 0.5f);
  CHECK(detail::w3c_sat(y) == Approx(0.5f));
  CHECK(y.b == Approx(0.5f * 0.3f / 0.8f));
  CHECK(detail::w3c_lum(detail::w3c_set_lum(x, 0.3f)) == Approx(0.3f));
}

TEST_CASE("blend: every anchor, overlay smaller and larger than the base", "[blend]") {
  const Anchor anchors[] = {Anchor::top_left,    Anchor::top_center,    Anchor::top_right,
                            Anchor::center_left, Anchor::center,        Anchor::center_right,
                            Anchor::bottom_left, Anchor::bottom_center, Anchor::bottom_right};
  const int sizes[][4] = {{7, 6, 2, 3}, {8, 5, 3, 2}, {4, 4, 7, 6}, {5, 3, 8, 9}, {1, 1, 3, 2}, {1, 9, 1, 4}};
  for (auto& sz : sizes) {
    const int bw = sz[0], bh = sz[1], ow = sz[2], oh = sz[3];
    for (Anchor a : anchors) {
      const int col = int(a) % 3, row = int(a) / 3;
      const int px = col == 0 ? 0 : col == 1 ? floor_half(bw - ow) : bw - ow;
      const int py = row == 0 ? 0 : row == 1 ? floor_half(bh - oh) : bh - oh;
      for (auto [dx, dy] : {std::pair{0, 0}, std::pair{1, -1}, std::pair{-2, 1}})
        check_placement(bw, bh, ow, oh, {.anchor = a, .offset_x = dx, .offset_y = dy}, px + dx, py + dy);
    }
  }
  // floor division, as Python's //: (4 - 7) // 2 = -2
  CHECK(detail::blend_region(4, 4, 7, 6, Anchor::center, 0, 0).overlay_x == 2);
  CHECK(detail::floor_half(-3) == -2);
  CHECK(detail::floor_half(-4) == -2);
  CHECK(detail::floor_half(3) == 1);
}

TEST_CASE("blend: negative offsets, partially and fully outside overlays", "[blend]") {
  check_placement(6, 5, 3, 3, {.offset_x = -2, .offset_y = -1}, -2, -1);
  check_placement(6, 5, 3, 3, {.offset_x = 5, .offset_y = 4}, 5, 4);  // one pixel left
  check_placement(6, 5, 3, 3, {.anchor = Anchor::bottom_right, .offset_x = 2, .offset_y = 0}, 5, 2);
  check_placement(6, 5, 10, 10, {.offset_x = -3, .offset_y = -4}, -3, -4);  // covers all
  // fully outside: nothing changes, nothing throws
  check_placement(6, 5, 3, 3, {.offset_x = 6}, 6, 0);
  check_placement(6, 5, 3, 3, {.offset_x = -3}, -3, 0);
  check_placement(6, 5, 3, 3, {.offset_y = -3}, 0, -3);
  check_placement(6, 5, 3, 3, {.anchor = Anchor::bottom_right, .offset_y = 3}, 3, 5);
  // offsets far out of int range arithmetic do not overflow
  CHECK(detail::blend_region(6, 5, 3, 3, Anchor::bottom_right, 2147483647, 0).empty());
  CHECK(detail::blend_region(6, 5, 3, 3, Anchor::top_left, -2147483647 - 1, 0).empty());
  check_placement(1, 1, 1, 1, {}, 0, 0);
  check_placement(1, 7, 1, 2, {.anchor = Anchor::center}, 0, 2);
  check_placement(7, 1, 3, 1, {.anchor = Anchor::center_right, .offset_x = -1}, 3, 0);
}

TEST_CASE("blend: opacity is not clamped; |opacity| < 1e-6 does nothing", "[blend]") {
  const float4 b = rgba(0.2f, 0.6f, 0.9f, 1.f), s = rgba(0.5f, 0.3f, 0.8f, 1.f);
  // opacity -0.5: Sa = -0.5, Oa = -0.5 + 1.5 = 1: out = -0.5 Cs + 1.5 Cb
  check_px(blend1(b, s, Mode::normal, -0.5f), rgba(-0.25f + 0.3f, -0.15f + 0.9f, -0.4f + 1.35f, 1.f));
  // opacity 2 over an opaque base: Sa = 2, Oa = 2 + (1 - 2) = 1: out = 2 Cs - Cb
  check_px(blend1(b, s, Mode::normal, 2.f), rgba(0.8f, 0.f, 0.7f, 1.f));
  for (float o : {0.f, 9e-7f, -9e-7f}) {
    const float4 weird = rgba(0.2f, 0.6f, 0.9f, 0.f);  // any blend would rewrite rgb as 0
    CHECK(same(blend1(weird, s, Mode::multiply, o), weird));
  }
}

TEST_CASE("blend::mask: alpha or luminance multiplies the base alpha where the mask lies", "[blend]") {
  const int bw = 5, bh = 4;
  auto bpx = test::random_f32(bw, bh, 9, 0.1f, 0.9f);
  const std::vector<float4> mpx = {rgba(1, 1, 1, 0.5f), rgba(0.2f, 0.4f, 0.6f, 0.25f), rgba(0, 0, 0, 1),
                                   rgba(0.5f, 0.5f, 0.5f, 0.f)};
  for (auto mode : {blend::MaskMode::luminance, blend::MaskMode::alpha}) {
    for (auto [a, ox, oy, px, py] :
         {std::tuple{Anchor::top_left, 0, 0, 0, 0}, std::tuple{Anchor::center, 1, -1, 2, 0},
          std::tuple{Anchor::bottom_right, 1, 1, 4, 3}, std::tuple{Anchor::top_left, 9, 0, 9, 0}}) {
      ImageF32 base = test::make_f32(bw, bh, bpx, cpu), m = test::make_f32(2, 2, mpx, cpu);
      blend::mask(base, m, {.anchor = a, .offset_x = ox, .offset_y = oy, .mode = mode});
      const auto out = io::download(base);
      for (int y = 0; y < bh; ++y)
        for (int x = 0; x < bw; ++x) {
          const float4 in = bpx[std::size_t(y) * bw + x], got = out[std::size_t(y) * bw + x];
          const int mx = x - px, my = y - py;
          float4 want = in;
          if (mx >= 0 && mx < 2 && my >= 0 && my < 2) {
            const float4 mp = mpx[std::size_t(my) * 2 + mx];
            want.w *= mode == blend::MaskMode::alpha ? mp.w : 0.299f * mp.x + 0.587f * mp.y + 0.114f * mp.z;
          }
          INFO("mode " << int(mode) << " pixel (" << x << ", " << y << ")");
          check_px(got, want, 0.f);
        }
    }
  }
  // the default mode is luminance; 1x1
  ImageF32 one = test::make_f32(1, 1, {rgba(0.3f, 0.3f, 0.3f, 0.8f)}, cpu);
  ImageF32 m1 = test::make_f32(1, 1, {rgba(0.5f, 0.5f, 0.5f, 0.1f)}, cpu);
  blend::mask(one, m1);
  check_px(io::download(one)[0], rgba(0.3f, 0.3f, 0.3f, 0.8f * (0.299f * 0.5f + 0.587f * 0.5f + 0.114f * 0.5f)), 0.f);
}

TEST_CASE("blend: in place on a crop_view changes only the view", "[blend]") {
  const int w = 10, h = 8;
  const auto bpx = test::random_f32(w, h, 21), opx = test::random_f32(6, 6, 22);
  auto each = [&](auto op) {
    ImageF32 base = test::make_f32(w, h, bpx, cpu), over = test::make_f32(6, 6, opx, cpu);
    op(base.crop_view(3, 2, 4, 3), over.crop_view(1, 1, 5, 5));
    const auto out = io::download(base);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const bool inside = x >= 3 && x < 7 && y >= 2 && y < 5;
        INFO("pixel (" << x << ", " << y << ")");
        CHECK(same(out[std::size_t(y) * w + x], bpx[std::size_t(y) * w + x]) == !inside);
      }
  };
  for (Mode m : all_modes) each([m](ImageView<float4> b, ConstImageView<float4> o) { blend::composite(b, o, m); });
  each([](ImageView<float4> b, ConstImageView<float4> o) { blend::normal(b, o, {.anchor = Anchor::center}); });
  each([](ImageView<float4> b, ConstImageView<float4> o) { blend::mask(b, o, {.mode = blend::MaskMode::alpha}); });
  // and the overlay's crop is read with its own pitch: a crop overlay equals a copied overlay
  ImageF32 b1 = test::make_f32(w, h, bpx, cpu), b2 = test::make_f32(w, h, bpx, cpu);
  ImageF32 over = test::make_f32(6, 6, opx, cpu), packed(4, 3, cpu);
  io::copy(over.crop_view(2, 1, 4, 3), packed.view());
  blend::screen(b1, over.crop_view(2, 1, 4, 3), {.offset_x = 1, .offset_y = 2});
  blend::screen(b2, packed, {.offset_x = 1, .offset_y = 2});
  CHECK(test::max_abs_diff(io::download(b1), io::download(b2)) == 0.f);
}

TEST_CASE("blend: an image onto itself — same position allowed, overlapping offsets refused", "[blend]") {
  const int w = 8, h = 6;
  const auto px = test::random_f32(w, h, 31);
  {  // the reference's benchmark: full frame over itself
    ImageF32 img = test::make_f32(w, h, px, cpu);
    blend::normal(img, img);
    const auto out = io::download(img);
    std::vector<float4> want(px.size());
    for (std::size_t i = 0; i < px.size(); ++i) want[i] = detail::BlendOp<Mode::normal>{1.f}(px[i], px[i]);
    CHECK(test::max_abs_diff(out, want) == 0.f);
  }
  {  // left half onto the right half of the same image: disjoint pixels, allowed
    ImageF32 img = test::make_f32(w, h, px, cpu);
    blend::multiply(img.crop_view(4, 0, 4, h), img.crop_view(0, 0, 4, h));
    const auto out = io::download(img);
    for (int y = 0; y < h; ++y)
      for (int x = 4; x < 8; ++x)
        CHECK(same(out[std::size_t(y) * w + x],
                   detail::BlendOp<Mode::multiply>{1.f}(px[std::size_t(y) * w + x], px[std::size_t(y) * w + x - 4])));
  }
  ImageF32 img = test::make_f32(w, h, px, cpu);
  REQUIRE_IMAGECUDA_ERROR(blend::normal(img, img, {.offset_x = 1}), ErrorCode::invalid_argument,
                          "blend::normal: overlay overlaps the base pixels it is blended onto");
  REQUIRE_IMAGECUDA_ERROR(blend::mask(img, img.crop_view(0, 1, 3, 3)), ErrorCode::invalid_argument,
                          "blend::mask: mask overlaps");
  REQUIRE_IMAGECUDA_ERROR(blend::screen(img.crop_view(1, 1, 4, 4), img.crop_view(2, 2, 4, 4)),
                          ErrorCode::invalid_argument, "overlaps");
  CHECK(test::max_abs_diff(io::download(img), px) == 0.f);  // untouched

  // blend_overlaps is exact for one pitch: compare with brute force on random rectangles
  std::mt19937 rng(5);
  const int W = 9, H = 7;
  std::vector<float4> buf(std::size_t(W) * H * 2);
  int hits = 0, misses = 0;
  for (int t = 0; t < 3000; ++t) {
    const int rw = 1 + int(rng() % W), rh = 1 + int(rng() % H);
    const int ax = int(rng() % (W - rw + 1)), ay = int(rng() % (H - rh + 1));
    const int bx = int(rng() % (W - rw + 1)), by = int(rng() % (H - rh + 1));
    std::set<std::ptrdiff_t> written;
    for (int j = 0; j < rh; ++j)
      for (int i = 0; i < rw; ++i) written.insert((ay + j) * W + ax + i);
    bool race = false;
    for (int j = 0; j < rh; ++j)
      for (int i = 0; i < rw; ++i) {
        const std::ptrdiff_t r = (by + j) * W + bx + i;
        if (written.count(r) && r != (ay + j) * W + ax + i) race = true;
      }
    const bool got = detail::blend_overlaps(&buf[std::size_t(ay) * W + ax], W * sizeof(float4),
                                            &buf[std::size_t(by) * W + bx], W * sizeof(float4), rw, rh);
    (race ? hits : misses)++;
    INFO("rect " << rw << "x" << rh << " written at (" << ax << ", " << ay << ") read at (" << bx << ", " << by << ")");
    REQUIRE(got == race);
  }
  CHECK(hits > 100);
  CHECK(misses > 100);
}

TEST_CASE("blend: errors", "[blend][errors]") {
  ImageF32 base = test::make_f32(4, 3, test::random_f32(4, 3, 1), cpu);
  ImageF32 over = test::make_f32(2, 2, test::random_f32(2, 2, 2), cpu);
  const auto before = io::download(base);
  const float nan = std::nanf("");

  REQUIRE_IMAGECUDA_ERROR(blend::normal(base, over, {.opacity = nan}), ErrorCode::invalid_argument,
                          "blend::normal: opacity must be finite, got nan");
  REQUIRE_IMAGECUDA_ERROR(blend::hard_light(base, over, {.opacity = INFINITY}), ErrorCode::invalid_argument,
                          "blend::hard_light: opacity must be finite, got inf");
  REQUIRE_IMAGECUDA_ERROR(blend::composite(base, over, static_cast<Mode>(17)), ErrorCode::invalid_argument,
                          "blend::composite: unknown mode 17");
  REQUIRE_IMAGECUDA_ERROR(blend::composite(base, over, static_cast<Mode>(-1), {.opacity = 0.f}),
                          ErrorCode::invalid_argument, "unknown mode -1");
  REQUIRE_IMAGECUDA_ERROR(blend::multiply(base, over, {.anchor = static_cast<Anchor>(9)}), ErrorCode::invalid_argument,
                          "blend::multiply: unknown anchor 9");
  // validated even when the early-out applies
  REQUIRE_IMAGECUDA_ERROR(blend::screen(base, over, {.anchor = static_cast<Anchor>(-3), .opacity = 0.f}),
                          ErrorCode::invalid_argument, "blend::screen: unknown anchor -3");
  REQUIRE_IMAGECUDA_ERROR(blend::mask(base, over, {.mode = static_cast<blend::MaskMode>(2)}),
                          ErrorCode::invalid_argument, "blend::mask: unknown mode 2");
  REQUIRE_IMAGECUDA_ERROR(blend::add(ImageView<float4>{}, over), ErrorCode::invalid_argument,
                          "blend::add: base is empty");
  REQUIRE_IMAGECUDA_ERROR(blend::overlay(base, ConstImageView<float4>{}), ErrorCode::invalid_argument,
                          "blend::overlay: overlay is empty");
  REQUIRE_IMAGECUDA_ERROR(blend::mask(base, ConstImageView<float4>{}), ErrorCode::invalid_argument,
                          "blend::mask: mask is empty");

  // both images on one device (a view that claims CUDA memory is refused before any access)
  const ConstImageView<float4> on_gpu(over.data(), 2, 2, 2 * sizeof(float4), Device::cuda(0));
  REQUIRE_IMAGECUDA_ERROR(blend::soft_light(base, on_gpu), ErrorCode::device_mismatch,
                          "blend::soft_light: base is on cpu but overlay is on cuda:0");
  REQUIRE_IMAGECUDA_ERROR(blend::mask(base, on_gpu), ErrorCode::device_mismatch,
                          "blend::mask: base is on cpu but mask is on cuda:0");

  ImageF32 gone(2, 2, cpu);
  gone.free();
  REQUIRE_IMAGECUDA_ERROR(blend::normal(base, gone), ErrorCode::freed, "image was freed");
  REQUIRE_IMAGECUDA_ERROR(blend::normal(gone, over), ErrorCode::freed, "image was freed");

  CHECK(test::max_abs_diff(io::download(base), before) == 0.f);
}

TEST_CASE("blend: the documentation's example", "[blend][docs]") {
  ImageF32 photo = test::make_f32(64, 48, test::random_f32(64, 48, 1), cpu);
  const ImageF32 logo = test::make_f32(16, 8, test::random_f32(16, 8, 2), cpu);
  const ImageF32 texture = test::make_f32(64, 48, test::random_f32(64, 48, 3), cpu);
  const ImageF32 shape = test::make_f32(64, 48, test::random_f32(64, 48, 4), cpu);
  // example-begin blend
  // A watermark 10 px in from the bottom-right corner, at 80 % opacity:
  blend::normal(photo, logo,
                {.anchor = blend::Anchor::bottom_right, .offset_x = -10, .offset_y = -10, .opacity = 0.8f});
  // A texture multiplied over the whole picture:
  blend::multiply(photo, texture);
  // Any W3C mode through composite:
  blend::composite(photo, texture, blend::Mode::color_dodge, {.opacity = 0.3f});
  // Cut the picture out with the alpha of a shape:
  blend::mask(photo, shape, {.mode = blend::MaskMode::alpha});
  // example-end
  CHECK(io::download(photo).size() == 64u * 48u);
}
