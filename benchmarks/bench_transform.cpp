// SPDX-License-Identifier: MIT
/// @file bench_transform.cpp  flip, rotate, crop, zoom of a 4K float32 source (bytes = read + write).
#include <memory>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void transform_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  const int w = bench::w4k, h = bench::h4k;
  auto src = std::make_shared<ImageF32>(w, h, gpu);
  const auto rs = transform::rotate_size(w, h, {.angle = 30.f});
  auto dst = std::make_shared<ImageF32>(rs.width, rs.height, gpu);
  std::vector<float4> host(std::size_t(w) * h);
  unsigned s = 4242;
  for (auto& p : host) {
    auto next = [&] { s = s * 1664525u + 1013904223u; return float(s >> 8) / float(1 << 24); };
    p = float4{next(), next(), next(), 0.5f + 0.5f * next()};
  }
  io::upload(*src, host);
  const double px4k = double(w) * h * 16;
  cases.push_back({"transform", "flip horizontal 4K", 2 * px4k,
                   [=](Stream st) { transform::flip(*src, *dst, {}, {st}); }});
  cases.push_back({"transform", "flip vertical 4K", 2 * px4k, [=](Stream st) {
                     transform::flip(*src, *dst, {.direction = transform::FlipDirection::vertical}, {st});
                   }});
  cases.push_back({"transform", "rotate 90 4K", 2 * px4k,
                   [=](Stream st) { transform::rotate(*src, *dst, {.angle = 90.f}, {st}); }});
  // rotate 30: reads (at most) the source once, writes the expanded output.
  const double rot_bytes = px4k + double(rs.width) * rs.height * 16;
  for (auto [name, m] : {std::pair{"rotate 30 bilinear 4K", Interpolation::bilinear},
                         std::pair{"rotate 30 nearest 4K", Interpolation::nearest},
                         std::pair{"rotate 30 bicubic 4K", Interpolation::bicubic},
                         std::pair{"rotate 30 lanczos 4K", Interpolation::lanczos}}) {
    cases.push_back({"transform", name, rot_bytes, [=, m = m](Stream st) {
                       transform::rotate(*src, *dst, {.angle = 30.f, .interpolation = m}, {st});
                     }});
  }
  cases.push_back({"transform", "rotate 30 bilinear 4K expand=false", 2 * px4k, [=](Stream st) {
                     transform::rotate(*src, *dst, {.angle = 30.f, .expand = false}, {st});
                   }});
  cases.push_back({"transform", "crop 1920x1080 of 4K (padded form)", 2 * double(bench::w1080) * bench::h1080 * 16,
                   [=](Stream st) {
                     transform::crop(*src, *dst, {.x = 100, .y = 100, .width = bench::w1080, .height = bench::h1080},
                                     {st});
                   }});
  cases.push_back({"transform", "zoom 2x bilinear 4K", px4k / 4 + px4k, [=](Stream st) {
                     dst->set_size(w, h);
                     transform::zoom(*src, *dst, {.zoom_factor = 2.f}, {st});
                   }});
}

IMAGECUDA_BENCH("transform", transform_cases);
}  // namespace
