// SPDX-License-Identifier: MIT
/// GPU: io::load/save/encode on cuda:0 give exactly the CPU backend's pixels and bytes, and a
/// steady-state load into a destination with a workspace allocates nothing on the device.
#include <algorithm>
#include <cstring>
#include <string>

#include "helpers.hpp"

using namespace imagecuda;

namespace {

const Device gpu = Device::cuda(0);
const Device cpu = Device::cpu();
using Bytes = std::vector<std::byte>;


std::vector<uchar4> smooth_u8(int w, int h) {
  std::vector<uchar4> v(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      v[std::size_t(y) * w + x] = uchar4{static_cast<unsigned char>(255 * x / w), static_cast<unsigned char>(255 * y / h),
                                         static_cast<unsigned char>((x * y) % 256), 255};
  return v;
}

/// The test files: 8-bit RGBA PNG, 16-bit PNG, JPEG, JPEG rotated by EXIF.
std::vector<Bytes> files(int w, int h) {
  ImageU8 rnd = test::make_u8(w, h, test::random_u8(w, h, 5), cpu);
  ImageF32 f = test::make_f32(w, h, test::random_f32(w, h, 6), cpu);
  ImageU8 smooth = test::make_u8(w, h, smooth_u8(w, h), cpu);
  const Bytes jpg = io::encode(smooth, io::Format::jpeg);
  return {io::encode(rnd, io::Format::png), io::encode(f, io::Format::png, {.bit_depth = 16}), jpg,
          test::jpeg_with_orientation(jpg, 6)};
}

}  // namespace

TEST_CASE("gpu: io::load on cuda:0 equals the CPU backend exactly", "[gpu][io]") {
  REQUIRE(test::has_gpu());
  const int w = 333, h = 217;
  int k = 0;
  for (const Bytes& file : files(w, h)) {
    INFO("file " << k++);
    ImageF32 g = io::load(file, {.device = gpu});
    ImageF32 c = io::load(file, {.device = cpu});
    CHECK(g.device() == gpu);
    CHECK(g.width() == c.width());
    CHECK(g.height() == c.height());
    CHECK(test::max_abs_diff(io::download(g), io::download(c)) == 0.f);

    ImageU8 g8(w, h, gpu), c8(w, h, cpu);  // capacity w*h also fits the EXIF-rotated h x w
    io::load(file, g8);
    io::load(file, c8);
    CHECK(g8.width() == c8.width());
    CHECK(test::max_abs_diff(io::download(g8), io::download(c8)) == 0);
  }
}

TEST_CASE("gpu: steady-state io::load into dst + workspace allocates nothing on the device", "[gpu][io][memory]") {
  REQUIRE(test::has_gpu());
  const int w = 640, h = 480;
  const auto fs = files(w, h);
  OwningStream s;
  Workspace ws(io::load_requirements(w, h), gpu, s);
  const Exec ex{s, &ws};
  ImageF32 dst(w, h, gpu, s);
  ImageU8 dst8(w, h, gpu, s);
  for (const Bytes& f : fs) io::load(f, dst, {.device = gpu}, ex);  // warm-up
  s.synchronize();
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 20; ++i)
    for (const Bytes& f : fs) {
      io::load(f, dst, {.device = gpu}, ex);
      io::load(f, dst8, {.device = gpu}, ex);
    }
  s.synchronize();
  const auto after = memory_stats(gpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);

  io::load(fs[0], dst, {.device = gpu}, ex);
  ImageF32 ref = io::load(fs[0], {.device = cpu});
  CHECK(test::max_abs_diff(io::download(dst, ex), io::download(ref)) == 0.f);
}

TEST_CASE("gpu: io::encode/save from cuda:0 writes the CPU backend's bytes", "[gpu][io]") {
  REQUIRE(test::has_gpu());
  const int w = 301, h = 155;
  const auto px = test::random_f32(w, h, 8, -0.1f, 1.1f);
  ImageF32 g = test::make_f32(w, h, px, gpu);
  ImageF32 c = test::make_f32(w, h, px, cpu);
  for (auto fmt : {io::Format::png, io::Format::jpeg}) {
    CHECK(io::encode(g, fmt) == io::encode(c, fmt));
  }
  CHECK(io::encode(g, io::Format::png, {.bit_depth = 16}) == io::encode(c, io::Format::png, {.bit_depth = 16}));
  CHECK(io::encode(g.crop_view(3, 4, 100, 50), io::Format::png) ==
        io::encode(c.crop_view(3, 4, 100, 50), io::Format::png));
  ImageU8 gu(w, h, gpu), cu(w, h, cpu);
  io::convert(g, gu);
  io::convert(c, cu);
  CHECK(io::encode(gu, io::Format::png) == io::encode(cu, io::Format::png));

  // With a workspace: no device allocation.
  OwningStream s;
  Workspace ws(io::save_requirements(w, h), gpu, s);
  const Exec ex{s, &ws};
  (void)io::encode(g, io::Format::png, {}, ex);
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 5; ++i) (void)io::encode(g, io::Format::jpeg, {}, ex);
  CHECK(memory_stats(gpu).allocations == before.allocations);
}

namespace {
/// A card-like picture: gradients, a flat disc, a little noise where `noisy` (RGBA8, opaque
/// unless `translucent`).
std::vector<uchar4> card_like(int w, int h, bool noisy, bool translucent, std::uint32_t seed) {
  std::vector<uchar4> px(std::size_t(w) * std::size_t(h));
  std::uint32_t r = seed;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      r = r * 1664525u + 1013904223u;
      const int n = noisy ? int(r >> 30) - 1 : 0;
      const bool disc = (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) < w * h / 16;
      const auto c = [](int v) { return static_cast<unsigned char>(std::clamp(v, 0, 255)); };
      px[std::size_t(y) * std::size_t(w) + std::size_t(x)] =
          disc ? uchar4{200, 40, 90, 255}
               : uchar4{c(x * 255 / w + n), c(y * 255 / h + n), c(128 + n),
                        translucent ? c(255 - (x + y) % 200) : static_cast<unsigned char>(255)};
    }
  return px;
}
}  // namespace

