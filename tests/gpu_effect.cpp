// SPDX-License-Identifier: MIT
/// GPU: the effect module on CUDA compared with the CPU backend (random 1000x700 inputs; random
/// soft-edged shapes for stroke), the stroke's distances against a brute-force search, and zero
/// allocations with a destination and a workspace.
#include "helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace imagecuda;

namespace {
const Device gpu = Device::cuda(0);
const Device cpu = Device::cpu();

/// `n` soft-edged discs and rectangles of random colours on transparent black.
std::vector<float4> shapes(int w, int h, std::uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  std::vector<float4> v(std::size_t(w) * h, float4{0, 0, 0, 0});
  for (int k = 0; k < n; ++k) {
    const float cx = u(rng) * w, cy = u(rng) * h;
    const float rx = 2.f + u(rng) * w / 6.f, ry = 2.f + u(rng) * h / 6.f;
    const float soft = 0.5f + 3.f * u(rng);
    const bool disc = (k % 2) == 0;
    const float4 c{u(rng), u(rng), u(rng), 0.5f + 0.5f * u(rng)};
    const int x0 = std::max(0, int(cx - rx - soft - 2)), x1 = std::min(w, int(cx + rx + soft + 2));
    const int y0 = std::max(0, int(cy - ry - soft - 2)), y1 = std::min(h, int(cy + ry + soft + 2));
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
        const float inside = disc ? std::min(rx, ry) - std::sqrt(dx * dx + dy * dy)
                                  : std::min(rx - std::fabs(dx), ry - std::fabs(dy));
        const float a = std::min(std::max(inside / soft + 0.5f, 0.f), 1.f) * c.w;
        if (a <= 0.f) continue;
        float4& p = v[std::size_t(y) * w + x];
        const float oa = a + p.w * (1 - a);
        p = float4{(c.x * a + p.x * p.w * (1 - a)) / oa, (c.y * a + p.y * p.w * (1 - a)) / oa,
                   (c.z * a + p.z * p.w * (1 - a)) / oa, oa};
      }
  }
  return v;
}

std::vector<std::uint32_t> brute_d2(const std::vector<float4>& src, int w, int h, const effect::StrokeParams& p) {
  const auto c = effect::stroke_canvas(w, h, p);
  std::vector<std::pair<int, int>> seeds;
  auto alpha = [&](int x, int y) { return src[std::size_t(y) * w + x].w; };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      if (!(alpha(x, y) > 0.f)) continue;
      bool edge = false;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if ((dx || dy) && (nx < 0 || ny < 0 || nx >= w || ny >= h || alpha(nx, ny) <= 0.f)) edge = true;
        }
      if (edge) seeds.emplace_back(x + c.offset, y + c.offset);
    }
  std::vector<std::uint32_t> d(std::size_t(c.width) * c.height, 0xFFFFFFFFu);
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x)
      for (auto [sx, sy] : seeds)
        d[std::size_t(y) * c.width + x] =
            std::min(d[std::size_t(y) * c.width + x], std::uint32_t((x - sx) * (x - sx) + (y - sy) * (y - sy)));
  return d;
}

std::size_t mismatches(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  if (a.size() != b.size()) return std::max(a.size(), b.size());
  std::size_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) n += a[i] != b[i];
  return n;
}
}  // namespace

TEST_CASE("gpu: effect::rounded_corners matches the CPU backend", "[gpu][effect]") {
  for (float r : {50.f, 123.4f, 0.7f, 5000.f}) {
    INFO("radius " << r);
    const float d = test::gpu_vs_cpu(1000, 700, 1, 31, [&](std::vector<ImageF32>& in, Device) {
      effect::rounded_corners(in[0], r);
      return std::move(in[0]);
    });
    CHECK(d == 0.f);  // every rounding spelled out: the same bits
  }
  const float d = test::gpu_vs_cpu(1000, 700, 1, 32, [](std::vector<ImageF32>& in, Device) {
    effect::rounded_corners(in[0].crop_view(101, 53, 517, 333), 77.f);
    return std::move(in[0]);
  });
  CHECK(d == 0.f);
}

