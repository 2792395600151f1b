// SPDX-License-Identifier: MIT
// effect_gallery: rounded_corners, vignette, chroma_key and stroke (outside and inside) on small
// pictures, shown over a checkerboard or a dark backdrop where transparency matters.
// Writes effect_<function>.png. Usage: effect_gallery [output-directory]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;
namespace effect = imagecuda::effect;

namespace {
constexpr int W = 320, H = 200;

/// An image from a per-pixel function of (u, v) in 0..1 (pixel centres).
ic::ImageF32 make(int w, int h, const std::function<float4(float, float)>& f, const ic::Exec& ex) {
  std::vector<float4> px(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[std::size_t(y) * w + x] = f((x + 0.5f) / w, (y + 0.5f) / h);
  ic::ImageF32 img(w, h, ic::default_device(), ex.stream);
  ic::io::upload(img, px, ex);
  return img;
}

ic::ImageF32 checker(const ic::Exec& ex) {
  ic::ImageF32 bg(W, H, ic::default_device(), ex.stream);
  ic::fill::checkerboard(bg, {.size = 10, .color1 = ic::rgba(0.85f, 0.85f, 0.85f), .color2 = ic::rgba(0.65f, 0.65f, 0.65f)},
                         ex);
  return bg;
}

/// A logo: a disc and a rounded bar, soft 1-px edges, on transparent black.
ic::ImageF32 logo(const ic::Exec& ex) {
  constexpr int w = 200, h = 120;
  return make(
      w, h,
      [](float u, float v) {
        const float x = u * w, y = v * h;
        const float disc = 44.f - std::hypot(x - 60.f, y - 60.f);
        const float qx = std::max(std::fabs(x - 125.f) - 55.f, 0.f), qy = std::max(std::fabs(y - 60.f) - 10.f, 0.f);
        const float bar = 12.f - std::hypot(qx, qy);
        const float a = std::clamp(std::max(disc, bar) + 0.5f, 0.f, 1.f);
        const float4 c = disc > bar ? ic::hex("#e76f51") : ic::hex("#f4a261");
        return ic::rgba(c.x, c.y, c.z, a);
      },
      ex);
}

void save(const ic::ImageF32& img, const std::filesystem::path& dir, const std::string& name, const ic::Exec& ex) {
  const auto path = dir / ("effect_" + name + ".png");
  ic::io::save(img, path, {}, ex);
  std::printf("wrote %s\n", path.c_str());
}
}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;
  ic::Workspace ws;
  const ic::Exec ex{stream, &ws};

  {  // rounded_corners: a card with 28 px corners over a checkerboard
    ic::ImageF32 card(280, 160, ic::default_device(), stream);
    ic::fill::gradient(card, ic::hex("#264653"), ic::hex("#2a9d8f"), {.direction = ic::fill::GradientDirection::diagonal},
                       ex);
    ic::fill::color(card.crop_view(24, 100, 232, 8), ic::hex("#e9c46a"), ex);
    effect::rounded_corners(card, 28.f, ex);
    ic::ImageF32 bg = checker(ex);
    ic::blend::normal(bg, card, {.anchor = ic::blend::Anchor::center}, ex);
    save(bg, dir, "rounded_corners", ex);
  }
  {  // vignette: a soft darkening of a bright texture (left: radius 0.9, right: radius 0.5, tinted)
    ic::ImageF32 img(W, H, ic::default_device(), stream);
    ic::fill::perlin(img, {.scale = 40.f, .octaves = 4, .color1 = ic::hex("#8ecae6"), .color2 = ic::hex("#ffb703")}, ex);
    effect::vignette(img.crop_view(0, 0, W / 2, H), {}, ex);
    effect::vignette(img.crop_view(W / 2, 0, W / 2, H),
                     {.radius = 0.5f, .softness = 0.8f, .color = ic::rgba(0.3f, 0.f, 0.2f, 1.f)}, ex);
    save(img, dir, "vignette", ex);
  }
  {  // chroma_key: a green-screen frame (left half as shot), keyed on the right half
    ic::ImageF32 frame = make(
        W, H,
        [](float u, float v) {
          const float4 green = ic::rgba(0.15f, 0.8f, 0.2f);
          const float4 subject = u < 0.5f ? ic::hex("#d9a066") : ic::hex("#5b6ee1");
          const float d = std::hypot((std::fmod(u, 0.5f) - 0.25f) * W, (v - 0.5f) * H);
          const float k = std::clamp((60.f - d) / 4.f, 0.f, 1.f);  // a 4-px soft edge picks up green
          return ic::rgba(green.x + (subject.x - green.x) * k, green.y + (subject.y - green.y) * k,
                          green.z + (subject.z - green.z) * k);
        },
        ex);
    effect::chroma_key(frame.crop_view(W / 2, 0, W / 2, H),
                       {.key_color = ic::rgba(0.15f, 0.8f, 0.2f), .threshold = 0.3f, .smoothness = 0.1f}, ex);
    ic::ImageF32 bg = checker(ex);
    ic::blend::normal(bg, frame, {}, ex);
    save(bg, dir, "chroma_key", ex);
  }
  const ic::ImageF32 mark = logo(ex);
  {  // stroke outside: 6 px white, on an expanded canvas, over a dark backdrop
    const ic::ImageF32 out = effect::stroke(mark, {.width = 6, .color = ic::hex("#ffffff")}, ex);
    ic::ImageF32 bg(W, H, ic::default_device(), stream);
    ic::fill::color(bg, ic::hex("#1d3557"), ex);
    ic::blend::normal(bg, out, {.anchor = ic::blend::Anchor::center}, ex);
    save(bg, dir, "stroke", ex);
  }
  {  // stroke inside: 5 px, into a caller's image with the workspace (no allocation once warm)
    ic::ImageF32 out(200, 120, ic::default_device(), stream);
    effect::stroke(mark, out,
                   {.width = 5, .color = ic::hex("#264653"), .position = effect::StrokePosition::inside}, ex);
    ic::ImageF32 bg = checker(ex);
    ic::blend::normal(bg, out, {.anchor = ic::blend::Anchor::center}, ex);
    save(bg, dir, "stroke_inside", ex);
  }
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "effect_gallery: %s\n", e.what());
  return 1;
}
