// SPDX-License-Identifier: MIT
/// @file bench_io.cpp  io file rows: load and save of a 4K PNG and JPEG (images per second), and
/// decode-only / encode-only rows on the host that show what the codecs themselves cost.
#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "harness.hpp"
#if defined(IMAGECUDA_HAS_NVJPEG)
#include <imagecuda/io_nvjpeg.hpp>
#endif

namespace {
using namespace imagecuda;

/// A photo-like 4K picture: smooth gradients and waves plus a little grain, so that PNG and
/// JPEG compress it the way they compress real content (neither flat nor pure noise).
std::vector<uchar4> photo_like(int w, int h) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> grain(-3, 3);
  std::vector<uchar4> px(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float fx = float(x) / float(w), fy = float(y) / float(h);
      const float r = 0.5f + 0.4f * std::sin(9.f * fx + 3.f * fy);
      const float g = 0.5f + 0.4f * std::cos(5.f * fy - 4.f * fx * fy);
      const float b = 0.3f + 0.6f * fx * (1.f - fy);
      auto q = [&](float v) {
        const int i = int(v * 255.f) + grain(rng);
        return static_cast<unsigned char>(i < 0 ? 0 : i > 255 ? 255 : i);
      };
      px[std::size_t(y) * w + x] = uchar4{q(r), q(g), q(b), 255};
    }
  return px;
}

