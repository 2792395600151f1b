// SPDX-License-Identifier: MIT
/// @file harness.cpp  Runs every registered benchmark case and prints a Markdown table.
///
/// Method: for each case, warm up, then time `reps` runs one by one (CUDA events around each
/// run on a dedicated stream, or a host clock for host-bound cases) and report the median and
/// the minimum. The device-to-device copy bandwidth is measured first (cudaMemcpyAsync of a 4K
/// float image, read + write bytes / time) and every row is reported as a % of it.
///
/// Usage: imagecuda_bench [--filter SUBSTRING] [--reps N] [--batch B] [--out results.md]
/// --batch B: each timed run enqueues the case B times back to back between the two events and
/// reports the time per call (launch latency amortised, as PyImageCUDA's and NPP's rows in
/// benchmarks/compare are timed); default 1 (each call timed alone).
#include "harness.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>

namespace bench {
namespace {

std::vector<std::pair<std::string, Factory>>& registry() {
  static std::vector<std::pair<std::string, Factory>> r;
  return r;
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(e));
    std::exit(2);
  }
}

struct Timing {
  double median_us = 0, min_us = 0;
};

Timing summarize(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  Timing t;
  t.min_us = us.front();
  const std::size_t n = us.size();
  t.median_us = n % 2 ? us[n / 2] : 0.5 * (us[n / 2 - 1] + us[n / 2]);
  return t;
}

Timing time_device(const Case& c, imagecuda::Stream s, int warmup, int reps, int batch = 1) {
  cudaEvent_t a, b;
  check(cudaEventCreate(&a), "cudaEventCreate");
  check(cudaEventCreate(&b), "cudaEventCreate");
  for (int i = 0; i < warmup; ++i) c.run(s);
  check(cudaStreamSynchronize(s.value()), "warm-up");
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    check(cudaEventRecord(a, s.value()), "record");
    for (int k = 0; k < batch; ++k) c.run(s);
    check(cudaEventRecord(b, s.value()), "record");
    check(cudaEventSynchronize(b), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "elapsed");
    us.push_back(double(ms) * 1000.0 / batch);
  }
  cudaEventDestroy(a);
  cudaEventDestroy(b);
  return summarize(us);
}

Timing time_host(const Case& c, imagecuda::Stream s, int warmup, int reps) {
  for (int i = 0; i < warmup; ++i) c.run(s);
  std::vector<double> us;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    c.run(s);
    const auto t1 = std::chrono::steady_clock::now();
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    if (i >= 4 && us.back() > 200000.0) break;  // slow host rows: 5 runs are enough
  }
  return summarize(us);
}

/// Device-to-device copy bandwidth (GB/s, read + write bytes) on a 4K float image.
double measure_copy_bandwidth(imagecuda::Stream s, int reps) {
  const std::size_t bytes = std::size_t(w4k) * h4k * sizeof(float4);
  void *src = nullptr, *dst = nullptr;
  check(cudaMalloc(&src, bytes), "cudaMalloc");
  check(cudaMalloc(&dst, bytes), "cudaMalloc");
  check(cudaMemset(src, 1, bytes), "cudaMemset");
  Case c{"copy", "cudaMemcpyAsync D2D", 2.0 * bytes,
         [&](imagecuda::Stream st) { check(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, st.value()), "copy"); }};
  const Timing t = time_device(c, s, 5, reps);
  cudaFree(src);
  cudaFree(dst);
  return 2.0 * double(bytes) / (t.median_us * 1e3);
}

}  // namespace

std::shared_ptr<imagecuda::ImageF32> random_image(int w, int h, unsigned seed, imagecuda::Device device) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(0.f, 1.f);
  std::vector<float4> px(std::size_t(w) * h);
  for (auto& p : px) p = float4{d(rng), d(rng), d(rng), d(rng)};
  auto img = std::make_shared<imagecuda::ImageF32>(w, h, device);
  imagecuda::io::upload(*img, px);
  return img;
}

int register_factory(const char* group, Factory f) {
  registry().emplace_back(group, std::move(f));
  return 0;
}

}  // namespace bench

int main(int argc, char** argv) {
  std::string filter, out_path;
  int reps = 100, batch = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--filter") && i + 1 < argc) filter = argv[++i];
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(3, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--batch") && i + 1 < argc) batch = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) out_path = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--filter SUBSTRING] [--reps N] [--batch B] [--out results.md]\n", argv[0]);
      return 2;
    }
  }
  if (imagecuda::cuda_device_count() == 0) {
    std::fprintf(stderr, "imagecuda_bench: no CUDA device; the benchmarks time the CUDA backend\n");
    return 1;
  }
  cudaDeviceProp prop{};
  bench::check(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
  imagecuda::OwningStream stream;
  const double copy_gbs = bench::measure_copy_bandwidth(stream, reps);

  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  std::string md = fmt::format(
      "GPU: {} (sm_{}{}), {} — imagecuda {}, median of {} runs after warm-up, CUDA events{}.\n"
      "Measured device-to-device copy bandwidth: **{:.0f} GB/s** (read + write).\n\n"
      "| group | case | median µs | min µs | GB/s | % of copy | rate |\n"
      "|---|---|---:|---:|---:|---:|---:|\n",
      prop.name, prop.major, prop.minor, date, imagecuda::version(), reps,
      batch > 1 ? fmt::format(", each run {} calls back to back (time per call)", batch) : std::string(), copy_gbs);
  std::fputs(md.c_str(), stdout);

  for (auto& [group, factory] : bench::registry()) {
    std::vector<bench::Case> cases;
    try {
      factory(cases);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s: setup failed: %s\n", group.c_str(), e.what());
      continue;
    }
    for (const auto& c : cases) {
      const std::string full = c.group + " " + c.name;
      if (!filter.empty() && full.find(filter) == std::string::npos) continue;
      bench::Timing t;
      try {
        t = c.host_timed ? bench::time_host(c, stream, 2, std::min(reps, 30)) : bench::time_device(c, stream, 5, reps, batch);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", full.c_str(), e.what());
        continue;
      }
      const double gbs = c.bytes > 0 ? c.bytes / (t.median_us * 1e3) : 0;
      const std::string rate = c.items > 0 ? fmt::format("{:.1f}/s", c.items / (t.median_us * 1e-6)) : "";
      const std::string row =
          c.bytes > 0 ? fmt::format("| {} | {} | {:.1f} | {:.1f} | {:.0f} | {:.0f}% | {} |\n", c.group, c.name,
                                    t.median_us, t.min_us, gbs, 100.0 * gbs / copy_gbs, rate)
                      : fmt::format("| {} | {} | {:.1f} | {:.1f} | | | {} |\n", c.group, c.name, t.median_us,
                                    t.min_us, rate);
      std::fputs(row.c_str(), stdout);
      std::fflush(stdout);
      md += row;
    }
  }
  if (!out_path.empty()) std::ofstream(out_path) << md;
  return 0;
}
