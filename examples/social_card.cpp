// SPDX-License-Identifier: MIT
// social_card: turn a photo into a 1200x630 social card (a blurred, darkened cover background, a
// gradient for the text to sit on, the photo again as an inset with rounded corners and a drop
// shadow, a title and a subtitle) and save it as social_card.png and social_card.jpg.
//   Usage: social_card [photo.jpg] [output-directory]      (defaults: the bundled photo, ".")
// Runs on the default device: the GPU when there is one, else the CPU (IMAGECUDA_DEVICE=cpu).
// The steps themselves are in social_card.hpp (CardRenderer::compose), which the pipeline
// benchmark and the tests share; docs/pipeline.md describes them.
#include "social_card.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace ic = imagecuda;
namespace fs = std::filesystem;

#ifndef IMAGECUDA_EXAMPLE_DATA
#define IMAGECUDA_EXAMPLE_DATA "examples/data"
#endif

int main(int argc, char** argv) try {
  // A single argument that is a directory is the output directory (as for the other examples).
  fs::path photo = fs::path(IMAGECUDA_EXAMPLE_DATA) / "photo.jpg";
  if (!fs::exists(photo)) photo = "examples/data/photo.jpg";  // the tree moved: from the repository root
  fs::path dir = ".";
  if (argc > 2) {
    photo = argv[1];
    dir = argv[2];
  } else if (argc == 2) {
    (fs::is_directory(argv[1]) ? dir : photo) = argv[1];
  }
  const auto t0 = std::chrono::steady_clock::now();

  ic::OwningStream stream;  // one stream (one per thread in a server)
  const ic::Device device = ic::default_device();
  // Capacity for the photo: read its size from the header, without decoding it.
  const ic::io::ImageInfo info = ic::io::probe(photo);
  // The renderer allocates its Workspace and every image up front; cards then allocate nothing.
  social_card::CardRenderer renderer(device, stream,
                                     {.max_photo_width = info.width, .max_photo_height = info.height,
                                      .text = social_card::TextMode::per_card});

  // 1. Decode the photo (EXIF orientation applied) into the f32 working copy.
  renderer.load(photo);
  // 2-7. Background, gradient, inset with rounded corners and shadow, text.
  renderer.compose();
  // 8. Save: PNG (lossless) and JPEG quality 90. save() converts to 8 bits on the device first.
  const ic::Exec ex{stream};
  ic::io::save(renderer.card(), dir / "social_card.png", {}, ex);
  ic::io::save(renderer.card(), dir / "social_card.jpg", {.quality = social_card::jpeg_quality}, ex);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

  std::printf("social_card: %s (%dx%d) -> %s and %s (%dx%d) on %s in %.0f ms\n", photo.c_str(), info.width, info.height,
              (dir / "social_card.png").c_str(), (dir / "social_card.jpg").c_str(), social_card::card_width,
              social_card::card_height, device.name().c_str(), ms);
  if (renderer.text_mode() == social_card::TextMode::none)
    std::printf("social_card: note: imagecuda was built without the text component: title and subtitle skipped\n");
  return 0;
} catch (const ic::Error& e) {
  std::fprintf(stderr, "social_card: %s\n", e.what());
  return 1;
}
