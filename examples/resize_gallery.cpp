// SPDX-License-Identifier: MIT
// resize_gallery: the four samplers upscaling a small picture 5x, antialiased vs point-sampled
// downscaling of a fine ring pattern, and resize::fit's contain/cover/fill thumbnails (shown over
// a checkerboard where transparency matters).
// Writes resize_<function>.png. Usage: resize_gallery [output-directory]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;

namespace {
/// An image from a per-pixel function of (x, y) in pixels (pixel centres).
ic::ImageF32 make(int w, int h, const std::function<float4(float, float)>& f) {
  std::vector<float4> px(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[std::size_t(y) * w + x] = f(x + 0.5f, y + 0.5f);
  ic::ImageF32 img(w, h);
  ic::io::upload(img, px);
  return img;
}

/// A small 64x40 picture: a gradient sky, a disc and a thin diagonal line.
ic::ImageF32 small_picture() {
  return make(64, 40, [](float x, float y) {
    float4 c = ic::rgba(0.15f + 0.5f * x / 64.f, 0.3f, 0.55f + 0.4f * y / 40.f);
    if (std::hypot(x - 22.f, y - 20.f) < 11.f) c = ic::hex("#f4a261");
    if (std::fabs((x - 36.f) - (y - 4.f)) < 0.8f && x > 36.f) c = ic::rgba(1.f, 1.f, 1.f);
    return c;
  });
}

/// Concentric rings whose frequency rises outwards (a zone plate): aliases when point-sampled.
ic::ImageF32 zone_plate(int w, int h) {
  return make(w, h, [w, h](float x, float y) {
    const float dx = x - w / 2.f, dy = y - h / 2.f;
    const float v = 0.5f + 0.5f * std::cos((dx * dx + dy * dy) * 3.14159265f / float(w));
    return ic::rgba(v, v, v);
  });
}

/// A transparent-background logo (disc + bar) for fit.
ic::ImageF32 logo(int w, int h) {
  return make(w, h, [w, h](float x, float y) {
    const float s = float(h) / 120.f;
    const float disc = 44.f * s - std::hypot(x - 60.f * s, y - h / 2.f);
    const float bar = 14.f * s - std::fabs(y - h / 2.f);
    const float inside = std::max(disc, x > 60.f * s && x < w - 10.f * s ? bar : -1e9f);
    const float a = std::clamp(inside + 0.5f, 0.f, 1.f);
    const float4 c = disc > 0.f ? ic::hex("#e76f51") : ic::hex("#2a9d8f");
    return ic::rgba(c.x, c.y, c.z, a);
  });
}

ic::ImageF32 on_checker(const ic::ImageF32& img) {
  ic::ImageF32 bg(img.width(), img.height());
  ic::fill::checkerboard(bg, {.size = 8, .color1 = ic::rgba(0.85f, 0.85f, 0.85f), .color2 = ic::rgba(0.65f, 0.65f, 0.65f)});
  ic::blend::normal(bg, img);
  return bg;
}

void save(const ic::ImageF32& img, const std::filesystem::path& dir, const std::string& name) {
  const auto path = dir / ("resize_" + name + ".png");
  ic::io::save(img, path);
  std::printf("wrote %s\n", path.c_str());
}
}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  std::filesystem::create_directories(dir);

  // Upscaling 64x40 -> 320x200 with each sampler.
  const ic::ImageF32 small = small_picture();
  save(ic::resize::nearest(small, {.width = 320}), dir, "nearest");
  save(ic::resize::bilinear(small, {.width = 320}), dir, "bilinear");
  save(ic::resize::bicubic(small, {.width = 320}), dir, "bicubic");
  save(ic::resize::lanczos(small, {.width = 320}), dir, "lanczos");

  // Downscaling a 1280x800 zone plate to 320x200: antialiased (default) vs the reference's
  // point sampling (moire).
  const ic::ImageF32 plate = zone_plate(1280, 800);
  save(ic::resize::bilinear(plate, {.width = 320}), dir, "antialias_on");
  save(ic::resize::bilinear(plate, {.width = 320, .antialias = false}), dir, "antialias_off");
  // The same reduction with the area (box) filter: the mean of each 4x4 block.
  save(ic::resize::area(plate, {.width = 320}), dir, "area");

  // Thumbnails of a 400x240 logo into a 200x200 box.
  const ic::ImageF32 src = logo(400, 240);
  save(on_checker(ic::resize::fit(src, 200, 200, ic::resize::Fit::contain, ic::Interpolation::lanczos)), dir,
       "fit_contain");
  save(on_checker(ic::resize::fit(src, 200, 200, ic::resize::Fit::cover, ic::Interpolation::lanczos)), dir,
       "fit_cover");
  save(on_checker(ic::resize::fit(src, 200, 200, ic::resize::Fit::fill, ic::Interpolation::lanczos)), dir,
       "fit_fill");
  return 0;
}
