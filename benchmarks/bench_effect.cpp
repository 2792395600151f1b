// SPDX-License-Identifier: MIT
/// @file bench_effect.cpp  rounded_corners, vignette, chroma_key (in place: bytes = one read + one
/// write of every pixel, w*h*32) and stroke (bytes = src read + canvas write) at 4K and 1080p float32.
#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>

#include "harness.hpp"

namespace {
using namespace imagecuda;

struct Lcg {
  unsigned s;
  float operator()() {
    s = s * 1664525u + 1013904223u;
    return float(s >> 8) / float(1 << 24);
  }
};

/// Random colours; every other pixel near green (what chroma_key keys out by default).
std::vector<float4> photo(int w, int h) {
  std::vector<float4> v(std::size_t(w) * h);
  Lcg r{12345};
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = (i & 1) ? float4{0.1f + 0.2f * r(), 0.7f + 0.3f * r(), 0.1f + 0.2f * r(), 1.f}
                   : float4{r(), r(), r(), 0.5f + 0.5f * r()};
  return v;
}

/// A logo-like source: soft-edged discs and rounded boxes on transparent black.
std::vector<float4> logo(int w, int h) {
  std::vector<float4> v(std::size_t(w) * h, float4{0, 0, 0, 0});
  Lcg r{777};
  for (int k = 0; k < 24; ++k) {
    const float cx = r() * w, cy = r() * h, rad = (0.02f + 0.1f * r()) * h;
    const float4 c{r(), r(), r(), 1.f};
    const int x0 = std::max(0, int(cx - rad - 2)), x1 = std::min(w, int(cx + rad + 2));
    const int y0 = std::max(0, int(cy - rad - 2)), y1 = std::min(h, int(cy + rad + 2));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
        const float a = std::clamp(rad - std::sqrt(dx * dx + dy * dy) + 0.5f, 0.f, 1.f);
        if (a > 0.f) {
          float4& p = v[std::size_t(y) * w + x];
          p = float4{c.x, c.y, c.z, std::max(p.w, a)};
        }
      }
  }
  return v;
}

void effect_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  for (auto [w, h, label] : {std::tuple{bench::w4k, bench::h4k, "4K"}, std::tuple{bench::w1080, bench::h1080, "1080p"}}) {
    const double px = double(w) * h;
    auto img = std::make_shared<ImageF32>(w, h, gpu);
    io::upload(*img, photo(w, h));
    cases.push_back({"effect", fmt::format("rounded_corners r=64 {} (corners only)", label), px * 32,
                     [=](Stream s) { effect::rounded_corners(*img, 64.f, {s}); }});
    cases.push_back({"effect", fmt::format("vignette {}", label), px * 32,
                     [=](Stream s) { effect::vignette(*img, {}, {s}); }});
    cases.push_back({"effect", fmt::format("vignette tint radius=0 {}", label), px * 32, [=](Stream s) {
                       effect::vignette(*img, {.radius = 0.f, .softness = 0.5f, .color = rgba(0.2f, 0.1f, 0.f, 0.5f)}, {s});
                     }});
    cases.push_back({"effect", fmt::format("chroma_key {}", label), px * 32,
                     [=](Stream s) { effect::chroma_key(*img, {}, {s}); }});

    auto src = std::make_shared<ImageF32>(w, h, gpu);
    io::upload(*src, logo(w, h));
    const effect::StrokeParams widths[] = {
        {.width = 2}, {.width = 10}, {.width = 50}, {.width = 500},
        {.width = 5, .position = effect::StrokePosition::inside}};
    WorkspaceRequirements need{};
    int canvas_w = 0, canvas_h = 0;  // the largest canvas: every stroke result fits in it
    for (const auto& p : widths) {
      need = max(need, effect::stroke_requirements(w, h, p));
      const auto c = effect::stroke_canvas(w, h, p);
      canvas_w = std::max(canvas_w, c.width);
      canvas_h = std::max(canvas_h, c.height);
    }
    auto ws = std::make_shared<Workspace>(need, gpu);
    auto dst = std::make_shared<ImageF32>(canvas_w, canvas_h, gpu);
    for (const auto& p : widths) {
      const auto c = effect::stroke_canvas(w, h, p);
      const double bytes = px * 16 + double(c.width) * c.height * 16;
      const char* where = p.position == effect::StrokePosition::inside ? "inside" : "outside";
      cases.push_back({"effect", fmt::format("stroke width={} {} {}", p.width, where, label), bytes,
                       [=](Stream s) { effect::stroke(*src, *dst, p, {s, ws.get()}); }});
    }
  }
}
IMAGECUDA_BENCH("effect", effect_cases);
}  // namespace
