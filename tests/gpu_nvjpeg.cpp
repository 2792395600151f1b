// SPDX-License-Identifier: MIT
/// GPU: io::GpuJpegDecoder (nvJPEG; compiled only in builds with nvJPEG) against the TurboJPEG
/// decode of the same files (io::decode): within the IDCT/upsampling differences of two decoders
/// (max abs <= 8 levels, mean abs < 1), on both nvJPEG backends (the hardware JPEG engines when
/// the GPU has them, and the CUDA decoder); EXIF orientation; corrupt and unsupported input give
/// imagecuda::Error and leave the decoder usable; decoding again allocates nothing.
#include <imagecuda/io_nvjpeg.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "helpers.hpp"

using namespace imagecuda;

namespace {

const Device gpu = Device::cuda(0);
const Device cpu = Device::cpu();
using Bytes = std::vector<std::byte>;

Bytes read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  Bytes b(c.size());
  if (!c.empty()) std::memcpy(b.data(), c.data(), c.size());
  return b;
}

/// examples/data/photo.jpg (1600x1067, the bundled photo), found from the test data folder.
Bytes photo_jpg() {
  Bytes b = read_file(test::data_dir() + "/../../examples/data/photo.jpg");
  if (b.empty()) b = read_file("examples/data/photo.jpg");
  REQUIRE(b.size() > 1000);
  return b;
}

/// A photo-like w x h picture (smooth colour gradients, a disc with a 3 px soft edge, monochrome
/// grain) as a JPEG from the TurboJPEG encoder: quality > 90 writes 4:4:4 chroma, else 4:2:0
/// (codec::jpeg_encode).
Bytes make_jpeg(int w, int h, int quality) {
  std::vector<uchar4> px(std::size_t(w) * h);
  std::uint32_t state = 12345u + std::uint32_t(w * 31 + h);
  const float r2 = float(std::min(w, h)) * 0.35f;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      state = state * 1664525u + 1013904223u;
      const float grain = float(int(state >> 28) - 8) * 0.75f;
      const float fx = float(x) / float(std::max(1, w - 1)), fy = float(y) / float(std::max(1, h - 1));
      const float dx = float(x) - 0.5f * float(w), dy = float(y) - 0.5f * float(h);
      const float disc = std::clamp((r2 - std::sqrt(dx * dx + dy * dy)) / 3.f + 0.5f, 0.f, 1.f);
      const float r = 40.f + 180.f * fx, g = 60.f + 120.f * fy, b = 200.f - 120.f * fx * fy;
      auto c = [&](float base, float on) {
        return static_cast<unsigned char>(std::clamp(base + (on - base) * disc + grain + 0.5f, 0.f, 255.f));
      };
      px[std::size_t(y) * w + x] = uchar4{c(r, 235.f), c(g, 170.f), c(b, 60.f), 255};
    }
  ImageU8 img = test::make_u8(w, h, px, cpu);
  return io::encode(img, io::Format::jpeg, {.quality = quality});
}

struct Diff {
  int max = 0;
  double mean = 0;
  double over8 = 0;  // fraction of channel values that differ by more than 8 levels
  bool alpha_ok = true;
};

Diff compare(const std::vector<uchar4>& g, const std::vector<uchar4>& c) {
  REQUIRE(g.size() == c.size());
  Diff d;
  double sum = 0;
  std::size_t over8 = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const int dx = std::abs(int(g[i].x) - int(c[i].x)), dy = std::abs(int(g[i].y) - int(c[i].y)),
              dz = std::abs(int(g[i].z) - int(c[i].z));
    d.max = std::max({d.max, dx, dy, dz});
    sum += dx + dy + dz;
    over8 += std::size_t(dx > 8) + std::size_t(dy > 8) + std::size_t(dz > 8);
    d.alpha_ok = d.alpha_ok && g[i].w == 255 && c[i].w == 255;
  }
  d.mean = g.empty() ? 0 : sum / (3.0 * double(g.size()));
  d.over8 = g.empty() ? 0 : double(over8) / (3.0 * double(g.size()));
  return d;
}

