// SPDX-License-Identifier: MIT
/// Memory model, views, errors, workspaces, devices: the core types on the CPU backend.
#include "helpers.hpp"

using namespace imagecuda;
using test::make_f32;
using test::random_f32;

namespace {
const Device cpu = Device::cpu();
}

TEST_CASE("Image: construction, capacity and logical size", "[core]") {
  ImageF32 img(64, 32, cpu);
  CHECK(img.width() == 64);
  CHECK(img.height() == 32);
  CHECK(img.capacity() == 64u * 32u);
  CHECK(img.max_size() == img.capacity());
  CHECK(img.device() == cpu);
  CHECK(img.pitch() == 64 * sizeof(float4));

  img.set_size(128, 16);  // any aspect ratio within capacity
  CHECK(img.width() == 128);
  CHECK(img.height() == 16);
  img.set_size(3, 5);
  CHECK(img.view().pixels() == 15u);

  REQUIRE_IMAGECUDA_ERROR(img.set_size(65, 32), ErrorCode::invalid_argument, "exceeds the capacity of 2048");
  CHECK(img.width() == 3);  // untouched after the error
  CHECK(img.height() == 5);
  REQUIRE_IMAGECUDA_ERROR(img.set_size(0, 5), ErrorCode::invalid_argument, "must be positive, got 0x5");
  REQUIRE_IMAGECUDA_ERROR(img.set_size(4, -1), ErrorCode::invalid_argument, "must be positive, got 4x-1");
}

TEST_CASE("Image: bad dimensions", "[core][errors]") {
  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(ImageF32(0, 10, cpu), ErrorCode::invalid_argument, "got 0x10");
  REQUIRE_IMAGECUDA_ERROR(ImageF32(-3, 10, cpu), ErrorCode::invalid_argument, "got -3x10");
  REQUIRE_IMAGECUDA_ERROR(ImageU8(32769, 1, cpu), ErrorCode::invalid_argument, "too large, got 32769x1 (max 32768)");
  REQUIRE_IMAGECUDA_ERROR(ImageU8(1, 40000, cpu), ErrorCode::invalid_argument, "too large");
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);
}

TEST_CASE("Image: free, use after free, move semantics", "[core]") {
  const auto before = memory_stats(cpu);
  {
    ImageF32 img(10, 10, cpu);
    CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use + 10 * 10 * sizeof(float4));
    img.free();
    CHECK(img.is_freed());
    CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
    img.free();  // idempotent
    REQUIRE_IMAGECUDA_ERROR(img.width(), ErrorCode::freed, "image was freed");
    REQUIRE_IMAGECUDA_ERROR(img.view(), ErrorCode::freed, "image was freed");
    REQUIRE_IMAGECUDA_ERROR(img.set_size(2, 2), ErrorCode::freed, "image was freed");
    REQUIRE_IMAGECUDA_ERROR(fill::color(img, rgba(1, 0, 0)), ErrorCode::freed, "image was freed");
    ImageF32 other(4, 4, cpu);
    REQUIRE_IMAGECUDA_ERROR(io::copy(other, img), ErrorCode::freed, "dst was freed");
  }
  {
    ImageF32 a(8, 8, cpu);
    fill::color(a, rgba(0.25f, 0.5f, 0.75f, 1.f));
    const float4* p = a.data();
    ImageF32 b(std::move(a));
    CHECK(b.data() == p);
    CHECK(a.empty());  // NOLINT: moved-from is valid and empty
    CHECK(a.width() == 0);
    CHECK(a.capacity() == 0);
    REQUIRE_IMAGECUDA_ERROR(fill::color(a, rgba(1, 1, 1)), ErrorCode::invalid_argument, "dst is empty");
    ImageF32 c(2, 2, cpu);
    c = std::move(b);
    CHECK(c.width() == 8);
    CHECK(io::download(c)[63].z == 0.75f);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  CHECK(after.frees - before.frees == after.allocations - before.allocations);
}

TEST_CASE("Views: crop_view is zero-copy and in-place ops touch only the view", "[core][view]") {
  ImageF32 img(20, 10, cpu);
  fill::color(img, rgba(0, 0, 0, 1));
  auto v = img.crop_view(5, 2, 4, 3);
  CHECK(v.data() == img.data() + 2 * 20 + 5);
  CHECK(v.pitch() == img.pitch());
  CHECK_FALSE(v.contiguous());
  fill::color(v, rgba(1, 0.5f, 0.25f, 1));
  const auto px = io::download(img);
  int changed = 0;
  for (int y = 0; y < 10; ++y)
    for (int x = 0; x < 20; ++x) {
      const bool inside = x >= 5 && x < 9 && y >= 2 && y < 5;
      const float4 p = px[std::size_t(y) * 20 + std::size_t(x)];
      CHECK(p.x == (inside ? 1.f : 0.f));
      changed += inside;
    }
  CHECK(changed == 12);
  // crop of a crop
  auto vv = v.crop(1, 1, 2, 2);
  CHECK(vv.data() == img.data() + 3 * 20 + 6);
  REQUIRE_IMAGECUDA_ERROR(img.crop_view(18, 0, 3, 1), ErrorCode::invalid_argument, "is not inside the 20x10 image");
  REQUIRE_IMAGECUDA_ERROR(img.crop_view(0, 0, 0, 1), ErrorCode::invalid_argument, "must be positive");
  REQUIRE_IMAGECUDA_ERROR(img.crop_view(-1, 0, 2, 2), ErrorCode::invalid_argument, "not inside");
}

