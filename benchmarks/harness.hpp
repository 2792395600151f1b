// SPDX-License-Identifier: MIT
/// @file harness.hpp  The benchmark harness: register cases, time them (CUDA events, warm-up,
/// median of many runs), report bytes moved, GB/s and % of the measured copy bandwidth.
#pragma once

#include <imagecuda/imagecuda.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace bench {

/// One row of the results table.
struct Case {
  std::string group;  ///< module, e.g. "fill"
  std::string name;   ///< e.g. "color 3840x2160"
  /// Bytes the op must move at minimum (reads + writes of pixel data), for GB/s and % of copy.
  /// 0 for rows where bandwidth is meaningless (e.g. file decode).
  double bytes = 0;
  /// Enqueues one run on `stream` (device cases) or runs it to completion (host cases).
  std::function<void(imagecuda::Stream)> run;
  /// false: timed with CUDA events around `run` on the stream. true: timed with a host clock
  /// (for load/save and other host-bound work; `run` must block until done).
  bool host_timed = false;
  /// Items per run for rate rows (e.g. images decoded): reported as items/s when > 0.
  double items = 0;
};

/// A factory creates its inputs (kept alive by the lambdas it captures) and appends cases.
using Factory = std::function<void(std::vector<Case>&)>;

/// Registers a factory; returns a dummy so it can initialise a static.
int register_factory(const char* group, Factory f);

/// A w x h image on `device` with uniform random pixels in [0, 1) (fixed seed; never zeros).
std::shared_ptr<imagecuda::ImageF32> random_image(int w, int h, unsigned seed, imagecuda::Device device);

/// 3840x2160 and 1920x1080, the sizes every issue quotes.
inline constexpr int w4k = 3840, h4k = 2160, w1080 = 1920, h1080 = 1080;

}  // namespace bench

#define IMAGECUDA_BENCH_CONCAT2(a, b) a##b
#define IMAGECUDA_BENCH_CONCAT(a, b) IMAGECUDA_BENCH_CONCAT2(a, b)
/// IMAGECUDA_BENCH("fill", [](std::vector<bench::Case>& cases) { ... });
#define IMAGECUDA_BENCH(group, factory) \
  static const int IMAGECUDA_BENCH_CONCAT(imagecuda_bench_, __LINE__) = ::bench::register_factory(group, factory)
