// SPDX-License-Identifier: MIT
// quickstart: compose a small picture on the default device (GPU if present, else CPU) and
// save it as quickstart.png. Usage: quickstart [output-directory]
#include <imagecuda/imagecuda.hpp>

#include <cstdio>
#include <filesystem>

namespace ic = imagecuda;

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  ic::OwningStream stream;              // one stream per thread, as a server would
  ic::Workspace ws;                     // reusable scratch: no allocations once warm
  const ic::Exec ex{stream, &ws};

  ic::ImageF32 card(640, 360);          // uninitialised until filled
  ic::fill::color(card, ic::hex("#1e2a3a"), ex);
  // A zero-copy view is all an in-place op needs: paint a panel and a stripe of swatches.
  ic::fill::color(card.crop_view(40, 40, 560, 280), ic::hex("#f4efe6"), ex);
  const char* swatches[] = {"#e4572e", "#f3a712", "#29335c", "#669bbc", "#a8c686"};
  for (int i = 0; i < 5; ++i) ic::fill::color(card.crop_view(80 + i * 100, 200, 80, 80), ic::hex(swatches[i]), ex);

  ic::io::save(card, dir / "quickstart.png", {}, ex);  // converts to 8 bit on the device, then writes
  std::printf("wrote %s (%dx%d) on %s\n", (dir / "quickstart.png").c_str(), card.width(), card.height(),
              card.device().name().c_str());
  return 0;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "quickstart: %s\n", e.what());
  return 1;
}