/// The TurboJPEG decode (io::decode, EXIF orientation applied) as tightly packed RGBA.
std::vector<uchar4> cpu_decode(const Bytes& f) {
  const io::ImageInfo info = io::probe(f);
  std::vector<uchar4> v(std::size_t(info.width) * info.height);
  (void)io::decode(f, v);
  return v;
}

struct Named {
  std::string name;
  Bytes bytes;
  bool chroma_444 = false;  // full-resolution chroma: only the IDCTs differ
};

/// The agreement we require. The two decoders' IDCTs differ by a few levels; with 4:2:0 chroma
/// their upsampling filters also differ where the chroma changes sharply (a few pixels of an
/// edge), so there the bound is on how many values differ by more than 8 levels, not the largest.
void check_close(const Diff& d, bool chroma_444) {
  CHECK(d.alpha_ok);
  CHECK(d.mean < 1.0);
  if (chroma_444)
    CHECK(d.max <= 8);
  else
    CHECK(d.over8 < 0.005);
}

std::vector<Named> test_files() {
  return {{"photo.jpg 1600x1067 4:2:0", photo_jpg(), false},
          {"37x23 q95 4:4:4", make_jpeg(37, 23, 95), true},
          {"37x23 q80 4:2:0", make_jpeg(37, 23, 80), false},
          {"641x479 q90 4:2:0", make_jpeg(641, 479, 90), false},
          {"641x479 q95 4:4:4", make_jpeg(641, 479, 95), true},
          {"37x23 q80 4:2:0 EXIF 6", test::jpeg_with_orientation(make_jpeg(37, 23, 80), 6), false},
          {"33x17 q95 4:4:4 EXIF 3", test::jpeg_with_orientation(make_jpeg(33, 17, 95), 3), true},
          {"33x17 q95 4:4:4 EXIF 8", test::jpeg_with_orientation(make_jpeg(33, 17, 95), 8), true}};
}

}  // namespace

TEST_CASE("gpu: GpuJpegDecoder equals the TurboJPEG decode within IDCT differences", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  REQUIRE(io::GpuJpegDecoder::available(gpu));
  CHECK_FALSE(io::GpuJpegDecoder::available(cpu));
  const auto files = test_files();
  OwningStream stream;
  for (const bool allow_hardware : {true, false}) {
    io::GpuJpegDecoder dec(gpu, allow_hardware);
    CHECK(dec.device() == gpu);
    if (!allow_hardware) CHECK_FALSE(dec.hardware());
    const char* backend = dec.hardware() ? "hardware" : "CUDA (default backend)";
    std::printf("nvjpeg: %s\n", dec.description().c_str());
    for (const auto& f : files) {
      INFO(f.name << ", backend " << backend);
      const io::ImageInfo gi = dec.info(f.bytes);
      const io::ImageInfo ci = io::probe(f.bytes);
      CHECK(gi.width == ci.width);
      CHECK(gi.height == ci.height);
      CHECK(gi.orientation == ci.orientation);
      CHECK(gi.channels == 3);
      ImageU8 dst(gi.width + 3, gi.height + 2, gpu, stream);  // larger capacity: logical size is set
      dec.decode(f.bytes, dst, {}, {stream});
      CHECK(dst.width() == gi.width);
      CHECK(dst.height() == gi.height);
      const auto g = io::download(dst, {stream});
      const Diff d = compare(g, cpu_decode(f.bytes));
      std::printf("nvjpeg: %-28s %-22s max abs diff %d, mean abs diff %.4f, values off by > 8: %.4f%%\n",
                  f.name.c_str(), backend, d.max, d.mean, 100.0 * d.over8);
      check_close(d, f.chroma_444);
    }
    // autorotate off: the stored orientation, like io::decode with autorotate = false.
    const Bytes rotated = test::jpeg_with_orientation(make_jpeg(37, 23, 80), 6);
    ImageU8 dst(37, 23, gpu, stream);
    dec.decode(rotated, dst, {.autorotate = false}, {stream});
    CHECK(dst.width() == 37);
    CHECK(dst.height() == 23);
    std::vector<uchar4> c(37 * 23);
    (void)io::decode(rotated, c, {.autorotate = false});
    check_close(compare(io::download(dst, {stream}), c), false);
  }
}