TEST_CASE("gpu: effect::vignette matches the CPU backend", "[gpu][effect]") {
  const effect::VignetteParams cases[] = {
      {}, {.radius = 0.5f, .softness = 0.3f, .color = rgba(1.f, 0.5f, 0.f, 0.7f)}, {.radius = 0.f, .softness = 0.f},
      {.radius = 1.3f, .softness = 2.5f, .color = rgba(0.2f, 0.2f, 0.9f, 1.f)}};
  for (const auto& p : cases) {
    const float d = test::gpu_vs_cpu(1000, 700, 1, 41, [&](std::vector<ImageF32>& in, Device) {
      effect::vignette(in[0], p);
      return std::move(in[0]);
    });
    CHECK(d == 0.f);
  }
  const float crop = test::gpu_vs_cpu(1000, 700, 1, 42, [](std::vector<ImageF32>& in, Device) {
    effect::vignette(in[0].crop_view(300, 10, 1, 600));  // a 1-pixel-wide crop
    effect::vignette(in[0].crop_view(20, 650, 900, 1));  // and a 1-pixel-high one
    effect::vignette(in[0].crop_view(400, 100, 555, 444), {.color = rgba(1, 1, 1, 0.5f)});
    return std::move(in[0]);
  });
  CHECK(crop == 0.f);
}

TEST_CASE("gpu: effect::chroma_key matches the CPU backend", "[gpu][effect]") {
  const effect::ChromaKeyParams cases[] = {
      {},
      {.key_color = rgba(0.5f, 0.6f, 0.2f), .threshold = 0.6f, .smoothness = 0.3f, .spill_suppression = 1.f},
      {.key_color = rgba(0.1f, 0.2f, 0.9f), .threshold = 1.f, .smoothness = 1.f, .spill_suppression = 0.5f}};
  for (const auto& p : cases) {
    const float d = test::gpu_vs_cpu(1000, 700, 1, 51, [&](std::vector<ImageF32>& in, Device) {
      effect::chroma_key(in[0], p);
      return std::move(in[0]);
    });
    CHECK(d <= 1e-5f);  // alpha is the same bits; the spill's luma may differ by an ulp
  }
  const float crop = test::gpu_vs_cpu(1000, 700, 1, 52, [](std::vector<ImageF32>& in, Device) {
    effect::chroma_key(in[0].crop_view(10, 20, 640, 480), {.key_color = rgba(0.5f, 0.5f, 0.5f), .threshold = 0.9f});
    return std::move(in[0]);
  });
  CHECK(crop <= 1e-5f);
}

TEST_CASE("gpu: effect::stroke matches the CPU backend on random shapes", "[gpu][effect]") {
  REQUIRE(test::has_gpu());
  using effect::StrokePosition;
  const int w = 1000, h = 700;
  const auto px = shapes(w, h, 61, 10);
  ImageF32 g = test::make_f32(w, h, px, gpu);
  ImageF32 c = test::make_f32(w, h, px, cpu);
  const effect::StrokeParams cases[] = {
      {.width = 1},
      {.width = 3, .color = rgba(1.f, 1.f, 1.f, 1.f)},
      {.width = 25, .color = rgba(0.9f, 0.1f, 0.3f, 0.8f)},
      {.width = 200, .color = rgba(0.f, 0.f, 0.f, 0.5f)},
      {.width = 6, .expand = false},
      {.width = 4, .color = rgba(1.f, 0.8f, 0.f, 1.f), .position = StrokePosition::inside},
      {.width = 40, .color = rgba(0.f, 0.3f, 1.f, 0.6f), .position = StrokePosition::inside},
  };
  for (const auto& p : cases) {
    INFO("width " << p.width << " inside " << (p.position == StrokePosition::inside) << " expand " << p.expand);
    const auto a = io::download(effect::stroke(g, p));
    const auto b = io::download(effect::stroke(c, p));
    CHECK(test::max_abs_diff(a, b) <= 1e-5f);  // expected 0: the same integer distances, fmaf spelled out
    CHECK(mismatches(effect::detail::stroke_distances(g, p), effect::detail::stroke_distances(c, p)) == 0u);
  }
  // a crop view as the source
  const auto a = io::download(effect::stroke(g.crop_view(100, 50, 640, 480), {.width = 8}));
  const auto b = io::download(effect::stroke(c.crop_view(100, 50, 640, 480), {.width = 8}));
  CHECK(test::max_abs_diff(a, b) <= 1e-5f);
}

