// SPDX-License-Identifier: MIT
/// @file bench_adjust.cpp  adjust rows: every op at 4K float32 in place, and one-pass chains.
#include <memory>
#include <vector>

#include "harness.hpp"

namespace {
using namespace imagecuda;

using bench::random_image;

void adjust_cases(std::vector<bench::Case>& cases) {
  const int w = bench::w4k, h = bench::h4k;
  const double bytes = double(w) * h * 32;  // read + write of every pixel, in place
  auto img = random_image(w, h, 1, Device::cuda(0));
  auto add = [&](const char* name, std::function<void(ImageView<float4>, const Exec&)> op) {
    cases.push_back({"adjust", fmt::format("{} 4K", name), bytes, [img, op](Stream s) { op(*img, Exec{s}); }});
  };
  add("brightness", [](ImageView<float4> v, const Exec& ex) { adjust::brightness(v, 0.01f, ex); });
  add("contrast", [](ImageView<float4> v, const Exec& ex) { adjust::contrast(v, 1.01f, ex); });
  add("saturation", [](ImageView<float4> v, const Exec& ex) { adjust::saturation(v, 1.1f, ex); });
  add("gamma", [](ImageView<float4> v, const Exec& ex) { adjust::gamma(v, 1.1f, ex); });
  add("opacity", [](ImageView<float4> v, const Exec& ex) { adjust::opacity(v, 0.999f, ex); });
  add("hue", [](ImageView<float4> v, const Exec& ex) { adjust::hue(v, 17.f, ex); });
  add("vibrance", [](ImageView<float4> v, const Exec& ex) { adjust::vibrance(v, 0.2f, ex); });
  add("chain of 3 (brightness, contrast, saturation)", [](ImageView<float4> v, const Exec& ex) {
    adjust::chain(v, {adjust::brightness(0.01f), adjust::contrast(1.01f), adjust::saturation(1.1f)}, ex);
  });
  add("chain of 3 (hue, vibrance, gamma)", [](ImageView<float4> v, const Exec& ex) {
    adjust::chain(v, {adjust::hue(17.f), adjust::vibrance(0.2f), adjust::gamma(1.1f)}, ex);
  });
  add("chain of 7 (all)", [](ImageView<float4> v, const Exec& ex) {
    adjust::chain(v,
                  {adjust::brightness(0.01f), adjust::contrast(1.01f), adjust::saturation(1.1f), adjust::gamma(1.1f),
                   adjust::opacity(0.999f), adjust::hue(17.f), adjust::vibrance(0.2f)},
                  ex);
  });
}
IMAGECUDA_BENCH("adjust", adjust_cases);
}  // namespace
