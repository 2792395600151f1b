// SPDX-License-Identifier: MIT
// consumer: the smallest program that uses imagecuda as a package. It fills a small card, writes
// it as consumer.png and reads it back. Usage: consumer [output-directory]
#include <imagecuda/imagecuda.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>

namespace ic = imagecuda;

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  // example-begin consumer
  ic::ImageF32 img(64, 48);  // default device: the GPU if there is one, else the CPU
  ic::fill::color(img, ic::hex("#1e2a3a"));
  ic::fill::checkerboard(img.crop_view(8, 8, 48, 32), {.size = 8});
  ic::io::save(img, dir / "consumer.png");
  // example-end

  const ic::ImageF32 back = ic::io::load(dir / "consumer.png");
  if (back.width() != 64 || back.height() != 48) {
    std::fprintf(stderr, "consumer: read back %dx%d, expected 64x48\n", back.width(), back.height());
    return 1;
  }
#ifdef IMAGECUDA_EXPECTED_VERSION
  if (std::strcmp(ic::version(), IMAGECUDA_EXPECTED_VERSION) != 0) {
    std::fprintf(stderr, "consumer: version() is %s, the package says %s\n", ic::version(),
                 IMAGECUDA_EXPECTED_VERSION);
    return 1;
  }
#endif
  std::printf("consumer: imagecuda %s on %s wrote %s\n", ic::version(), img.device().name().c_str(),
              (dir / "consumer.png").c_str());
  return 0;
} catch (const ic::Error& e) {
  std::fprintf(stderr, "consumer: %s\n", e.what());
  return 1;
}
