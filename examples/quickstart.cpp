// SPDX-License-Identifier: MIT
// quickstart: compose a social card on the default device (GPU if present, else CPU) and save
// it as quickstart.png. Usage: quickstart [output-directory]
#include <imagecuda/imagecuda.hpp>

#include <cstdio>
#include <filesystem>

namespace ic = imagecuda;

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;  // one stream per thread, as a server would
  ic::Workspace ws;         // reusable scratch: no allocations once warm
  const ic::Exec ex{stream, &ws};

  // Background: a diagonal gradient with a soft perlin texture blended over it.
  ic::ImageF32 card(1200, 630);  // new images are uninitialised until an op writes them
  ic::fill::gradient(card, ic::hex("#1d3557"), ic::hex("#457b9d"), {.direction = ic::fill::GradientDirection::diagonal}, ex);
  ic::ImageF32 texture(1200, 630);
  ic::fill::perlin(texture, {.scale = 180, .octaves = 4, .color1 = ic::rgba(1, 1, 1, 0), .color2 = ic::rgba(1, 1, 1, 0.18f)}, ex);
  ic::blend::screen(card, texture, {}, ex);

  // A panel with rounded corners and a soft coloured shadow, centred on the card.
  ic::ImageF32 panel(860, 360);
  ic::fill::gradient(panel, ic::hex("#f1faee"), ic::hex("#dfe7fd"), {.direction = ic::fill::GradientDirection::vertical}, ex);
  ic::fill::stripes(panel.crop_view(0, 0, 860, 16), {.angle = 45, .spacing = 24, .width = 12, .color1 = ic::hex("#e63946"), .color2 = ic::hex("#f1faee")}, ex);
  ic::ImageF32 avatar(200, 200);
  ic::fill::circle(avatar, {.color = ic::hex("#e76f51"), .bg_color = ic::rgba(0.906f, 0.435f, 0.318f, 0.f)}, ex);
  ic::blend::normal(panel, avatar, {.anchor = ic::blend::Anchor::center_left, .offset_x = 60}, ex);
  ic::effect::rounded_corners(panel, 28.f, ex);
  const ic::ImageF32 shadowed = ic::effect::drop_shadow(panel, {.offset_x = 0, .offset_y = 18, .blur = 40, .color = ic::hex("#0b132b99")}, ex);
  ic::blend::normal(card, shadowed, {.anchor = ic::blend::Anchor::center}, ex);

  ic::io::save(card, dir / "quickstart.png", {}, ex);  // converts to 8 bit on the device, then writes
  std::printf("wrote %s (%dx%d) on %s\n", (dir / "quickstart.png").c_str(), card.width(), card.height(),
              card.device().name().c_str());
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "quickstart: %s\n", e.what());
  return 1;
}
