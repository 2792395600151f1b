// SPDX-License-Identifier: MIT
/// @file bench_filter.cpp  filter rows: the point filters at 4K float32, in place
/// (bytes = w*h*32: every pixel read and written once).
#include <functional>
#include <memory>
#include <vector>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void filter_point_cases(std::vector<bench::Case>& cases) {
  const int w = bench::w4k, h = bench::h4k;
  const double bytes = double(w) * h * 32;
  auto img = std::make_shared<ImageF32>(w, h, Device::cuda(0));
  fill::noise(*img, {.monochrome = false});  // random content, so no branch is uniform
  auto add = [&](const char* name, std::function<void(ImageView<float4>, const Exec&)> op) {
    cases.push_back({"filter", fmt::format("{} 4K", name), bytes, [img, op](Stream s) { op(*img, Exec{s}); }});
  };
  add("sepia", [](ImageView<float4> v, const Exec& ex) { filter::sepia(v, {.intensity = 0.7f}, ex); });
  add("invert", [](ImageView<float4> v, const Exec& ex) { filter::invert(v, ex); });
  add("threshold", [](ImageView<float4> v, const Exec& ex) { filter::threshold(v, {}, ex); });
  add("solarize", [](ImageView<float4> v, const Exec& ex) { filter::solarize(v, {}, ex); });
}
IMAGECUDA_BENCH("filter", filter_point_cases);
}  // namespace
