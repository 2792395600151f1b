// SPDX-License-Identifier: MIT
// adjust_gallery: every adjust op on the right half of a small picture (the left half stays as
// it was), plus a one-pass chain. Writes adjust_<op>.png. Usage: adjust_gallery [output-directory]
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
constexpr int W = 320, H = 200;

// A colourful source: hue sweeps left to right, saturation rises and value falls downwards, with
// a soft skin-toned disc (vibrance spares it) and a grey ramp along the bottom.
ic::ImageF32 source(const ic::Exec& ex) {
  std::vector<float4> px(std::size_t(W) * H);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const float u = (x + 0.5f) / W, v = (y + 0.5f) / H;
      float4 p;
      if (y >= H - 24) {
        p = ic::rgba(u, u, u);
      } else {
        const float t = std::fmod(u * 2.f, 1.f);  // two sweeps: each half has every hue
        const float sat = 0.25f + 0.75f * v, val = 0.95f - 0.45f * v;
        auto ch = [&](float phase) {  // a cosine rainbow, mixed towards grey and darkened
          const float c = 0.5f + 0.5f * std::cos(6.2831853f * (t - phase));
          return val * (1.f - sat + sat * c);
        };
        p = ic::rgba(ch(0.f), ch(1.f / 3.f), ch(2.f / 3.f));
      }
      for (float cx : {0.25f, 0.75f}) {  // one disc per half
        const float d = std::hypot((u - cx) * W, (v - 0.4f) * H);
        const float k = std::clamp((34.f - d) / 6.f, 0.f, 1.f);
        const float4 skin = ic::hex("#e0ac8a");
        p = ic::rgba(p.x + (skin.x - p.x) * k, p.y + (skin.y - p.y) * k, p.z + (skin.z - p.z) * k);
      }
      px[std::size_t(y) * W + x] = p;
    }
  ic::ImageF32 img(W, H, ic::default_device(), ex.stream);
  ic::io::upload(img, px, ex);
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
      {"brightness", [&](ic::ImageView<float4> v) { ic::adjust::brightness(v, 0.2f, ex); }},
      {"contrast", [&](ic::ImageView<float4> v) { ic::adjust::contrast(v, 1.6f, ex); }},
      {"saturation", [&](ic::ImageView<float4> v) { ic::adjust::saturation(v, 0.2f, ex); }},
      {"gamma", [&](ic::ImageView<float4> v) { ic::adjust::gamma(v, 2.2f, ex); }},
      {"opacity", [&](ic::ImageView<float4> v) { ic::adjust::opacity(v, 0.35f, ex); }},
      {"hue", [&](ic::ImageView<float4> v) { ic::adjust::hue(v, 120.f, ex); }},
      {"vibrance", [&](ic::ImageView<float4> v) { ic::adjust::vibrance(v, 1.f, ex); }},
      {"chain",
       [&](ic::ImageView<float4> v) {
         ic::adjust::chain(v, {ic::adjust::contrast(1.25f), ic::adjust::hue(-30.f), ic::adjust::vibrance(0.6f)}, ex);
       }},
  };
  for (const auto& [name, op] : ops) {
    ic::ImageF32 img(W, H, ic::default_device(), stream);
    ic::io::copy(original, img, ex);
    op(img.crop_view(W / 2, 0, W / 2, H));  // in place on the right half only
    const auto path = dir / ("adjust_" + name + ".png");
    ic::io::save(img, path, {}, ex);
    std::printf("wrote %s\n", path.c_str());
  }
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "adjust_gallery: %s\n", e.what());
  return 1;
}