// The default (CUDA) backend alone, under its own tag: compute-sanitizer's initcheck cannot see
// writes of the hardware JPEG engines, so on the hardware backend it reports every read of the
// decoded planes (in nvJPEG's colour conversion, then in ours); here every write is a kernel's.
// tools/diag/final.sh runs initcheck on "[nvjpeg-cuda]".
TEST_CASE("gpu: GpuJpegDecoder on the CUDA backend, every file and orientation", "[gpu][nvjpeg][nvjpeg-cuda]") {
  REQUIRE(test::has_gpu());
  OwningStream stream;
  io::GpuJpegDecoder dec(gpu, false);
  REQUIRE_FALSE(dec.hardware());
  for (const auto& f : test_files()) {
    INFO(f.name);
    const io::ImageInfo gi = dec.info(f.bytes);
    ImageU8 dst(gi.width, gi.height, gpu, stream);
    dec.decode(f.bytes, dst, {}, {stream});
    check_close(compare(io::download(dst, {stream}), cpu_decode(f.bytes)), f.chroma_444);
  }
}

TEST_CASE("gpu: GpuJpegDecoder into a view, and across streams", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  const Bytes f = make_jpeg(64, 40, 90);
  const auto want = cpu_decode(f);
  OwningStream s1, s2;
  io::GpuJpegDecoder dec(gpu);
  // A crop of a larger image: the view's pitch is the parent's.
  ImageU8 big(100, 60, gpu, s1);
  io::upload(big, std::vector<uchar4>(100 * 60, uchar4{0, 0, 0, 0}), {s1});
  dec.decode(f, big.crop_view(10, 5, 64, 40), {}, {s1});
  const auto all = io::download(big, {s1});
  std::vector<uchar4> crop(64 * 40);
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 64; ++x) crop[std::size_t(y) * 64 + x] = all[std::size_t(y + 5) * 100 + x + 10];
  check_close(compare(crop, want), false);
  CHECK(all[0].w == 0);  // outside the crop: untouched
  // Two decodes on two streams, back to back, without a host wait in between.
  ImageU8 a(64, 40, gpu, s1), b(64, 40, gpu, s2);
  dec.decode(f, a, {}, {s1});
  dec.decode(f, b, {}, {s2});
  CHECK(compare(io::download(a, {s1}), io::download(b, {s2})).max == 0);
  // A view of the wrong size.
  ImageU8 wrong(63, 40, gpu, s1);
  REQUIRE_IMAGECUDA_ERROR(dec.decode(f, wrong.view(), {}, {s1}), ErrorCode::invalid_argument, "dst is 63x40");
}

