// SPDX-License-Identifier: MIT
// blend_gallery: every blend mode, the mask, the nine anchors and a contact sheet of all W3C modes.
// Writes blend_<name>.png. Usage: blend_gallery [output-directory]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <imagecuda/imagecuda.hpp>
#include <string>
#include <vector>

namespace ic = imagecuda;
namespace blend = imagecuda::blend;

namespace {

/// An image made on the host from f(u, v) with u, v in 0..1, uploaded to the default device.
ic::ImageF32 make(int w, int h, const std::function<float4(float, float)>& f, const ic::Exec& ex) {
  std::vector<float4> px(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) px[std::size_t(y) * w + x] = f((x + 0.5f) / w, (y + 0.5f) / h);
  ic::ImageF32 img(w, h, ic::default_device(), ex.stream);
  ic::io::upload(img, px, ex);
  return img;
}

float4 mix(float4 a, float4 b, float t) {
  return ic::rgba(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, a.w + (b.w - a.w) * t);
}

/// The backdrop: a dusk gradient with a dark-to-light ramp along the bottom (shows each mode's
/// behaviour on black, grey and white).
ic::ImageF32 backdrop(int w, int h, const ic::Exec& ex) {
  return make(
      w, h,
      [](float u, float v) {
        if (v > 0.85f) return ic::rgba(u, u, u);
        return mix(mix(ic::hex("#1d3557"), ic::hex("#e63946"), u), ic::hex("#f1faee"), v * 0.6f);
      },
      ex);
}

/// The overlay: colour bands in a soft-edged disc (alpha falls off at the rim).
ic::ImageF32 layer(int w, int h, const ic::Exec& ex) {
  return make(
      w, h,
      [](float u, float v) {
        const float d = std::hypot(u - 0.5f, v - 0.5f) * 2.f;
        const float a = std::clamp((1.f - d) * 6.f, 0.f, 1.f);
        const float4 bands[] = {ic::hex("#ffbe0b"), ic::hex("#3a86ff"), ic::hex("#8338ec"), ic::hex("#06d6a0"),
                                ic::rgba(0.5f, 0.5f, 0.5f)};
        float4 c = bands[std::min(4, int(v * 5.f))];
        c.w = a;
        return c;
      },
      ex);
}

void save(const ic::ImageF32& img, const std::filesystem::path& dir, const std::string& name, const ic::Exec& ex) {
  const auto path = dir / ("blend_" + name + ".png");
  ic::io::save(img, path, {}, ex);
  std::printf("wrote %s\n", path.c_str());
}

}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;
  const ic::Exec ex{stream};
  constexpr int W = 320, H = 200;
  const ic::ImageF32 over = layer(160, 160, ex);

  // The seven named modes (PyImageCUDA's), centred, and the mask.
  using Named = void (*)(ic::ImageView<float4>, ic::ConstImageView<float4>, const blend::BlendParams&, const ic::Exec&);
  const std::pair<const char*, Named> named[] = {{"normal", blend::normal},        {"multiply", blend::multiply},
                                                 {"screen", blend::screen},        {"add", blend::add},
                                                 {"overlay", blend::overlay},      {"soft_light", blend::soft_light},
                                                 {"hard_light", blend::hard_light}};
  for (auto [name, fn] : named) {
    ic::ImageF32 base = backdrop(W, H, ex);
    fn(base, over, {.anchor = blend::Anchor::center, .offset_y = -10}, ex);
    save(base, dir, name, ex);
  }
  {  // mask: keep the backdrop only where the disc's luminance is bright
    ic::ImageF32 base = backdrop(W, H, ex);
    const ic::ImageF32 shape = make(
        W, H,
        [](float u, float v) {
          const float d = std::hypot((u - 0.5f) * 1.6f, v - 0.5f) * 2.f;
          const float k = std::clamp((0.9f - d) * 4.f, 0.f, 1.f);
          return ic::rgba(k, k, k);
        },
        ex);
    blend::mask(base, shape, {.mode = blend::MaskMode::luminance}, ex);
    save(base, dir, "mask", ex);
  }
  {  // anchors: a small layer at each of the nine anchors, 8 px in from the edges
    ic::ImageF32 base = backdrop(W, H, ex);
    const ic::ImageF32 dot = layer(48, 48, ex);
    const blend::Anchor anchors[] = {
        blend::Anchor::top_left,    blend::Anchor::top_center,    blend::Anchor::top_right,
        blend::Anchor::center_left, blend::Anchor::center,        blend::Anchor::center_right,
        blend::Anchor::bottom_left, blend::Anchor::bottom_center, blend::Anchor::bottom_right};
    for (auto a : anchors) {
      const int col = int(a) % 3, row = int(a) / 3;
      blend::normal(base, dot, {.anchor = a, .offset_x = (1 - col) * 8, .offset_y = (1 - row) * 8}, ex);
    }
    save(base, dir, "anchors", ex);
  }
  {  // every mode of blend::composite, one tile each (in place on crop views of one sheet)
    constexpr int T = 120, cols = 6, rows = 3;
    ic::ImageF32 sheet = backdrop(T * cols, T * rows, ex);
    const ic::ImageF32 tile_layer = layer(T - 24, T - 24, ex);
    for (int m = 0; m < blend::mode_count; ++m) {
      auto tile = sheet.crop_view((m % cols) * T, (m / cols) * T, T, T);
      blend::composite(tile, tile_layer, blend::Mode(m), {.anchor = blend::Anchor::center}, ex);
    }
    save(sheet, dir, "composite", ex);
  }
  {  // W3C alpha: multiply over a transparent base keeps the layer's colour (PyImageCUDA: black)
    ic::ImageF32 base = make(
        W, H, [](float u, float) { return u < 0.5f ? ic::rgba(0, 0, 0, 0) : ic::hex("#e9c46a"); }, ex);
    blend::multiply(base, over, {.anchor = blend::Anchor::center}, ex);
    save(base, dir, "transparent", ex);
  }
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "blend_gallery: %s\n", e.what());
  return 1;
}
