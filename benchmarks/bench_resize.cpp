// SPDX-License-Identifier: MIT
/// @file bench_resize.cpp  resize of a 4K float32 source (bytes = one read of src + one write of dst).
#include <memory>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void resize_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  const int w = bench::w4k, h = bench::h4k;
  auto src = std::make_shared<ImageF32>(w, h, gpu);
  auto dst = std::make_shared<ImageF32>(2 * w, 2 * h, gpu);
  auto ws = std::make_shared<Workspace>(
      max(max(resize::resize_requirements(w, h, w / 2, h / 2, Interpolation::bilinear),
              resize::resize_requirements(w, h, w / 2, h / 2, Interpolation::lanczos)),
          max(max(resize::resize_requirements(w, h, 256, 144, Interpolation::lanczos),
                  resize::resize_requirements(w, h, 2 * w, 2 * h, Interpolation::lanczos)),
              max(resize::resize_requirements(w, h, w / 2, h / 2, Interpolation::area),
                  resize::resize_requirements(w, h, 1200, 630, Interpolation::area)))),
      gpu);
  std::vector<float4> host(std::size_t(w) * h);
  unsigned s = 777;
  for (auto& p : host) {
    auto next = [&] { s = s * 1664525u + 1013904223u; return float(s >> 8) / float(1 << 24); };
    p = float4{next(), next(), next(), 0.5f + 0.5f * next()};
  }
  io::upload(*src, host);
  const double in_bytes = double(w) * h * 16;
  auto row = [&](const char* name, Interpolation m, int dw, int dh, bool aa) {
    cases.push_back({"resize", name, in_bytes + double(dw) * dh * 16, [=](Stream st) {
                       resize::resize(*src, *dst, m, {.width = dw, .height = dh, .antialias = aa}, {st, ws.get()});
                     }});
  };
  row("bilinear 0.5x 4K antialias=false", Interpolation::bilinear, w / 2, h / 2, false);
  row("bilinear 0.5x 4K antialias=true", Interpolation::bilinear, w / 2, h / 2, true);
  row("lanczos 0.5x 4K antialias=true", Interpolation::lanczos, w / 2, h / 2, true);
  row("lanczos 4K -> 256x144 antialias=true", Interpolation::lanczos, 256, 144, true);
  // area: NPP's SUPER counterpart. The default (AreaBlocks, one output per thread, no tables) and
  // the weight tables with the generic tiled kernel (the same sums).
  row("area 0.5x 4K", Interpolation::area, w / 2, h / 2, true);
  auto area_variant = [&](const char* name, int v) {
    cases.push_back({"resize", name, in_bytes + double(w / 2) * (h / 2) * 16, [=](Stream st) {
                       const detail::cuda::ScopedResizeAreaVariant hook(v);
                       resize::area(*src, *dst, {.width = w / 2, .height = h / 2}, {st, ws.get()});
                     }});
  };
  area_variant("area 0.5x 4K, generic tiled kernel", 1);
  row("area 4K -> 960x540 (4:1 blocks)", Interpolation::area, w / 4, h / 4, true);
  row("area 4K -> 1200x630 (3.2:1, two-pass)", Interpolation::area, 1200, 630, true);
  row("nearest 2x 4K", Interpolation::nearest, 2 * w, 2 * h, true);
  row("bilinear 2x 4K", Interpolation::bilinear, 2 * w, 2 * h, true);
  row("bicubic 2x 4K", Interpolation::bicubic, 2 * w, 2 * h, true);
  row("lanczos 2x 4K", Interpolation::lanczos, 2 * w, 2 * h, true);
}

IMAGECUDA_BENCH("resize", resize_cases);
}  // namespace