TEST_CASE("gpu: effect::stroke distances equal a brute-force nearest-seed search", "[gpu][effect]") {
  REQUIRE(test::has_gpu());
  using effect::StrokePosition;
  struct Case {
    int w, h;
    std::uint32_t seed;
  };
  for (auto c : {Case{97, 61, 1}, Case{200, 9, 2}, Case{9, 200, 3}, Case{1, 1, 4}, Case{130, 130, 5}}) {
    auto src = shapes(c.w, c.h, c.seed, 4);
    if (c.w == 1) src[0] = float4{1, 1, 1, 1};
    ImageF32 g = test::make_f32(c.w, c.h, src, gpu);
    for (auto p : {effect::StrokeParams{.width = 2}, effect::StrokeParams{.width = 90},
                   effect::StrokeParams{.width = 5, .position = StrokePosition::inside}}) {
      INFO(c.w << "x" << c.h << " width " << p.width);
      CHECK(mismatches(effect::detail::stroke_distances(g, p), brute_d2(src, c.w, c.h, p)) == 0u);
    }
  }
}

TEST_CASE("gpu: effect::stroke into dst with a workspace allocates nothing", "[gpu][effect][memory]") {
  REQUIRE(test::has_gpu());
  const int w = 1920, h = 1080;
  OwningStream s;
  const effect::StrokeParams p{.width = 12, .color = rgba(1, 1, 1, 1)};
  ImageF32 src = test::make_f32(w, h, shapes(w, h, 71, 12), gpu);
  synchronize();  // uploaded on the legacy stream; used on s (non-blocking) below
  const auto canvas = effect::stroke_canvas(w, h, p);
  ImageF32 dst(canvas.width, canvas.height, gpu, s);
  Workspace ws(effect::stroke_requirements(w, h, p), gpu, s);
  const Exec ex{s, &ws};
  effect::stroke(src, dst, p, ex);
  s.synchronize();
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 20; ++i) {
    effect::stroke(src, dst, p, ex);
    effect::stroke(src, dst, {.width = 3, .position = effect::StrokePosition::inside}, ex);
    effect::rounded_corners(dst, 40.f, ex);
    effect::vignette(dst, {}, ex);
    effect::chroma_key(dst, {}, ex);
  }
  s.synchronize();
  const auto after = memory_stats(gpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);
}

TEST_CASE("gpu: effect errors leave images valid", "[gpu][effect][errors]") {
  REQUIRE(test::has_gpu());
  ImageF32 src = test::make_f32(64, 64, shapes(64, 64, 81, 3), gpu);
  ImageF32 small(10, 10, gpu);
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, small, {.width = 2}), ErrorCode::invalid_argument, "too small");
  CHECK(small.width() == 10);
  ImageF32 host_dst(100, 100, cpu);
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, host_dst), ErrorCode::device_mismatch, "dst is on");
  Workspace host_ws(cpu);
  ImageF32 dst(80, 80, gpu);
  REQUIRE_IMAGECUDA_ERROR(effect::stroke(src, dst, {}, {Stream{}, &host_ws}), ErrorCode::device_mismatch,
                          "workspace is on");
  REQUIRE_IMAGECUDA_ERROR(effect::rounded_corners(src, -2.f), ErrorCode::invalid_argument, "radius must be >= 0");
  effect::stroke(src, dst);
  CHECK(io::download(dst).size() == 68u * 68u);
}