TEST_CASE("gpu: GpuJpegDecoder rejects corrupt and unsupported input with imagecuda::Error", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  const Bytes good = photo_jpg();
  OwningStream stream;
  io::GpuJpegDecoder dec(gpu);
  ImageU8 dst(1600, 1067, gpu, stream);
  const auto want = cpu_decode(good);

  REQUIRE_IMAGECUDA_ERROR(dec.decode(Bytes{}, dst, {}, {stream}), ErrorCode::decode, "io::GpuJpegDecoder::decode");
  // A PNG is valid, but not for this decoder.
  const Bytes png = io::encode(test::make_u8(8, 8, test::random_u8(8, 8, 3), cpu), io::Format::png);
  REQUIRE_IMAGECUDA_ERROR(dec.decode(png, dst, {}, {stream}), ErrorCode::unsupported, "JPEG only");
  // SOI then garbage: the header parse fails.
  Bytes garbage(4096);
  std::uint32_t st = 7;
  for (auto& b : garbage) {
    st = st * 1664525u + 1013904223u;
    b = std::byte(st >> 24);
  }
  garbage[0] = std::byte{0xFF};  // SOI, then a marker (APP13 with this seed), then noise
  garbage[1] = std::byte{0xD8};
  garbage[2] = std::byte{0xFF};
  REQUIRE_IMAGECUDA_ERROR(dec.decode(garbage, dst, {}, {stream}), ErrorCode::decode, "io::GpuJpegDecoder::decode");
  // Truncated in the header, and in the scan (no end-of-image marker).
  REQUIRE_IMAGECUDA_ERROR(dec.decode(std::span(good).first(300), dst, {}, {stream}), ErrorCode::decode, "JPEG");
  REQUIRE_IMAGECUDA_ERROR(dec.decode(std::span(good).first(good.size() * 6 / 10), dst, {}, {stream}),
                          ErrorCode::decode, "truncated");
  // Size limit, as io::load.
  REQUIRE_IMAGECUDA_ERROR(dec.decode(good, dst, {.max_pixels = 1000}, {stream}), ErrorCode::decode, "max_pixels");
  // Destination checks: too small (dst keeps its size), on another device.
  ImageU8 small(100, 100, gpu, stream);
  REQUIRE_IMAGECUDA_ERROR(dec.decode(good, small, {}, {stream}), ErrorCode::invalid_argument, "too small");
  CHECK(small.width() == 100);
  ImageU8 on_cpu(1600, 1067, cpu);
  REQUIRE_IMAGECUDA_ERROR(dec.decode(good, on_cpu, {}, {stream}), ErrorCode::device_mismatch, "decoder");
  REQUIRE_IMAGECUDA_ERROR(io::GpuJpegDecoder(cpu), ErrorCode::invalid_argument, "CUDA device");

  // Damaged entropy-coded data (bytes overwritten in the middle of the scan, markers intact):
  // either an Error or some pixels, never a crash; the decoder stays usable afterwards.
  Bytes damaged = good;
  for (std::size_t i = damaged.size() / 2; i < damaged.size() / 2 + 64; ++i) damaged[i] = std::byte{0x5A};
  try {
    dec.decode(damaged, dst, {}, {stream});
    stream.synchronize();
    std::printf("nvjpeg: damaged scan data decoded without an error (pixels not checked)\n");
  } catch (const Error& e) {
    std::printf("nvjpeg: damaged scan data: %s\n", e.what());
    CHECK(std::string(e.what()).find("io::GpuJpegDecoder::decode") != std::string::npos);
  }
  dec.decode(good, dst, {}, {stream});
  check_close(compare(io::download(dst, {stream}), want), false);

  // A moved-from decoder says so.
  io::GpuJpegDecoder moved = std::move(dec);
  REQUIRE_IMAGECUDA_ERROR(dec.decode(good, dst, {}, {stream}), ErrorCode::invalid_argument, "moved from");  // NOLINT
  moved.decode(good, dst, {}, {stream});
  stream.synchronize();
}

TEST_CASE("gpu: GpuJpegDecoder allocates nothing once warm", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  const auto files = test_files();
  OwningStream stream;
  for (const bool allow_hardware : {true, false}) {
    io::GpuJpegDecoder dec(gpu, allow_hardware);
    INFO("hardware " << dec.hardware());
    ImageU8 dst(1700, 1700, gpu, stream);
    for (const auto& f : files) dec.decode(f.bytes, dst, {}, {stream});  // warm-up: buffers grow
    stream.synchronize();
    const MemoryStats m0 = memory_stats(gpu);
    const io::GpuJpegAllocations a0 = dec.nvjpeg_allocations();
    for (int round = 0; round < 2; ++round)
      for (const auto& f : files) dec.decode(f.bytes, dst, {}, {stream});
    stream.synchronize();
    const MemoryStats m1 = memory_stats(gpu);
    const io::GpuJpegAllocations a1 = dec.nvjpeg_allocations();
    std::printf("nvjpeg: %s backend: nvJPEG device allocations %llu (%zu bytes held), pinned %llu (%zu bytes held)\n",
                dec.hardware() ? "hardware" : "CUDA", (unsigned long long)a1.device, a1.device_bytes,
                (unsigned long long)a1.pinned, a1.pinned_bytes);
    CHECK(m1.allocations == m0.allocations);
    CHECK(a1.device == a0.device);
    CHECK(a1.pinned == a0.pinned);
  }
}

