// SPDX-License-Identifier: MIT
// fill_gallery: every fill generator on a small canvas, several variants side by side in
// crop views (each view is a canvas of its own: the patterns use the view's coordinates and
// size). Writes fill_<function>.png. Usage: fill_gallery [output-directory]
#include <cstdio>
#include <filesystem>
#include <functional>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;
namespace fill = imagecuda::fill;

namespace {
constexpr int W = 320, H = 200;
using View = ic::ImageView<float4>;
using Op = std::function<void(View)>;

/// Splits the canvas into `ops.size()` columns with a 4-pixel gutter and runs one op per column.
void columns(ic::ImageF32& img, const std::vector<Op>& ops, const ic::Exec& ex) {
  fill::color(img, ic::hex("#20242c"), ex);
  const int n = int(ops.size()), gap = 4, cw = (W - gap * (n + 1)) / n;
  for (int i = 0; i < n; ++i) ops[std::size_t(i)](img.crop_view(gap + i * (cw + gap), gap, cw, H - 2 * gap));
}
}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;
  const ic::Exec ex{stream};
  const float4 ink = ic::hex("#f2c14e"), paper = ic::hex("#1d3557"), white = ic::rgba(1, 1, 1), coral = ic::hex("#e76f51");
  using D = fill::GradientDirection;

  const std::vector<std::pair<std::string, std::function<void(ic::ImageF32&)>>> pictures = {
      {"color", [&](ic::ImageF32& img) { columns(img, {[&](View v) { fill::color(v, coral, ex); },
                                                       [&](View v) { fill::color(v, ic::rgba(0.16f, 0.62f, 0.56f), ex); },
                                                       [&](View v) { fill::color(v, ink, ex); }}, ex); }},
      {"gradient",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::gradient(v, paper, coral, {}, ex); },
                  [&](View v) { fill::gradient(v, paper, coral, {.direction = D::vertical}, ex); },
                  [&](View v) { fill::gradient(v, paper, coral, {.direction = D::diagonal}, ex); },
                  [&](View v) { fill::gradient(v, coral, paper, {.direction = D::radial}, ex); },
                  [&](View v) { fill::gradient(v, paper, coral, {.seamless = true}, ex); }},
                 ex);
       }},
      {"checkerboard",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::checkerboard(v, {}, ex); },
                  [&](View v) { fill::checkerboard(v, {.size = 8, .color1 = paper, .color2 = ink, .offset_x = 4}, ex); }},
                 ex);
       }},
      {"grid",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::grid(v, {.spacing = 25, .color = white, .bg_color = paper}, ex); },
                  [&](View v) {
                    fill::grid(v, {.spacing = 16, .line_width = 3, .color = ink, .bg_color = paper, .offset_x = 6, .offset_y = 6}, ex);
                  }},
                 ex);
       }},
      {"stripes",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::stripes(v, {.color1 = ink, .color2 = paper}, ex); },
                  [&](View v) { fill::stripes(v, {.angle = 0, .spacing = 12, .width = 4, .color1 = white, .color2 = paper}, ex); },
                  [&](View v) { fill::stripes(v, {.angle = -30, .spacing = 30, .width = 24, .color1 = coral, .color2 = paper}, ex); }},
                 ex);
       }},
      {"dots",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::dots(v, {.spacing = 24, .radius = 7, .color = ink, .bg_color = paper}, ex); },
                  [&](View v) {
                    fill::dots(v, {.spacing = 36, .radius = 14, .color = coral, .bg_color = paper, .softness = 0.6f}, ex);
                  }},
                 ex);
       }},
      {"circle",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::circle(v, {.color = ink, .bg_color = paper}, ex); },
                  [&](View v) { fill::circle(v, {.color = coral, .bg_color = paper, .softness = 0.5f}, ex); }},
                 ex);
       }},
      {"noise",
       [&](ic::ImageF32& img) {
         columns(img, {[&](View v) { fill::noise(v, {}, ex); }, [&](View v) { fill::noise(v, {.seed = 7, .monochrome = false}, ex); }},
                 ex);
       }},
      {"perlin",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::perlin(v, {.scale = 40}, ex); },
                  [&](View v) {
                    fill::perlin(v, {.scale = 60, .seed = 3, .octaves = 5, .color1 = paper, .color2 = ink}, ex);
                  }},
                 ex);
       }},
      {"ngon",
       [&](ic::ImageF32& img) {
         columns(img,
                 {[&](View v) { fill::ngon(v, {.color = ink, .bg_color = paper}, ex); },
                  [&](View v) { fill::ngon(v, {.sides = 5, .color = coral, .bg_color = paper, .rotation = 36}, ex); },
                  [&](View v) { fill::ngon(v, {.sides = 6, .color = white, .bg_color = paper, .softness = 0.08f}, ex); }},
                 ex);
       }},
  };
  for (const auto& [name, draw] : pictures) {
    ic::ImageF32 img(W, H, ic::default_device(), stream);
    draw(img);
    const auto path = dir / ("fill_" + name + ".png");
    ic::io::save(img, path, {}, ex);
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "fill_gallery: %s\n", e.what());
  return 1;
}