void io_cases(std::vector<bench::Case>& cases) {
  const int w = bench::w4k, h = bench::h4k;
  const Device gpu = Device::cuda(0), cpu = Device::cpu();
  const auto px = photo_like(w, h);

  auto host_u8 = std::make_shared<ImageU8>(w, h, cpu);
  io::upload(*host_u8, std::span<const uchar4>(px));
  auto src = std::make_shared<ImageF32>(w, h, gpu);  // the f32 working image on the GPU
  {
    ImageU8 staged(w, h, gpu);
    io::upload(staged, std::span<const uchar4>(px));
    io::convert(staged, *src);
    synchronize();
  }
  auto png = std::make_shared<std::vector<std::byte>>(io::encode(*host_u8, io::Format::png));
  auto jpg = std::make_shared<std::vector<std::byte>>(io::encode(*host_u8, io::Format::jpeg));
  auto png16 =
      std::make_shared<std::vector<std::byte>>(io::encode(*host_u8, io::Format::png, {.bit_depth = 16}));

  // Destinations and a workspace reused by every run: the steady state of a server.
  auto dst = std::make_shared<ImageF32>(w, h, gpu);
  auto dst_host = std::make_shared<ImageU8>(w, h, cpu);
  auto ws = std::make_shared<Workspace>(max(io::load_requirements(w, h), io::save_requirements(w, h)), gpu);
  const auto dir = std::filesystem::temp_directory_path();
  const auto png_path = std::make_shared<std::filesystem::path>(dir / "imagecuda_bench_io.png");
  const auto jpg_path = std::make_shared<std::filesystem::path>(dir / "imagecuda_bench_io.jpg");

  auto add = [&](std::string name, std::function<void(Stream)> run) {
    bench::Case c{"io", std::move(name), 0, std::move(run)};
    c.host_timed = true;
    c.items = 1;  // images per second
    cases.push_back(std::move(c));
  };
  const std::string png_mb = fmt::format("{:.1f} MB", double(png->size()) / 1e6);
  const std::string jpg_mb = fmt::format("{:.1f} MB", double(jpg->size()) / 1e6);

  // End to end on the GPU: host decode, upload, u8 -> f32 on the device (load); f32 -> u8 on the
  // device, download, host encode (+ file write for save).
  add(fmt::format("load PNG 4K ({}) -> f32 on cuda:0", png_mb), [png, dst, ws](Stream s) {
    io::load(*png, *dst, {.device = Device::cuda(0)}, Exec{s, ws.get()});
    s.synchronize();
  });
  add(fmt::format("load JPEG 4K q95 ({}) -> f32 on cuda:0", jpg_mb), [jpg, dst, ws](Stream s) {
    io::load(*jpg, *dst, {.device = Device::cuda(0)}, Exec{s, ws.get()});
    s.synchronize();
  });
  add("load PNG 4K 16-bit -> f32 on cuda:0", [png16, dst, ws](Stream s) {
    io::load(*png16, *dst, {.device = Device::cuda(0)}, Exec{s, ws.get()});
    s.synchronize();
  });
  add("save PNG 4K from f32 on cuda:0 (file)", [src, ws, png_path](Stream s) {
    io::save(*src, *png_path, {}, Exec{s, ws.get()});
  });
  add("save JPEG 4K q95 from f32 on cuda:0 (file)", [src, ws, jpg_path](Stream s) {
    io::save(*src, *jpg_path, {}, Exec{s, ws.get()});
  });
  add("encode PNG 4K 16-bit from f32 on cuda:0 (memory)", [src, ws](Stream s) {
    (void)io::encode(*src, io::Format::png, {.bit_depth = 16}, Exec{s, ws.get()});
  });

  // The codecs alone, on the host (decode into / encode from a CPU ImageU8).
  add("decode-only PNG 4K (host, libspng)", [png, dst_host](Stream) {
    io::load(*png, *dst_host, {.device = Device::cpu()});
  });
  add("decode-only JPEG 4K (host, TurboJPEG)", [jpg, dst_host](Stream) {
    io::load(*jpg, *dst_host, {.device = Device::cpu()});
  });
  add("encode-only PNG 4K (host, level 2)", [host_u8](Stream) {
    (void)io::encode(*host_u8, io::Format::png);
  });
  // The social-card pipeline's size (1200x630, photo-like, opaque: written as RGB) at the levels
  // docs/io.md tabulates: 1 (the pipeline's), 2 (the default) and 6; one thread.
  auto card = std::make_shared<ImageU8>(1200, 630, cpu);
  io::upload(*card, std::span<const uchar4>(photo_like(1200, 630)));
  for (int level : {1, 2, 6}) {
    const auto bytes = io::encode(*card, io::Format::png, {.png_compression = level});
    add(fmt::format("encode-only PNG 1200x630 card-like (host, level {}, {:.0f} KiB)", level,
                    double(bytes.size()) / 1024.0),
        [card, level](Stream) { (void)io::encode(*card, io::Format::png, {.png_compression = level}); });
  }
  // PngDeflate::parallel: the same card on the CPU backend (the host runs the kernels' code),
  // then on the GPU from an RGBA8 image to the file's bytes on the host (workspace warm).
  const io::SaveParams par{.png_deflate = io::PngDeflate::parallel};
  const double par_kib = double(io::encode(*card, io::Format::png, par).size()) / 1024.0;
  add(fmt::format("encode-only PNG 1200x630 card-like (CPU backend, PngDeflate::parallel, {:.0f} KiB)", par_kib),
      [card, par](Stream) { (void)io::encode(*card, io::Format::png, par); });
  {
    auto card_dev = std::make_shared<ImageU8>(1200, 630, gpu);
    io::upload(*card_dev, std::span<const uchar4>(photo_like(1200, 630)));
    auto big_dev = std::make_shared<ImageU8>(w, h, gpu);
    io::upload(*big_dev, std::span<const uchar4>(px));
    auto pws = std::make_shared<Workspace>(io::save_requirements(w, h, par), gpu);
    synchronize();
    add(fmt::format("encode PNG 1200x630 card-like on cuda:0 (PngDeflate::parallel, to host bytes, {:.0f} KiB)",
                    par_kib),
        [card_dev, pws, par](Stream s) { (void)io::encode(*card_dev, io::Format::png, par, Exec{s, pws.get()}); });
    add(fmt::format("encode PNG 4K on cuda:0 (PngDeflate::parallel, to host bytes, {:.1f} MB)",
                    double(io::encode(*host_u8, io::Format::png, par).size()) / 1e6),
        [big_dev, pws, par](Stream s) { (void)io::encode(*big_dev, io::Format::png, par, Exec{s, pws.get()}); });
  }
  add("encode-only JPEG 4K q95 (host, TurboJPEG)", [host_u8](Stream) {
    (void)io::encode(*host_u8, io::Format::jpeg);
  });
  add("encode-only JPEG 1200x630 card-like q90 (host, TurboJPEG)", [card](Stream) {
    (void)io::encode(*card, io::Format::jpeg, {.quality = 90});
  });
#if defined(IMAGECUDA_HAS_NVJPEG)
  // The same files' work on the GPU: from an RGBA8 image on the device to the bytes on the host
  // (io::GpuJpegEncoder waits for its stream; one encoder, its scratch warm).
  auto encoder = std::make_shared<io::GpuJpegEncoder>(gpu);
  auto out = std::make_shared<std::vector<std::byte>>();
  auto card_gpu = std::make_shared<ImageU8>(1200, 630, gpu);
  io::upload(*card_gpu, std::span<const uchar4>(photo_like(1200, 630)));
  auto u8_gpu = std::make_shared<ImageU8>(w, h, gpu);
  io::upload(*u8_gpu, std::span<const uchar4>(px));
  synchronize();
  add("encode JPEG 1200x630 card-like q90 on cuda:0 (io::GpuJpegEncoder, to host bytes)",
      [encoder, out, card_gpu](Stream s) { encoder->encode(card_gpu->view(), *out, {.quality = 90}, {s}); });
  add("encode JPEG 4K q95 on cuda:0 (io::GpuJpegEncoder, to host bytes)",
      [encoder, out, u8_gpu](Stream s) { encoder->encode(u8_gpu->view(), *out, {.quality = 95}, {s}); });
#endif
}
IMAGECUDA_BENCH("io", io_cases);
}  // namespace