TEST_CASE("gpu: GpuJpegDecoder, the docs/io.md example", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  const Bytes jpeg_bytes = photo_jpg();
  OwningStream stream;
  ImageF32 photo_f32(1920, 1280, gpu, stream);
  // example-begin nvjpeg-decode
  io::GpuJpegDecoder dec(Device::cuda(0));         // nvJPEG handle, decode state, scratch
  ImageU8 photo(1920, 1280, Device::cuda(0), stream);
  dec.decode(jpeg_bytes, photo, {}, {stream});     // async on stream; photo becomes the file's size
  io::convert(photo.view(), photo_f32, {stream});  // f32 (v/255), as io::load gives
  // example-end
  CHECK(photo.width() == 1600);
  CHECK(photo.height() == 1067);
  CHECK(photo_f32.width() == 1600);
  const auto f = io::download(photo_f32, {stream});
  const ImageF32 ref = io::load(jpeg_bytes, {.device = cpu});
  const auto r = io::download(ref);
  REQUIRE(f.size() == r.size());
  double sum = 0;
  for (std::size_t i = 0; i < f.size(); ++i) sum += std::abs(f[i].x - r[i].x) + std::abs(f[i].y - r[i].y) + std::abs(f[i].z - r[i].z);
  CHECK(sum / (3.0 * double(f.size())) < 1.0 / 255.0);  // mean below one level
}

TEST_CASE("gpu: GpuJpegDecoder timing of the bundled photo (printed, not checked)", "[gpu][nvjpeg]") {
  REQUIRE(test::has_gpu());
  const Bytes f = photo_jpg();
  OwningStream stream;
  using Clock = std::chrono::steady_clock;
  const auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  constexpr int n = 20;
  for (const bool allow_hardware : {true, false}) {
    io::GpuJpegDecoder dec(gpu, allow_hardware);
    ImageU8 dst(1600, 1067, gpu, stream);
    dec.decode(f, dst, {}, {stream});  // warm-up
    stream.synchronize();
    Clock::duration host{};
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      const auto c0 = Clock::now();
      dec.decode(f, dst, {}, {stream});
      host += Clock::now() - c0;
    }
    stream.synchronize();
    const double total = ms(Clock::now() - t0) / n;
    std::printf("nvjpeg: photo.jpg 1600x1067, %s backend: %.3f ms per decode back to back (%.3f ms of it in the "
                "decode call on the host)\n",
                dec.hardware() ? "hardware" : "default", total, ms(host) / n);
    CHECK(dst.width() == 1600);
  }
  std::vector<uchar4> host_px(1600 * 1067);
  (void)io::decode(f, host_px);
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) (void)io::decode(f, host_px);
  std::printf("nvjpeg: photo.jpg 1600x1067, TurboJPEG io::decode on one host thread: %.3f ms per decode\n",
              ms(Clock::now() - t0) / n);
}

// -------------------------------------------------------------------------------------------------
// io::GpuJpegEncoder: its files, decoded by TurboJPEG, against io::encode's (TurboJPEG) files.
// -------------------------------------------------------------------------------------------------
namespace {

/// The bundled photo with a soft alpha ramp over its left quarter (alpha 0 at the very left):
/// exercises the composite over white.
std::vector<uchar4> photo_with_alpha(int& w, int& h) {
  const Bytes f = photo_jpg();
  const io::ImageInfo info = io::probe(f);
  w = info.width;
  h = info.height;
  std::vector<uchar4> v = cpu_decode(f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w / 4; ++x) v[std::size_t(y) * w + x].w = static_cast<unsigned char>(255 * x / (w / 4));
  return v;
}

double psnr(const std::vector<uchar4>& a, const std::vector<uchar4>& b) {
  double se = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double dx = int(a[i].x) - int(b[i].x), dy = int(a[i].y) - int(b[i].y), dz = int(a[i].z) - int(b[i].z);
    se += dx * dx + dy * dy + dz * dz;
  }
  return 10.0 * std::log10(255.0 * 255.0 / std::max(1e-12, se / (3.0 * double(a.size()))));
}

/// The source composited over white (what both encoders are given to compress).
std::vector<uchar4> over_white_ref(std::vector<uchar4> v) {
  for (auto& p : v) {
    const unsigned a = p.w;
    auto c = [&](unsigned char ch) { return static_cast<unsigned char>((ch * a + 255u * (255u - a) + 127u) / 255u); };
    p = uchar4{c(p.x), c(p.y), c(p.z), 255};
  }
  return v;
}

}  // namespace

