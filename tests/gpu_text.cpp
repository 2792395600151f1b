// SPDX-License-Identifier: MIT
/// GPU: text::create on the GPU (device glyph atlas, tile lists uploaded per call) against the
/// CPU backend. Coverage (white on transparent: alpha = coverage) must be bit-identical; colours
/// over a background are held to 1e-5 (the blend formula may contract to FMA on the GPU).
#if defined(IMAGECUDA_HAS_TEXT)

#include <string>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;
using text::TextAlign;
using text::TextParams;

namespace {
float gpu_vs_cpu_text(std::string_view s, const TextParams& p) {
  const auto sz = text::measure(s, p);
  OwningStream stream;  // first: the images below are freed on it, so it must outlive them (RMM's rule)
  ImageF32 g(sz.width + 37, sz.height + 5, Device::cuda(0));  // bigger capacity: logical size set
  ImageF32 c(sz.width, sz.height, Device::cpu());
  Workspace ws(Device::cuda(0));
  text::create(s, g, p, {stream, &ws});
  text::create(s, c, p);
  REQUIRE(g.width() == c.width());
  REQUIRE(g.height() == c.height());
  return test::max_abs_diff(io::download(g), io::download(c));
}
}  // namespace

TEST_CASE("gpu: text::create coverage is identical to the CPU backend", "[gpu][text]") {
  if (!test::has_gpu()) return;
  const TextParams white{.font = "DejaVu Sans", .size = 48, .color = rgba(1, 1, 1, 1)};
  CHECK(gpu_vs_cpu_text("Hello, GPU atlas! AV fi", white) == 0.f);
  CHECK(gpu_vs_cpu_text("The quick brown fox jumps over the lazy dog and keeps on running", 
                        {.font = "DejaVu Serif", .size = 20, .color = rgba(1, 1, 1, 1), .align = TextAlign::justify,
                         .max_width = 300}) == 0.f);
  // Many sizes: the device atlas grows while it is in use.
  for (int s = 8; s <= 120; s += 16) {
    INFO("size " << s);
    CHECK(gpu_vs_cpu_text("Grow the atlas 0123456789", {.font = "DejaVu Sans", .size = float(s), .color = rgba(1, 1, 1, 1)}) == 0.f);
  }
}

TEST_CASE("gpu: text::create colours, markup and background match the CPU backend", "[gpu][text]") {
  if (!test::has_gpu()) return;
  const TextParams p{.font = "DejaVu Sans", .size = 36, .color = rgba(0.9f, 0.2f, 0.1f, 0.8f),
                     .bg_color = rgba(0.1f, 0.2f, 0.3f, 0.6f), .align = TextAlign::center, .letter_spacing = 3,
                     .markup = true};
  CHECK(gpu_vs_cpu_text("<b>Bold</b> <i>italic</i>\n<span color=\"#00ff0080\" size=\"50\">green</span> &amp; more", p) <=
        1e-5f);
  // A 1080p-sized card of 20 lines.
  std::string card;
  for (int i = 0; i < 20; ++i) card += "Line " + std::to_string(i) + ": the quick brown fox jumps over the lazy dog\n";
  CHECK(gpu_vs_cpu_text(card, {.font = "DejaVu Sans", .size = 40, .color = rgba(1, 1, 1, 1), .bg_color = rgba(0, 0, 0, 1)}) <= 1e-5f);
}

#endif  // IMAGECUDA_HAS_TEXT
