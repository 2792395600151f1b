// SPDX-License-Identifier: MIT
// transform_gallery: flip, rotate (30 degrees expanded and not, and the exact 90), crop with
// transparent padding, zoom, on a 320x200 picture (transparent areas shown over a checkerboard).
// Writes transform_<function>.png. Usage: transform_gallery [output-directory]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;
namespace tr = imagecuda::transform;

namespace {
constexpr int W = 320, H = 200;

/// A gradient with a disc, a square and an "F"-like mark that shows the orientation.
ic::ImageF32 picture() {
  std::vector<float4> px(std::size_t(W) * H);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const float u = (x + 0.5f) / W, v = (y + 0.5f) / H;
      float4 c = ic::rgba(0.2f + 0.6f * u, 0.35f, 0.8f - 0.5f * v);
      if (std::hypot(x + 0.5f - 90.f, y + 0.5f - 100.f) < 50.f) c = ic::hex("#f4a261");
      const bool stem = x >= 200 && x < 216 && y >= 40 && y < 160;
      const bool top = x >= 200 && x < 270 && y >= 40 && y < 56;
      const bool mid = x >= 200 && x < 250 && y >= 92 && y < 108;
      if (stem || top || mid) c = ic::rgba(1.f, 1.f, 1.f);
      px[std::size_t(y) * W + x] = c;
    }
  ic::ImageF32 img(W, H);
  ic::io::upload(img, px);
  return img;
}

ic::ImageF32 on_checker(const ic::ImageF32& img) {
  ic::ImageF32 bg(img.width(), img.height());
  ic::fill::checkerboard(bg, {.size = 10, .color1 = ic::rgba(0.85f, 0.85f, 0.85f), .color2 = ic::rgba(0.65f, 0.65f, 0.65f)});
  ic::blend::normal(bg, img);
  return bg;
}

void save(const ic::ImageF32& img, const std::filesystem::path& dir, const std::string& name) {
  const auto path = dir / ("transform_" + name + ".png");
  ic::io::save(img, path);
  std::printf("wrote %s\n", path.c_str());
}
}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  std::filesystem::create_directories(dir);
  const ic::ImageF32 src = picture();
  save(src, dir, "original");
  save(tr::flip(src, {.direction = tr::FlipDirection::horizontal}), dir, "flip");
  save(tr::flip(src, {.direction = tr::FlipDirection::vertical}), dir, "flip_vertical");
  save(on_checker(tr::rotate(src, {.angle = 30.f})), dir, "rotate");
  save(on_checker(tr::rotate(src, {.angle = 30.f, .expand = false, .interpolation = ic::Interpolation::lanczos})), dir,
       "rotate_no_expand");
  save(tr::rotate(src, {.angle = 90.f}), dir, "rotate_90");
  save(on_checker(tr::crop(src, {.x = 200, .y = 100, .width = 200, .height = 150})), dir, "crop");
  save(tr::zoom(src, {.zoom_factor = 2.5f, .center_x = 230.f, .center_y = 90.f, .interpolation = ic::Interpolation::bicubic}),
       dir, "zoom");
  save(on_checker(tr::zoom(src, {.zoom_factor = 0.6f})), dir, "zoom_out");
  return 0;
}