TEST_CASE("gpu: GpuJpegEncoder files decode within JPEG differences of io::encode's", "[gpu][nvjpeg][nvjpeg-encode]") {
  REQUIRE(test::has_gpu());
  REQUIRE(io::GpuJpegEncoder::available(gpu));
  CHECK_FALSE(io::GpuJpegEncoder::available(cpu));
  int w = 0, h = 0;
  const std::vector<uchar4> src = photo_with_alpha(w, h);
  const std::vector<uchar4> ref = over_white_ref(src);
  OwningStream stream;
  io::GpuJpegEncoder enc(gpu);
  CHECK(enc.device() == gpu);
  std::printf("nvjpeg: %s\n", enc.description().c_str());
  // Whole photo, odd sizes (crop views: pitch wider than the row, MCU-partial edges).
  struct Case {
    int x, y, w, h;
  };
  const Case cases[] = {{0, 0, w, h}, {3, 5, 641, 479}, {100, 200, 37, 23}, {0, 0, 1, 1}};
  ImageU8 host = test::make_u8(w, h, src, cpu);
  ImageU8 dev = test::make_u8(w, h, src, gpu);
  synchronize(Stream{});  // the upload ran on the default stream; the encodes run on `stream`
  for (const Case& c : cases) {
    for (const int q : {50, 80, 90, 95}) {
      INFO(c.w << "x" << c.h << " at (" << c.x << "," << c.y << ") quality " << q);
      const Bytes g = enc.encode(dev.crop_view(c.x, c.y, c.w, c.h), {.quality = q}, {stream});
      const Bytes t = io::encode(host.crop_view(c.x, c.y, c.w, c.h), io::Format::jpeg, {.quality = q});
      const io::ImageInfo gi = io::probe(g);
      CHECK(gi.format == io::Format::jpeg);
      CHECK(gi.width == c.w);
      CHECK(gi.height == c.h);
      CHECK(gi.channels == 3);
      const auto gd = cpu_decode(g), td = cpu_decode(t);
      std::vector<uchar4> r(std::size_t(c.w) * c.h);
      for (int y = 0; y < c.h; ++y)
        for (int x = 0; x < c.w; ++x) r[std::size_t(y) * c.w + x] = ref[std::size_t(c.y + y) * w + c.x + x];
      const Diff d = compare(gd, td);
      CHECK(d.alpha_ok);
      if (c.w * c.h >= 64 * 64) {
        // Same quantisation tables and chroma sampling: the two files decode alike (measured
        // on the H100: see docs/io.md), and as close to the source as TurboJPEG's.
        CHECK(d.mean < 1.5);
        CHECK(psnr(gd, r) > psnr(td, r) - 1.0);
        CHECK(double(g.size()) > 0.75 * double(t.size()));
        CHECK(double(g.size()) < 1.33 * double(t.size()));
        std::printf("nvjpeg-encode: %dx%d q%d: %zu bytes (TurboJPEG %zu), PSNR %.2f dB (TurboJPEG %.2f), vs TurboJPEG's "
                    "decode max %d mean %.3f\n",
                    c.w, c.h, q, g.size(), t.size(), psnr(gd, r), psnr(td, r), d.max, d.mean);
      } else {
        // A few pixels: one coefficient rounded to the neighbouring step moves a block visibly.
        CHECK(d.mean < 4.0);
        CHECK(d.max <= 64);
      }
    }
  }
  // Alpha 0 is white, alpha 255 unchanged (up to the JPEG round trip).
  const auto gd = cpu_decode(enc.encode(dev.crop_view(0, h / 2 - 8, 16, 16), {.quality = 95}, {stream}));
  for (const uchar4& p : std::span(gd).first(4)) CHECK(std::min({p.x, p.y, p.z}) >= 245);
}

