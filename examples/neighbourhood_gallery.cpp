// SPDX-License-Identifier: MIT
// neighbourhood_gallery: gaussian_blur, box_blur, sharpen, sobel, emboss on the right half of a
// small picture, and drop_shadow under a card. Writes filter_<op>.png and effect_drop_shadow.png.
// Usage: neighbourhood_gallery [output-directory]
#include <imagecuda/imagecuda.hpp>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ic = imagecuda;

namespace {
constexpr int W = 320, H = 200;

ic::ImageF32 source(const ic::Exec& ex) {
  ic::ImageF32 img(W, H, ic::default_device(), ex.stream);
  ic::fill::gradient(img, ic::hex("#264653"), ic::hex("#e9c46a"), {.direction = ic::fill::GradientDirection::diagonal}, ex);
  ic::fill::checkerboard(img.crop_view(20, 20, 120, 80), {.size = 10, .color1 = ic::hex("#f4a261"), .color2 = ic::hex("#2a9d8f")}, ex);
  ic::fill::stripes(img.crop_view(170, 20, 130, 160), {.angle = 30, .spacing = 14, .width = 5, .color1 = ic::hex("#ffffff"), .color2 = ic::hex("#e76f51")}, ex);
  ic::fill::dots(img.crop_view(20, 120, 120, 60), {.spacing = 12, .radius = 4, .color = ic::hex("#ffffff"), .bg_color = ic::hex("#1d3557")}, ex);
  return img;
}

void save(const ic::ImageF32& img, const std::filesystem::path& path, const ic::Exec& ex) {
  ic::io::save(img, path, {}, ex);
  std::printf("wrote %s\n", path.c_str());
}
}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;
  ic::Workspace ws;  // one scratch buffer for every op below
  const ic::Exec ex{stream, &ws};
  const ic::ImageF32 original = source(ex);
  ic::ImageF32 half(W / 2, H, ic::default_device(), stream);

  using Op = std::function<void(ic::ConstImageView<float4>, ic::ImageF32&)>;
  const std::vector<std::pair<std::string, Op>> ops = {
      {"gaussian_blur", [&](auto in, auto& out) { ic::filter::gaussian_blur(in, out, {.radius = 9}, ex); }},
      {"box_blur", [&](auto in, auto& out) { ic::filter::box_blur(in, out, {.radius = 4}, ex); }},
      {"sharpen", [&](auto in, auto& out) { ic::filter::sharpen(in, out, {.strength = 1.5f}, ex); }},
      {"sobel", [&](auto in, auto& out) { ic::filter::sobel(in, out, ex); }},
      {"emboss", [&](auto in, auto& out) { ic::filter::emboss(in, out, {.strength = 1.f}, ex); }},
  };
  for (const auto& [name, op] : ops) {
    ic::ImageF32 img(W, H, ic::default_device(), stream);
    ic::io::copy(original, img, ex);
    op(original.crop_view(W / 2, 0, W / 2, H), half);        // out of place, into a reused buffer
    ic::io::copy(half.view(), img.crop_view(W / 2, 0, W / 2, H), ex);
    save(img, dir / ("filter_" + name + ".png"), ex);
  }

  // drop_shadow: a rounded card with a coloured, offset shadow, over a light background.
  ic::ImageF32 card(200, 120, ic::default_device(), stream);
  ic::fill::gradient(card, ic::hex("#ffffff"), ic::hex("#dfe7fd"), {.direction = ic::fill::GradientDirection::vertical}, ex);
  ic::effect::rounded_corners(card, 18.f, ex);
  ic::ImageF32 shadowed = ic::effect::drop_shadow(card, {.offset_x = 12, .offset_y = 14, .blur = 24, .color = ic::hex("#5a189acc")}, ex);
  ic::ImageF32 page(W, H, ic::default_device(), stream);
  ic::fill::color(page, ic::hex("#f8f9fa"), ex);
  ic::blend::normal(page, shadowed, {.anchor = ic::blend::Anchor::center}, ex);
  save(page, dir / "effect_drop_shadow.png", ex);
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "neighbourhood_gallery: %s\n", e.what());
  return 1;
}
