// SPDX-License-Identifier: MIT
/// @file bench_fill.cpp  fill rows: every generator at 4K float32 (bytes = w*h*16, written once).
#include <functional>
#include <memory>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void fill_cases(std::vector<bench::Case>& cases) {
  const int w = bench::w4k, h = bench::h4k;
  const double bytes = double(w) * h * 16;  // every pixel written once, nothing read
  auto img = std::make_shared<ImageF32>(w, h, Device::cuda(0));
  fill::color(*img, rgba(0, 0, 0, 1));
  auto add = [&](const std::string& name, std::function<void(ImageView<float4>, const Exec&)> op) {
    cases.push_back({"fill", name + " 4K", bytes, [img, op](Stream s) { op(*img, Exec{s}); }});
  };
  using D = fill::GradientDirection;
  add("color", [](ImageView<float4> v, const Exec& ex) { fill::color(v, rgba(0.5f, 0.25f, 0.125f, 1.f), ex); });
  add("gradient horizontal",
      [](ImageView<float4> v, const Exec& ex) { fill::gradient(v, rgba(0, 0, 0, 1), rgba(1, 1, 1, 1), {}, ex); });
  add("gradient radial seamless", [](ImageView<float4> v, const Exec& ex) {
    fill::gradient(v, rgba(0, 0, 0, 1), rgba(1, 1, 1, 1), {.direction = D::radial, .seamless = true}, ex);
  });
  add("checkerboard", [](ImageView<float4> v, const Exec& ex) { fill::checkerboard(v, {}, ex); });
  add("grid", [](ImageView<float4> v, const Exec& ex) { fill::grid(v, {}, ex); });
  add("stripes", [](ImageView<float4> v, const Exec& ex) { fill::stripes(v, {}, ex); });
  add("dots", [](ImageView<float4> v, const Exec& ex) { fill::dots(v, {.softness = 0.2f}, ex); });
  add("circle", [](ImageView<float4> v, const Exec& ex) { fill::circle(v, {}, ex); });
  add("noise mono", [](ImageView<float4> v, const Exec& ex) { fill::noise(v, {}, ex); });
  add("noise rgb", [](ImageView<float4> v, const Exec& ex) { fill::noise(v, {.monochrome = false}, ex); });
  add("perlin 1 octave", [](ImageView<float4> v, const Exec& ex) { fill::perlin(v, {}, ex); });
  // Several octaves are compute bound (about 150 instructions per pixel per octave).
  add("perlin 4 octaves", [](ImageView<float4> v, const Exec& ex) { fill::perlin(v, {.octaves = 4}, ex); });
  add("ngon", [](ImageView<float4> v, const Exec& ex) { fill::ngon(v, {.sides = 6}, ex); });
}
IMAGECUDA_BENCH("fill", fill_cases);
}  // namespace