TEST_CASE("gpu: GpuJpegEncoder errors, moved-from, allocates nothing once warm", "[gpu][nvjpeg][nvjpeg-encode]") {
  REQUIRE(test::has_gpu());
  OwningStream stream;
  io::GpuJpegEncoder enc(gpu);
  const std::vector<uchar4> px = test::random_u8(640, 360, 5);
  ImageU8 img = test::make_u8(640, 360, px, gpu);
  ImageU8 on_cpu = test::make_u8(640, 360, px, cpu);
  synchronize(Stream{});  // the upload ran on the default stream; the encodes run on `stream`
  REQUIRE_IMAGECUDA_ERROR(enc.encode(img.view(), {.quality = 0}, {stream}), ErrorCode::invalid_argument,
                          "quality must be 1..100, got 0");
  REQUIRE_IMAGECUDA_ERROR(enc.encode(img.view(), {.quality = 101}, {stream}), ErrorCode::invalid_argument,
                          "got 101");
  REQUIRE_IMAGECUDA_ERROR(enc.encode(img.view(), {.bit_depth = 16}, {stream}), ErrorCode::unsupported, "8-bit only");
  REQUIRE_IMAGECUDA_ERROR(enc.encode(img.view(), {.bit_depth = 12}, {stream}), ErrorCode::invalid_argument,
                          "bit_depth must be 8 or 16, got 12");
  REQUIRE_IMAGECUDA_ERROR(enc.encode(on_cpu.view(), {}, {stream}), ErrorCode::device_mismatch, "img is on cpu");
  REQUIRE_IMAGECUDA_ERROR(io::GpuJpegEncoder{cpu}, ErrorCode::invalid_argument, "must be a CUDA device");
  // Still usable, and the image untouched.
  const auto back = io::download(img, {stream});
  CHECK(std::memcmp(back.data(), px.data(), px.size() * sizeof(uchar4)) == 0);
  Bytes out;
  enc.encode(img.view(), out, {.quality = 90}, {stream});
  REQUIRE(io::probe(out).width == 640);
  // Warm: the same size again (and a smaller one, and the other chroma sampling) allocates
  // nothing, on imagecuda's allocator or through nvJPEG.
  enc.encode(img.crop_view(0, 0, 320, 200), out, {.quality = 95}, {stream});
  enc.encode(img.view(), out, {.quality = 95}, {stream});
  const MemoryStats m0 = memory_stats(gpu);
  const io::GpuJpegAllocations a0 = enc.nvjpeg_allocations();
  for (int q : {90, 95, 75, 95})
    for (int i = 0; i < 3; ++i) enc.encode(img.view(), out, {.quality = q}, {stream});
  enc.encode(img.crop_view(10, 10, 300, 100), out, {.quality = 80}, {stream});
  CHECK(memory_stats(gpu).allocations == m0.allocations);
  CHECK(enc.nvjpeg_allocations().device == a0.device);
  CHECK(enc.nvjpeg_allocations().pinned == a0.pinned);
  io::GpuJpegEncoder moved = std::move(enc);
  REQUIRE_IMAGECUDA_ERROR(enc.encode(img.view(), out, {}, {stream}), ErrorCode::invalid_argument, "moved from");
  CHECK_FALSE(moved.encode(img.view(), {}, {stream}).empty());
}

TEST_CASE("gpu: GpuJpegEncoder, the docs/io.md example", "[gpu][nvjpeg][nvjpeg-encode]") {
  REQUIRE(test::has_gpu());
  OwningStream stream;
  ImageF32 card(1200, 630, gpu, stream);
  fill::gradient(card, {0.1f, 0.2f, 0.5f, 1.f}, {0.9f, 0.6f, 0.2f, 1.f}, {}, {stream});
  // example-begin nvjpeg-encode
  io::GpuJpegEncoder enc(Device::cuda(0));        // nvJPEG handle, encoder state, scratch
  ImageU8 card8(1200, 630, Device::cuda(0), stream);
  std::vector<std::byte> jpeg;                    // reused: its capacity stays
  io::convert(card.view(), card8, {stream});      // f32 -> 8 bits on the device
  enc.encode(card8.view(), jpeg, {.quality = 90}, {stream});  // waits for stream; jpeg holds the file
  // example-end
  const io::ImageInfo info = io::probe(jpeg);
  CHECK(info.width == 1200);
  CHECK(info.height == 630);
  const auto got = cpu_decode(jpeg);
  const auto want = io::download(card8, {stream});
  CHECK(compare(got, want).mean < 1.0);
}
