// SPDX-License-Identifier: MIT
// make_test_photo: paint a photo-like picture (a sunset: sky gradient, sun and glow, perlin
// clouds, hills, film grain) with imagecuda fills and blends, and save it as a JPEG. This is how
// examples/data/photo.jpg was made (CC0, see examples/data/LICENSE.md):
//   make_test_photo examples/data/photo.jpg          (1600x1067, seed 1, JPEG quality 85)
// Usage: make_test_photo [output-directory | file.jpg] [seed] [width] [height] [quality]
// (a directory gets test_photo.jpg). The painter is social_card::render_photo
// (social_card.hpp), which also makes the benchmark's photos (imagecuda_pipeline --make-photos).
#include "social_card.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace ic = imagecuda;

int main(int argc, char** argv) try {
  std::filesystem::path path = argc > 1 ? argv[1] : ".";
  if (std::filesystem::is_directory(path)) path /= "test_photo.jpg";
  const auto arg = [&](int i, long def) { return argc > i ? std::strtol(argv[i], nullptr, 10) : def; };
  const auto seed = static_cast<std::uint32_t>(arg(2, 1));
  const int width = int(arg(3, 1600)), height = int(arg(4, 1067)), quality = int(arg(5, 85));

  ic::OwningStream stream;
  ic::Workspace ws;
  const ic::Exec ex{stream, &ws};
  ic::ImageF32 photo(width, height);
  social_card::render_photo(photo, seed, ex);
  ic::io::save(photo, path, {.quality = quality}, ex);
  std::printf("wrote %s (%dx%d, seed %u, quality %d, %ju bytes) on %s\n", path.c_str(), width, height, seed, quality,
              std::uintmax_t(std::filesystem::file_size(path)), photo.device().name().c_str());
  return 0;
} catch (const ic::Error& e) {
  std::fprintf(stderr, "make_test_photo: %s\n", e.what());
  return 1;
}