TEST_CASE("io: upload/download round trip, pitched", "[core][io]") {
  const auto px = random_f32(7, 5, 11);
  ImageF32 img = make_f32(7, 5, px, cpu);
  CHECK(test::max_abs_diff(io::download(img), px) == 0.f);
  // wrong size
  std::vector<float4> small(10);
  REQUIRE_IMAGECUDA_ERROR(io::upload(img, small), ErrorCode::invalid_argument, "expected 560 bytes (7x5 pixels), got 160");
  CHECK(test::max_abs_diff(io::download(img), px) == 0.f);
  // pitched upload into a crop and pitched download
  ImageF32 big(16, 16, cpu);
  fill::color(big, rgba(0, 0, 0, 0));
  std::vector<float4> host(3 * 10);  // 3 rows with pitch 10 pixels, 4 used
  for (std::size_t i = 0; i < host.size(); ++i) host[i] = float4{float(i), 0, 0, 1};
  io::upload(big.crop_view(2, 3, 4, 3), host.data(), 10 * sizeof(float4));
  std::vector<float4> back(3 * 6);
  io::download_async<float4>(big.crop_view(2, 3, 4, 3), back.data(), 6 * sizeof(float4));
  synchronize();
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) CHECK(back[std::size_t(y) * 6 + std::size_t(x)].x == float(y * 10 + x));
  REQUIRE_IMAGECUDA_ERROR(io::upload(big.view(), host.data(), 8), ErrorCode::invalid_argument, "src_pitch 8");
}

TEST_CASE("io::convert: u8 -> f32 -> u8 is exact; reference rounding", "[core][io][convert]") {
  std::vector<uchar4> all(256);
  for (int i = 0; i < 256; ++i)
    all[std::size_t(i)] = uchar4{(unsigned char)i, (unsigned char)(255 - i), (unsigned char)(i * 7), (unsigned char)(i / 2)};
  ImageU8 u8 = test::make_u8(16, 16, all, cpu);
  ImageF32 f(16, 16, cpu);
  io::convert(u8, f);
  const auto fp = io::download(f);
  CHECK(fp[200].x == 200.f / 255.f);
  ImageU8 back(16, 16, cpu);
  io::convert(f, back);
  CHECK(test::max_abs_diff(io::download(back), all) == 0);

  // clamp, round half up, NaN -> 0
  std::vector<float4> edge = {float4{-0.5f, 1.5f, 0.5f / 255.f, 0.49f / 255.f}, float4{NAN, INFINITY, -INFINITY, 0.998f}};
  ImageF32 e = make_f32(2, 1, edge, cpu);
  ImageU8 eu(2, 1, cpu);
  io::convert(e, eu);
  const auto r = io::download(eu);
  CHECK(int(r[0].x) == 0);
  CHECK(int(r[0].y) == 255);
  CHECK(int(r[0].z) == 1);
  CHECK(int(r[0].w) == 0);
  CHECK(int(r[1].x) == 0);
  CHECK(int(r[1].y) == 255);
  CHECK(int(r[1].z) == 0);
  CHECK(int(r[1].w) == 254);  // 0.998*255 + 0.5 = 254.99

  // destination too small: error, destination untouched
  ImageU8 tiny(2, 2, cpu);
  REQUIRE_IMAGECUDA_ERROR(io::convert(f, tiny), ErrorCode::invalid_argument,
                          "dst capacity of 4 pixels is too small for 16x16 (256 pixels)");
  CHECK(tiny.width() == 2);
  // view forms need equal sizes
  REQUIRE_IMAGECUDA_ERROR(io::convert(f.view(), tiny.view()), ErrorCode::invalid_argument, "dst is 2x2 but src is 16x16");
}

TEST_CASE("io::copy: sets the destination size, capacity rules", "[core][io]") {
  const auto px = random_f32(6, 4, 3);
  ImageF32 src = make_f32(6, 4, px, cpu);
  ImageF32 dst(5, 5, cpu);  // 25 >= 24 pixels: fits with another shape
  io::copy(src, dst);
  CHECK(dst.width() == 6);
  CHECK(dst.height() == 4);
  CHECK(test::max_abs_diff(io::download(dst), px) == 0.f);
  ImageF32 small(2, 2, cpu);
  REQUIRE_IMAGECUDA_ERROR(io::copy(src, small), ErrorCode::invalid_argument, "too small for 6x4");
  // copy into a crop of a bigger image
  ImageF32 canvas(10, 10, cpu);
  fill::color(canvas, rgba(0, 0, 0, 0));
  io::copy(src.view(), canvas.crop_view(2, 3, 6, 4));
  const auto c = io::download(canvas);
  CHECK(c[3 * 10 + 2].x == px[0].x);
  CHECK(c[6 * 10 + 7].w == px[23].w);
  CHECK(c[0].w == 0.f);
}

