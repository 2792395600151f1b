// SPDX-License-Identifier: MIT
/// @file bench_blur.cpp  gaussian_blur, box_blur, sharpen, sobel, emboss at 4K float32 (bytes = one read + one write).
#include <functional>
#include <memory>
#include <string>

#include "harness.hpp"

namespace {
using namespace imagecuda;

void blur_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  const int w = bench::w4k, h = bench::h4k;
  const double bytes = double(w) * h * 32;
  auto src = std::make_shared<ImageF32>(w, h, gpu);
  auto dst = std::make_shared<ImageF32>(w, h, gpu);
  auto ws = std::make_shared<Workspace>(filter::blur_requirements(w, h), gpu);
  std::vector<float4> host(std::size_t(w) * h);
  unsigned s = 12345;
  for (auto& p : host) {
    auto next = [&] { s = s * 1664525u + 1013904223u; return float(s >> 8) / float(1 << 24); };
    p = float4{next(), next(), next(), 0.5f + 0.5f * next()};
  }
  io::upload(*src, host);
  for (int r : {3, 10, 24, 30, 50, 100, 200, 500}) {
    cases.push_back({"filter", fmt::format("gaussian_blur r={} 4K", r), bytes, [=](Stream st) {
                       filter::gaussian_blur(*src, *dst, {.radius = r}, {st, ws.get()});
                     }});
  }
  // The fused kernel's shapes (detail::cuda::set_blur_fused_variant): 1, the tiled kernel with
  // pipelined loads; 5, the warp-specialised streaming kernel.
  auto shaped = [&](std::string name, double b, int v, std::function<void(Stream)> blur) {
    cases.push_back({"filter", fmt::format("{}, fused shape {}", name, v), b, [v, blur](Stream st) {
                       const int keep = detail::cuda::blur_fused_variant();
                       detail::cuda::set_blur_fused_variant(v);
                       blur(st);
                       detail::cuda::set_blur_fused_variant(keep);
                     }});
  };
  auto small = std::make_shared<ImageF32>(512, 512, gpu), small_out = std::make_shared<ImageF32>(512, 512, gpu);
  io::copy(src->crop_view(0, 0, 512, 512), small->view());
  for (int v : {1, 5}) {
    for (int r : {3, 5, 10})
      shaped(fmt::format("gaussian_blur r={} 4K", r), bytes, v,
             [=](Stream st) { filter::gaussian_blur(*src, *dst, {.radius = r}, {st, ws.get()}); });
    // The graph frame's blur (bench_graph.cpp), where few blocks fill the GPU.
    shaped("gaussian_blur r=6 512x512", 512.0 * 512 * 32, v,
           [=](Stream st) { filter::gaussian_blur(*small, *small_out, {.radius = 6}, {st, ws.get()}); });
  }
  for (int r : {5, 50}) {
    cases.push_back({"filter", fmt::format("box_blur r={} 4K", r), bytes,
                     [=](Stream st) { filter::box_blur(*src, *dst, {.radius = r}, {st, ws.get()}); }});
  }
  cases.push_back({"filter", "sharpen 4K", bytes, [=](Stream st) { filter::sharpen(*src, *dst, {}, {st, ws.get()}); }});
  cases.push_back({"filter", "sobel 4K", bytes, [=](Stream st) { filter::sobel(*src, *dst, {st, ws.get()}); }});
  cases.push_back({"filter", "emboss 4K", bytes, [=](Stream st) { filter::emboss(*src, *dst, {}, {st, ws.get()}); }});
  // drop_shadow at 1080p with blur 20, next to the blur of the same image (target: <= 1.5x).
  auto s1080 = std::make_shared<ImageF32>(bench::w1080, bench::h1080, gpu);
  io::copy(src->crop_view(0, 0, bench::w1080, bench::h1080), s1080->view());
  const effect::DropShadowParams sp{.blur = 20};
  const auto canvas = effect::drop_shadow_canvas(bench::w1080, bench::h1080, sp);
  auto shadow = std::make_shared<ImageF32>(canvas.width, canvas.height, gpu);
  auto sws = std::make_shared<Workspace>(
      max(effect::drop_shadow_requirements(bench::w1080, bench::h1080, sp), filter::blur_requirements(bench::w4k, bench::h4k)),
      gpu);
  const double b1080 = double(bench::w1080) * bench::h1080 * 32;
  cases.push_back({"effect", "gaussian_blur r=20 1080p (drop_shadow's blur)", b1080,
                   [=](Stream st) { filter::gaussian_blur(*s1080, *dst, {.radius = 20}, {st, sws.get()}); }});
  cases.push_back({"effect", "drop_shadow blur=20 1080p", b1080,
                   [=](Stream st) { effect::drop_shadow(*s1080, *shadow, sp, {st, sws.get()}); }});
}
IMAGECUDA_BENCH("blur", blur_cases);
}  // namespace