TEST_CASE("gpu: PngDeflate::parallel: the CUDA kernels write the CPU backend's bytes", "[gpu][io][png_parallel]") {
  REQUIRE(test::has_gpu());
  const io::SaveParams par{.png_deflate = io::PngDeflate::parallel};
  struct Case {
    int w, h, kind;  // kind 0: noise (stored segments), 1: card-like, 2: card-like translucent, 3: flat
  };
  for (const Case c : {Case{1, 1, 0}, Case{5, 3, 1}, Case{301, 155, 0}, Case{301, 155, 2}, Case{1200, 630, 1},
                       Case{1200, 630, 2}, Case{2048, 1536, 1}, Case{777, 333, 3}, Case{3, 5000, 1}, Case{1024, 400, 0}}) {
    CAPTURE(c.w, c.h, c.kind);
    std::vector<uchar4> px = c.kind == 0 ? test::random_u8(c.w, c.h, 77u + std::uint32_t(c.w))
                                         : card_like(c.w, c.h, c.kind != 3, c.kind == 2, 5u + std::uint32_t(c.h));
    if (c.kind == 3) std::fill(px.begin(), px.end(), uchar4{10, 20, 30, 255});
    ImageU8 g = test::make_u8(c.w, c.h, px, gpu), h = test::make_u8(c.w, c.h, px, cpu);
    const auto on_gpu = io::encode(g, io::Format::png, par);
    CHECK(on_gpu == io::encode(h, io::Format::png, par));
    std::vector<uchar4> back(px.size());
    (void)io::decode(on_gpu, std::span<uchar4>(back));
    CHECK(std::memcmp(back.data(), px.data(), px.size() * sizeof(uchar4)) == 0);
    if (c.w > 8 && c.h > 8)  // a view with its own pitch
      CHECK(io::encode(g.crop_view(3, 2, c.w - 5, c.h - 4), io::Format::png, par) ==
            io::encode(h.crop_view(3, 2, c.w - 5, c.h - 4), io::Format::png, par));
  }
  // f32 images: converted on the device, then encoded there.
  const int w = 640, h = 360;
  const auto fpx = test::random_f32(w, h, 12, -0.1f, 1.1f);
  ImageF32 gf = test::make_f32(w, h, fpx, gpu), cf = test::make_f32(w, h, fpx, cpu);
  CHECK(io::encode(gf, io::Format::png, par) == io::encode(cf, io::Format::png, par));

  // With a workspace of save_requirements(w, h, par), on a stream of its own: no device allocation
  // after the first call, and the file does not change.
  OwningStream s;
  Workspace ws(io::save_requirements(w, h, par), gpu, s);
  const Exec ex{s, &ws};
  ImageU8 gu(w, h, gpu);
  const auto first = io::encode(gf, io::Format::png, par, ex);
  const auto before = memory_stats(gpu);
  for (int i = 0; i < 5; ++i) CHECK(io::encode(gf, io::Format::png, par, ex) == first);
  io::convert(gf, gu, ex);
  CHECK(io::encode(gu, io::Format::png, par, ex) == first);
  CHECK(memory_stats(gpu).allocations == before.allocations);

  // The docs' example (docs/io.md "PNG on the GPU").
  const ImageF32& card = gf;
  // example-begin png-parallel
  const io::SaveParams png_on_gpu{.png_deflate = io::PngDeflate::parallel};
  Workspace png_ws(io::save_requirements(card.width(), card.height(), png_on_gpu), card.device(), s);
  const auto png = io::encode(card, io::Format::png, png_on_gpu, {s, &png_ws});  // waits for s
  // example-end
  CHECK(png == first);
}

TEST_CASE("gpu: io::load errors leave a GPU destination untouched", "[gpu][io][errors]") {
  REQUIRE(test::has_gpu());
  const auto fs = files(64, 32);
  ImageF32 dst(16, 16, gpu);
  fill::color(dst, rgba(0.25f, 0.5f, 0.75f, 1.f));
  const auto px = io::download(dst);
  const auto before = memory_stats(gpu);
  REQUIRE_IMAGECUDA_ERROR(io::load(fs[0], dst), ErrorCode::invalid_argument, "too small for 64x32");
  std::size_t sos = 2;  // cut half way into the scan data: a truncated JPEG
  while (!(fs[2][sos] == std::byte{0xFF} && fs[2][sos + 1] == std::byte{0xDA})) ++sos;
  Bytes cut(fs[2].begin(), fs[2].begin() + std::ptrdiff_t((sos + fs[2].size()) / 2));
  REQUIRE_IMAGECUDA_ERROR(io::load(cut, dst), ErrorCode::decode, "Premature end of JPEG file");
  ImageF32 big(64, 32, gpu);
  Workspace host_ws(io::load_requirements(64, 32), cpu);
  REQUIRE_IMAGECUDA_ERROR(io::load(fs[0], big, {}, {Stream{}, &host_ws}), ErrorCode::device_mismatch,
                          "workspace is on cpu");
  CHECK(big.width() == 64);
  const auto after = memory_stats(gpu);
  CHECK(after.bytes_in_use == before.bytes_in_use + 64 * 32 * sizeof(float4));
  CHECK(dst.width() == 16);
  CHECK(test::max_abs_diff(io::download(dst), px) == 0.f);
}