TEST_CASE("Workspace: growth, reuse and the layout helper", "[core][workspace]") {
  WorkspaceLayout layout;
  const auto a = layout.add<float4>(10);   // 160 -> 256
  const auto b = layout.add<uchar4>(100);  // 400 -> 512
  CHECK(a == 0);
  CHECK(b == 256);
  CHECK(layout.total() == 768);
  CHECK(max(WorkspaceRequirements{100}, WorkspaceRequirements{300}).bytes == 300);

  const auto before = memory_stats(cpu);
  Workspace ws(cpu);
  CHECK(ws.size() == 0);
  auto* p1 = ws.get(1000, Stream{});
  CHECK(memory_stats(cpu).allocations == before.allocations + 1);
  auto* p2 = ws.get(500, Stream{});
  CHECK(p1 == p2);
  CHECK(memory_stats(cpu).allocations == before.allocations + 1);  // no growth, no allocation
  (void)ws.get(5000, Stream{});
  CHECK(ws.size() == 5000);
  CHECK(memory_stats(cpu).allocations == before.allocations + 2);
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use + 5000);
  ws.release();
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
}

TEST_CASE("Steady state: destination + workspace reuse performs zero allocations", "[core][memory]") {
  ImageU8 src8 = test::make_u8(64, 48, test::random_u8(64, 48, 5), cpu);
  ImageF32 work(64, 48, cpu);
  ImageU8 out(64, 48, cpu);
  Workspace ws(cpu);
  const Exec ex{Stream{}, &ws};
  // warm-up
  io::convert(src8, work, ex);
  io::convert(work, out, ex);
  const auto before = memory_stats(cpu);
  for (int i = 0; i < 100; ++i) {
    io::convert(src8, work, ex);
    fill::color(work.crop_view(1, 1, 8, 8), rgba(1, 0, 0, 1), ex);
    io::copy(work, work.view(), ex);
    io::convert(work, out, ex);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.peak_bytes == before.peak_bytes);
}

TEST_CASE("Devices: names, CPU default without a GPU, mismatches", "[core][device]") {
  CHECK(Device::cpu().name() == "cpu");
  CHECK(Device::cuda(3).name() == "cuda:3");
  CHECK(Device::cuda(1) != Device::cuda(0));
  if (!test::has_gpu()) {
    CHECK(default_device() == Device::cpu());
    REQUIRE_IMAGECUDA_ERROR(ImageF32(4, 4, Device::cuda(0)), ErrorCode::invalid_argument, "cuda:0 does not exist");
  }
  REQUIRE_IMAGECUDA_ERROR(ImageF32(4, 4, Device::cuda(63)), ErrorCode::invalid_argument, "cuda:63 does not exist");
  Workspace gpu_ws(Device::cuda(0));
  ImageU8 a(4, 4, cpu);
  ImageF32 b(4, 4, cpu);
  fill::color(b, rgba(0, 0, 0, 0));
  if (test::has_gpu()) {
    ImageF32 g(4, 4, Device::cuda(0));
    REQUIRE_IMAGECUDA_ERROR(io::copy(b, g), ErrorCode::device_mismatch, "dst is on cuda:0 but src is on cpu");
  }
  CHECK(std::string(version()) == IMAGECUDA_VERSION_STRING);
  CHECK(system_report().find("imagecuda 0.") != std::string::npos);
}

TEST_CASE("Colours: hex parsing", "[core][color]") {
  const float4 c = hex("#ff8000");
  CHECK(c.x == 1.f);
  CHECK(c.y == 128.f / 255.f);
  CHECK(c.z == 0.f);
  CHECK(c.w == 1.f);
  CHECK(hex("00000080").w == 128.f / 255.f);
  REQUIRE_IMAGECUDA_ERROR(hex("#ff80"), ErrorCode::invalid_argument, "#rrggbb or #rrggbbaa, got '#ff80'");
  REQUIRE_IMAGECUDA_ERROR(hex("#gg0000"), ErrorCode::invalid_argument, "non-hex digit 'g'");
}

TEST_CASE("fill::color writes every pixel, in place on views", "[fill]") {
  ImageF32 img(33, 17, cpu);
  fill::color(img, rgba(0.1f, 0.2f, 0.3f, 0.4f));
  for (const auto& p : io::download(img)) {
    REQUIRE(p.x == 0.1f);
    REQUIRE(p.w == 0.4f);
  }
}
