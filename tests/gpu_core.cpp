// SPDX-License-Identifier: MIT
/// GPU: the core types on CUDA, compared with the CPU backend.
#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device gpu = Device::cuda(0);
}

TEST_CASE("gpu: upload/download/copy/convert match the CPU backend", "[gpu][io]") {
  REQUIRE(test::has_gpu());
  const int w = 1000, h = 700;
  const auto px = test::random_f32(w, h, 42, -0.2f, 1.2f);
  ImageF32 g = test::make_f32(w, h, px, gpu);
  CHECK(test::max_abs_diff(io::download(g), px) == 0.f);

  ImageU8 gu(w, h, gpu), cu(w, h, Device::cpu());
  ImageF32 c = test::make_f32(w, h, px, Device::cpu());
  io::convert(g, gu);
  io::convert(c, cu);
  CHECK(test::max_abs_diff(io::download(gu), io::download(cu)) == 0);

  ImageF32 back(w, h, gpu);
  io::convert(gu, back);
  ImageF32 cback(w, h, Device::cpu());
  io::convert(cu, cback);
  CHECK(test::max_abs_diff(io::download(back), io::download(cback)) == 0.f);

  // copy into a crop on the device, then a pitched download
  ImageF32 canvas(w + 10, h + 10, gpu);
  fill::color(canvas, rgba(0, 0, 0, 0));
  io::copy(g.view(), canvas.crop_view(5, 5, w, h));
  std::vector<float4> out(std::size_t(w) * h);
  io::download_async<float4>(canvas.crop_view(5, 5, w, h), out.data(), w * sizeof(float4));
  synchronize();
  CHECK(test::max_abs_diff(out, px) == 0.f);
}

TEST_CASE("gpu: fill::color matches the CPU backend on a crop", "[gpu][fill]") {
  const float d = test::gpu_vs_cpu(1000, 700, 1, 9, [](std::vector<ImageF32>& in, Device) {
    fill::color(in[0].crop_view(100, 50, 300, 200), rgba(0.3f, 0.6f, 0.9f, 0.5f));
    return std::move(in[0]);
  });
  CHECK(d == 0.f);
}

TEST_CASE("gpu: streams, workspaces, zero allocations in steady state", "[gpu][memory]") {
  REQUIRE(test::has_gpu());
  OwningStream s;
  Workspace ws(gpu);
  const Exec ex{s, &ws};
  ImageU8 src = test::make_u8(640, 480, test::random_u8(640, 480, 1), gpu);
  ImageF32 work(640, 480, gpu, s);
  ImageU8 out(640, 480, gpu, s);
  io::convert(src, work, ex);
  io::convert(work, out, ex);
  s.synchronize();
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 200; ++i) {
    io::convert(src, work, ex);
    fill::color(work.crop_view(0, 0, 10, 10), rgba(1, 1, 1, 1), ex);
    io::convert(work, out, ex);
  }
  s.synchronize();
  const auto after = memory_stats(gpu);
  CHECK(after.allocations == before.allocations);
  CHECK(work.stream() == s.view());
  const auto o = io::download(out);
  CHECK(int(o[0].x) == 255);
}

TEST_CASE("gpu: free and reallocate in a loop; out of memory is an Error", "[gpu][memory][oom]") {
  REQUIRE(test::has_gpu());
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 50; ++i) {
    ImageF32 img(1920, 1080, gpu);
    fill::color(img, rgba(0, 0, 0, 1));
  }
  synchronize();
  CHECK(memory_stats(gpu).bytes_in_use == before.bytes_in_use);
  // 32768 x 32768 x 16 B = 16 GiB; ten exceed any H100 or H200.
  std::vector<ImageF32> hog;
  bool oom = false;
  try {
    for (int i = 0; i < 10; ++i) hog.emplace_back(32768, 32768, gpu);
  } catch (const Error& e) {
    oom = e.code() == ErrorCode::out_of_memory;
    INFO(e.what());
    CHECK(std::string(e.what()).find("cannot allocate") != std::string::npos);
  }
  CHECK(oom);
  hog.clear();
  synchronize();
  ImageF32 after(256, 256, gpu);  // the library keeps working
  fill::color(after, rgba(1, 0, 0, 1));
  CHECK(io::download(after)[0].x == 1.f);
}
