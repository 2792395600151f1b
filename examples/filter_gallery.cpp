// SPDX-License-Identifier: MIT
// filter_gallery: each point filter (sepia, invert, threshold, solarize) on the right half of a
// small picture, in place on a crop view (the left half stays as it was).
// Writes filter_<op>.png. Usage: filter_gallery [output-directory]
#include <cstdio>
#include <filesystem>
#include <functional>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;

namespace {
constexpr int W = 320, H = 200;

/// A picture made with fills: a sky gradient, a sun, hills of perlin noise, a striped band.
ic::ImageF32 source(const ic::Exec& ex) {
  ic::ImageF32 img(W, H, ic::default_device(), ex.stream);
  ic::fill::gradient(img, ic::hex("#3a86c8"), ic::hex("#f7d9a8"), {.direction = ic::fill::GradientDirection::vertical}, ex);
  // The sun: circle() paints its whole canvas, so draw it on its own (transparent around the
  // disc, in the sun's colour so the anti-aliased edge has no dark fringe) and composite it.
  ic::ImageF32 sun(80, 80, ic::default_device(), ex.stream);
  const float4 yellow = ic::hex("#ffb703");
  ic::fill::circle(sun, {.color = yellow, .bg_color = ic::rgba(yellow.x, yellow.y, yellow.z, 0), .softness = 0.1f}, ex);
  ic::blend::normal(img, sun, {.offset_x = 120, .offset_y = 20}, ex);
  ic::fill::perlin(img.crop_view(0, 110, W, 70),
                   {.scale = 45, .seed = 2, .octaves = 4, .color1 = ic::hex("#1b4332"), .color2 = ic::hex("#95d5b2")}, ex);
  ic::fill::stripes(img.crop_view(0, 180, W, 20), {.spacing = 16, .width = 8, .color1 = ic::hex("#e63946"), .color2 = ic::hex("#f1faee")}, ex);
  return img;
}
}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;
  const ic::Exec ex{stream};
  const ic::ImageF32 original = source(ex);

  using Op = std::function<void(ic::ImageView<float4>)>;
  const std::vector<std::pair<std::string, Op>> ops = {
      {"original", [](ic::ImageView<float4>) {}},
      {"sepia", [&](ic::ImageView<float4> v) { ic::filter::sepia(v, {}, ex); }},
      {"invert", [&](ic::ImageView<float4> v) { ic::filter::invert(v, ex); }},
      {"threshold", [&](ic::ImageView<float4> v) { ic::filter::threshold(v, {.value = 0.55f}, ex); }},
      {"solarize", [&](ic::ImageView<float4> v) { ic::filter::solarize(v, {}, ex); }},
  };
  for (const auto& [name, op] : ops) {
    ic::ImageF32 img(W, H, ic::default_device(), stream);
    ic::io::copy(original, img, ex);
    op(img.crop_view(W / 2, 0, W / 2, H));
    const auto path = dir / ("filter_" + name + ".png");
    ic::io::save(img, path, {}, ex);
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "filter_gallery: %s\n", e.what());
  return 1;
}
