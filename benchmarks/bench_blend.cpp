// SPDX-License-Identifier: MIT
/// @file bench_blend.cpp  blend rows: every mode and the mask, a 4K overlay over a 4K base in place.
#include <memory>
#include <vector>

#include "harness.hpp"

namespace {
using namespace imagecuda;

using bench::random_image;

void blend_cases(std::vector<bench::Case>& cases) {
  const int w = bench::w4k, h = bench::h4k;
  const double bytes = double(w) * h * 48;  // base read + write, overlay read
  const Device gpu = Device::cuda(0);
  auto base = random_image(w, h, 1, gpu);
  auto over = random_image(w, h, 2, gpu);
  for (int m = 0; m < blend::mode_count; ++m) {
    const auto mode = blend::Mode(m);
    cases.push_back({"blend", fmt::format("{} 4K over 4K", blend::to_string(mode)), bytes,
                     [base, over, mode](Stream s) { blend::composite(*base, *over, mode, {.opacity = 0.9f}, {s}); }});
  }
  cases.push_back({"blend", "mask luminance 4K", bytes,
                   [base, over](Stream s) { blend::mask(*base, *over, {.mode = blend::MaskMode::luminance}, {s}); }});
  cases.push_back({"blend", "mask alpha 4K", bytes,
                   [base, over](Stream s) { blend::mask(*base, *over, {.mode = blend::MaskMode::alpha}, {s}); }});
  // the reference's benchmark shape: full frame over itself (base read + write only)
  cases.push_back({"blend", "normal 4K over itself", double(w) * h * 32,
                   [base](Stream s) { blend::normal(*base, *base, {}, {s}); }});
}
IMAGECUDA_BENCH("blend", blend_cases);
}  // namespace
