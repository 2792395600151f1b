// SPDX-License-Identifier: MIT
/// @file bench_core.cpp  Core rows: fill::color, io::convert, io::copy, upload/download.
#include <cuda_runtime.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "harness.hpp"

namespace {
using namespace imagecuda;

struct PinnedBuffer {
  void* p = nullptr;
  explicit PinnedBuffer(std::size_t bytes) {
    if (cudaMallocHost(&p, bytes) != cudaSuccess) throw std::runtime_error("cudaMallocHost failed");
    std::memset(p, 0x3c, bytes);
  }
  ~PinnedBuffer() { cudaFreeHost(p); }
};

void core_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  for (auto [w, h, label] : {std::tuple{bench::w1080, bench::h1080, "1080p"}, std::tuple{bench::w4k, bench::h4k, "4K"}}) {
    const double px = double(w) * h;
    auto f = std::make_shared<ImageF32>(w, h, gpu);
    auto g = std::make_shared<ImageF32>(w, h, gpu);
    auto u = std::make_shared<ImageU8>(w, h, gpu);
    fill::color(*f, rgba(0.2f, 0.4f, 0.6f, 1.f));
    io::convert(*f, *u);
    cases.push_back({"core", fmt::format("fill::color {}", label), px * 16,
                     [f](Stream s) { fill::color(*f, rgba(0.5f, 0.25f, 0.125f, 1.f), {s}); }});
    cases.push_back({"core", fmt::format("convert f32->u8 {}", label), px * 20,
                     [f, u](Stream s) { io::convert(*f, *u, {s}); }});
    cases.push_back({"core", fmt::format("convert u8->f32 {}", label), px * 20,
                     [f, u](Stream s) { io::convert(*u, *f, {s}); }});
    cases.push_back({"core", fmt::format("copy f32 {}", label), px * 32, [f, g](Stream s) { io::copy(*f, *g, {s}); }});
    auto pinned = std::make_shared<PinnedBuffer>(std::size_t(px) * 16);
    cases.push_back({"core", fmt::format("upload f32 {} (pinned)", label), px * 16, [f, pinned](Stream s) {
                       io::upload(f->view(), static_cast<const float4*>(pinned->p), f->pitch(), {s});
                     }});
    cases.push_back({"core", fmt::format("download f32 {} (pinned)", label), px * 16, [f, pinned](Stream s) {
                       io::download_async<float4>(f->view(), static_cast<float4*>(pinned->p), f->pitch(), {s});
                     }});
  }
}
IMAGECUDA_BENCH("core", core_cases);
}  // namespace
