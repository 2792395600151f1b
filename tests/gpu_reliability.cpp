// SPDX-License-Identifier: MIT
/// Reliability on cuda:0: a 100 000-operation soak, 8 threads with their own streams against one
/// thread, and out-of-memory (a huge Image and a huge Workspace::reserve are Error{out_of_memory}
/// and the library keeps working). See docs/reliability.md.
#include "helpers.hpp"
#include "reliability.hpp"

#include <cuda_runtime_api.h>

#include <limits>
#include <thread>

using namespace imagecuda;

namespace {
const Device gpu = Device::cuda(0);
}

TEST_CASE("gpu: soak of 100000 mixed operations returns memory to its start; the peak stays flat",
          "[gpu][soak]") {
  REQUIRE(test::has_gpu());
  const reliability::SoakResult r = reliability::soak(gpu, 100000, 20260102);
  std::printf("soak cuda:0: start %zu end %zu, peak warm-up %zu, peak steady %zu (bound %zu), %llu allocations, "
              "%llu frees\n",
              r.start, r.end, r.warm_peak, r.steady_peak, r.bound, (unsigned long long)r.allocations,
              (unsigned long long)r.frees);
  CHECK(r.end == r.start);
  CHECK(r.allocations == r.frees);
  CHECK(r.steady_peak <= r.bound);
}

TEST_CASE("gpu: 8 threads with their own streams produce the same pixels as one", "[gpu][concurrency]") {
  REQUIRE(test::has_gpu());
  const int w = 517, h = 301;
  const ImageF32 a = test::make_f32(w, h, test::random_f32(w, h, 1), gpu);
  const ImageF32 b = test::make_f32(200, 150, test::random_f32(200, 150, 2), gpu);
  synchronize(Stream{});
  constexpr int rounds = 6, threads = 8;
  std::vector<std::vector<float4>> expected;
  {
    OwningStream s;
    for (int r = 0; r < rounds; ++r) expected.push_back(reliability::pipeline(a, b, gpu, s, r));
  }
  std::vector<int> mismatches(threads, 0), errors(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      OwningStream s;
      for (int r = 0; r < rounds; ++r) {
        const int round = (r + t) % rounds;
        try {
          if (!reliability::same_pixels(reliability::pipeline(a, b, gpu, s, round), expected[round])) ++mismatches[t];
        } catch (...) {
          ++errors[t];
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (int t = 0; t < threads; ++t) {
    INFO("thread " << t);
    CHECK(mismatches[t] == 0);
    CHECK(errors[t] == 0);
  }
  // And the GPU agrees with the CPU backend on the same pipeline (loose: transcendental ops).
  OwningStream s;
  const ImageF32 ca = test::make_f32(w, h, io::download(a), Device::cpu());
  const ImageF32 cb = test::make_f32(200, 150, io::download(b), Device::cpu());
  CHECK(test::max_abs_diff(reliability::pipeline(ca, cb, Device::cpu(), s, 0), expected[0]) < 1.5f / 255.f);
}

TEST_CASE("gpu: an impossible allocation is Error{out_of_memory} and the library keeps working", "[gpu][oom]") {
  REQUIRE(test::has_gpu());
  const auto before = memory_stats(gpu);
  // A 32768 x 32768 float4 image is 16 GiB: allocate until the device runs out.
  {
    std::vector<ImageF32> hoard;
    bool oom = false;
    for (int i = 0; i < 64 && !oom; ++i) {
      try {
        hoard.emplace_back(32768, 32768, gpu);
      } catch (const Error& e) {
        INFO(e.what());
        CHECK(e.code() == ErrorCode::out_of_memory);
        oom = true;
      }
    }
    CHECK(oom);
  }
  synchronize(Stream{});
  // The pool keeps freed blocks (imagecuda raises its release threshold): give the hoard back to
  // the device so that later tests, and anything outside the pool, find the memory free.
  {
    cudaMemPool_t pool = nullptr;
    REQUIRE(cudaDeviceGetDefaultMemPool(&pool, 0) == cudaSuccess);
    REQUIRE(cudaDeviceSynchronize() == cudaSuccess);
    CHECK(cudaMemPoolTrimTo(pool, 0) == cudaSuccess);
  }
  {
    Workspace ws(gpu);
    REQUIRE_IMAGECUDA_ERROR(ws.reserve({std::size_t(1) << 50}), ErrorCode::out_of_memory, "Workspace");
    CHECK(ws.size() == 0);
    ws.reserve({1 << 20});
    CHECK(ws.size() == std::size_t(1) << 20);
    REQUIRE_IMAGECUDA_ERROR(ws.reserve({std::numeric_limits<std::size_t>::max() / 2}), ErrorCode::out_of_memory,
                            "Workspace");
    CHECK(ws.size() == std::size_t(1) << 20);  // the old block survives a failed reserve
  }
  synchronize(Stream{});
  const auto mid = memory_stats(gpu);
  CHECK(mid.bytes_in_use == before.bytes_in_use);
  // The library keeps working: a pipeline gives the same pixels as on the CPU.
  const int w = 300, h = 200;
  const auto px = test::random_f32(w, h, 5);
  ImageF32 g = test::make_f32(w, h, px, gpu);
  ImageF32 c = test::make_f32(w, h, px, Device::cpu());
  filter::sepia(g, {});
  filter::sepia(c, {});
  CHECK(test::max_abs_diff(io::download(g), io::download(c)) < 1e-5f);
  ImageF32 gb = filter::gaussian_blur(g, {.radius = 5});
  ImageF32 cb = filter::gaussian_blur(c, {.radius = 5});
  CHECK(test::max_abs_diff(io::download(gb), io::download(cb)) < 1e-4f);
}
