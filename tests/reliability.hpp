// SPDX-License-Identifier: MIT
/// Shared by test_reliability.cpp (CPU) and gpu_reliability.cpp (cuda:0): the soak of mixed
/// operations and the small pipeline the concurrency tests run.
#pragma once

#include "helpers.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

namespace reliability {
using namespace imagecuda;

/// The soak: `ops` random operations on random sizes with destinations reused. Returns the peak
/// bytes seen after warm-up; checks bytes_in_use returns to its start.
struct SoakResult {
  std::size_t start = 0, end = 0, warm_peak = 0, steady_peak = 0, bound = 0;
  std::uint64_t allocations = 0, frees = 0;
};

inline SoakResult soak(Device dev, int ops, std::uint32_t seed) {
  constexpr int max_side = 64;
  constexpr int slots = 8;
  const auto before = memory_stats(dev);
  SoakResult r;
  r.start = before.bytes_in_use;
  reset_peak_memory(dev);
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto unf = [&](float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); };
  {
    OwningStream stream;
    std::vector<ImageF32> img(slots);
    ImageF32 dst(max_side, max_side, dev, stream);  // reused destinations: capacity of the largest
    ImageU8 dst8(max_side, max_side, dev, stream);
    Workspace ws(dev);
    const std::size_t ws_max = filter::blur_requirements(max_side, max_side).bytes;
    // Every live byte is bounded: slots + two destinations + the workspace + one op's scratch.
    r.bound = slots * std::size_t(max_side * max_side) * sizeof(float4) + dst.capacity() * sizeof(float4) +
              dst8.capacity() * sizeof(uchar4) + 2 * ws_max + (std::size_t(1) << 20);
    auto live = [&]() -> ImageF32& {
      int i = uni(0, slots - 1);
      if (img[i].empty() || img[i].is_freed()) {
        img[i] = ImageF32(uni(1, max_side), uni(1, max_side), dev, stream);
        fill::noise(img[i], {.seed = float(i)}, {stream});
      }
      return img[i];
    };
    const int warmup = ops / 10;
    for (int op = 0; op < ops; ++op) {
      if (op == warmup) {
        r.warm_peak = memory_stats(dev).peak_bytes;
        reset_peak_memory(dev);
      }
      const Exec ex{stream, uni(0, 1) ? &ws : nullptr};
      switch (uni(0, 11)) {
        case 0: {  // allocate (the old image, if any, is freed by the move)
          int i = uni(0, slots - 1);
          img[i] = ImageF32(uni(1, max_side), uni(1, max_side), dev, stream);
          fill::color(img[i], rgba(unf(0, 1), unf(0, 1), unf(0, 1), 1.f), ex);
          break;
        }
        case 1: img[uni(0, slots - 1)].free(); break;
        case 2: {  // crop_view and fill through it
          ImageF32& a = live();
          int x = uni(0, a.width() - 1), y = uni(0, a.height() - 1);
          auto v = a.crop_view(x, y, uni(1, a.width() - x), uni(1, a.height() - y));
          fill::checkerboard(v, {.size = uni(1, 9)}, ex);
          break;
        }
        case 3: ws.reserve({std::size_t(uni(1, int(ws_max)))}, stream); break;
        case 4: io::convert(live(), dst8, ex); break;
        case 5: {
          ImageF32& a = live();
          filter::sepia(a, {.intensity = unf(0, 1)}, ex);
          adjust::brightness(a, unf(0.5f, 1.5f), ex);
          break;
        }
        case 6: {  // blend two images (possibly the same slot: a copy is made when they alias)
          ImageF32& a = live();
          ImageF32& b = live();
          if (&a == &b) break;
          blend::normal(a, b, {.offset_x = uni(-8, 8), .offset_y = uni(-8, 8), .opacity = unf(0, 1)}, ex);
          break;
        }
        case 7: filter::gaussian_blur(live(), dst, {.radius = uni(0, 6)}, ex); break;
        case 8: io::copy(live(), dst, ex); break;
        case 9: {  // a view of a view, into the reused destination's crop
          ImageF32& a = live();
          auto v = a.crop_view(0, 0, std::max(1, a.width() / 2), std::max(1, a.height() / 2));
          dst.set_size(v.width(), v.height());
          io::copy(v, dst.view(), ex);
          break;
        }
        case 10: filter::box_blur(live(), dst, {.radius = uni(0, 4)}, ex); break;
        case 11: {  // an op that returns a new image (allocated and freed here)
          ImageF32 t = transform::flip(live(), {}, ex);
          (void)t;
          break;
        }
      }
      if (op % 1000 == 999) stream.synchronize();
    }
    stream.synchronize();
    const auto s = memory_stats(dev);
    r.steady_peak = s.peak_bytes;
  }
  const auto after = memory_stats(dev);
  r.end = after.bytes_in_use;
  r.allocations = after.allocations - before.allocations;
  r.frees = after.frees - before.frees;
  return r;
}

/// A small pipeline on shared read-only inputs; returns the result's pixels.
inline std::vector<float4> pipeline(const ImageF32& a, const ImageF32& b, Device dev, Stream stream, int round) {
  const Exec ex{stream};
  ImageF32 x(a.width(), a.height(), dev, stream);
  io::copy(a, x, ex);
  adjust::chain(x, {adjust::brightness(1.1f + 0.01f * round), adjust::contrast(1.2f), adjust::hue(30.f)}, ex);
  blend::multiply(x, b, {.offset_x = 5 + round, .offset_y = -3, .opacity = 0.7f}, ex);
  ImageF32 y = filter::gaussian_blur(x, {.radius = 4}, ex);
  filter::sepia(y, {.intensity = 0.5f}, ex);
  effect::vignette(y, {}, ex);
  ImageF32 z = transform::rotate(y, {.angle = 17.f}, ex);
  ImageU8 u(z.width(), z.height(), dev, stream);
  io::convert(z, u, ex);
  io::convert(u, z, ex);
  return io::download(z, ex);
}
/// Bit-for-bit equality without Catch (its assertions are not thread-safe: worker threads use this).
inline bool same_pixels(const std::vector<float4>& a, const std::vector<float4>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float4)) == 0);
}
}  // namespace reliability
