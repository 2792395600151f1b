// SPDX-License-Identifier: MIT
/// DevicePool on the CPU backend, with several CPU slots standing in for several devices: every
/// item runs once, results equal a serial run, failing items are reported with their slot and
/// the batch goes on, nothing leaks, reserved workspaces mean no allocations.
#include <atomic>
#include <cstring>
#include <set>
#include <stdexcept>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();
constexpr int W = 48, H = 32;

/// One small "card" per item: parameters depend on the item, output into `out`.
void render(std::size_t i, ImageF32& img, ImageF32& blurred, const Exec& ex) {
  const float t = float(i) / 16.f;
  fill::gradient(img, rgba(0.1f + 0.02f * t, 0.2f, 0.5f, 1.f), rgba(0.9f, 0.6f - 0.01f * t, 0.2f, 1.f),
                 {.direction = fill::GradientDirection::diagonal}, ex);
  adjust::hue(img, 10.f * float(i), ex);
  filter::gaussian_blur(img, blurred, {.radius = 3 + int(i % 4)}, ex);
}
}  // namespace

TEST_CASE("DevicePool (CPU slots): every item once, results equal a serial run", "[pool]") {
  constexpr std::size_t n = 40;
  std::vector<std::vector<float4>> want(n), got(n);
  {
    ImageF32 img(W, H, cpu), blurred(W, H, cpu);
    for (std::size_t i = 0; i < n; ++i) {
      render(i, img, blurred, {});
      want[i] = io::download(blurred);
    }
  }
  DevicePool pool({cpu, cpu, cpu}, {.lanes_per_device = 1, .workspace = filter::blur_requirements(W, H)});
  REQUIRE(pool.size() == 3);
  CHECK(pool.device(2) == cpu);
  std::vector<std::atomic<int>> runs(n);
  std::atomic<int> wrong_device{0};
  const MemoryStats before = memory_stats(cpu);
  const BatchResult r = pool.run(n, [&](std::size_t i, const WorkerContext& w) {
    ++runs[i];  // no Catch assertions in here: Catch2 v2 is not thread-safe
    wrong_device += w.device == cpu ? 0 : 1;
    ImageF32 img(W, H, w.device), blurred(W, H, w.device);
    render(i, img, blurred, w.exec());
    got[i] = io::download(blurred);
  });
  CHECK(r.ok());
  CHECK(wrong_device.load() == 0);
  CHECK(r.items == n);
  CHECK(r.succeeded == n);
  std::size_t total = 0;
  for (std::size_t c : r.per_slot) total += c;
  CHECK(total == n);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("item " << i);
    CHECK(runs[i].load() == 1);
    CHECK(test::max_abs_diff(got[i], want[i]) == 0.f);
  }
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
}

TEST_CASE("DevicePool (CPU slots): failing items are reported, the rest of the batch goes on", "[pool][errors]") {
  constexpr std::size_t n = 25;
  DevicePool pool({cpu, cpu}, {.lanes_per_device = 2});
  REQUIRE(pool.size() == 4);
  std::vector<int> done(n, 0);
  const MemoryStats before = memory_stats(cpu);
  const BatchResult r = pool.run(n, [&](std::size_t i, const WorkerContext& w) {
    ImageF32 img(W, H, w.device);
    if (i == 3) filter::gaussian_blur(img, img, {.radius = -1}, w.exec());  // an imagecuda::Error
    if (i == 17) throw std::runtime_error("item 17 has a bad photo");
    fill::color(img, rgba(0.5f, 0.5f, 0.5f, 1.f), w.exec());
    done[i] = 1;
  });
  CHECK_FALSE(r.ok());
  CHECK(r.succeeded == n - 2);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].item == 3);
  REQUIRE(r.errors[0].code.has_value());
  CHECK(*r.errors[0].code == ErrorCode::invalid_argument);
  CHECK(r.errors[0].message.find("filter::gaussian_blur") != std::string::npos);
  CHECK(r.errors[0].device == cpu);
  CHECK(r.errors[0].slot < pool.size());
  CHECK(r.errors[1].item == 17);
  CHECK_FALSE(r.errors[1].code.has_value());
  CHECK(r.errors[1].message == "item 17 has a bad photo");
  int ran = 0;
  for (int d : done) ran += d;
  CHECK(ran == int(n) - 2);
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);  // the failed items' images were freed
  // The pool is still usable.
  CHECK(pool.run(5, [](std::size_t, const WorkerContext&) {}).succeeded == 5);
}

TEST_CASE("DevicePool: reserved workspaces make a batch allocation-free; bad arguments", "[pool][errors]") {
  DevicePool pool({cpu, cpu}, {.workspace = filter::blur_requirements(W, H)});
  std::vector<ImageF32> src, dst;
  for (std::size_t s = 0; s < pool.size(); ++s) {  // per-slot images, made before the batch
    src.push_back(test::make_f32(W, H, test::random_f32(W, H, 9 + unsigned(s)), cpu));
    dst.emplace_back(W, H, cpu);
  }
  const MemoryStats before = memory_stats(cpu);
  const BatchResult r = pool.run(12, [&](std::size_t, const WorkerContext& w) {
    filter::gaussian_blur(src[w.slot], dst[w.slot], {.radius = 5}, w.exec());
  });
  CHECK(r.ok());
  CHECK(memory_stats(cpu).allocations == before.allocations);
  CHECK(pool.workspace(0).size() >= filter::blur_requirements(W, H).bytes);

  CHECK(pool.run(0, [](std::size_t, const WorkerContext&) {}).items == 0);
  REQUIRE_IMAGECUDA_ERROR(DevicePool({}), ErrorCode::invalid_argument, "DevicePool: devices is empty");
  REQUIRE_IMAGECUDA_ERROR(DevicePool({cpu}, {.lanes_per_device = 0}), ErrorCode::invalid_argument,
                          "lanes_per_device must be 1..64, got 0");
  REQUIRE_IMAGECUDA_ERROR(pool.run(3, {}), ErrorCode::invalid_argument, "DevicePool::run: fn is empty");
  REQUIRE_IMAGECUDA_ERROR(pool.device(7), ErrorCode::invalid_argument, "slot 7 of 2");
  if (!test::has_gpu()) {
    const auto all = DevicePool::all_devices();
    REQUIRE(all.size() == 1);
    CHECK(all[0] == cpu);
  }
}
