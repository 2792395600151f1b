// SPDX-License-Identifier: MIT
/// io PNG writer (src/io/png_write.cpp, libdeflate): exact round trips through imagecuda's
/// libspng reader and through an independent reader (stb_image) for odd sizes, every
/// png_compression level, opaque (RGB) and translucent (RGBA) pictures, 8 and 16 bits; the file
/// layout (signature, IHDR, IDAT chunks of at most 1 MiB, IEND, every CRC); and the vectorised
/// Paeth filter against the specification's predictor for all 2^24 inputs. And PngDeflate::parallel
/// (src/io/png_parallel.cpp) on the CPU backend: round trips, its zlib stream's header, Adler-32
/// and filtered rows, the stored fallback, the sizes, and its errors (tests/gpu_io.cpp checks that
/// the CUDA kernels write the same bytes).
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../src/io/codec.hpp"  // png_filter_paeth (the library exports it for this test)
#include "helpers.hpp"

using namespace imagecuda;

namespace {

const Device cpu = Device::cpu();

/// Random pixels; `kind` 0: opaque noise, 1: noise with random alpha, 2: smooth gradients with a
/// little noise and a varying alpha (long matches for deflate, every filter worth something).
std::vector<uchar4> make_pixels(int w, int h, int kind, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uchar4> px(std::size_t(w) * std::size_t(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uchar4& p = px[std::size_t(y) * std::size_t(w) + std::size_t(x)];
      const auto r = [&] { return static_cast<unsigned char>(rng() & 0xFFu); };
      if (kind == 3) {  // flat with a few specks: runs longer than a match, across segments
        const bool speck = (rng() % 997u) == 0;
        p = uchar4{static_cast<unsigned char>(speck ? 7 : 200), 120, static_cast<unsigned char>(y < h / 2 ? 40 : 41),
                   255};
      } else if (kind == 2) {
        const int n = int(rng() % 5u) - 2;
        p = uchar4{static_cast<unsigned char>((x * 3 + n) & 0xFF), static_cast<unsigned char>((y * 5 + x) & 0xFF),
                   static_cast<unsigned char>((x * y / 7) & 0xFF), static_cast<unsigned char>(255 - (x + y) % 256)};
      } else {
        p = uchar4{r(), r(), r(), kind == 1 ? r() : static_cast<unsigned char>(255)};
      }
    }
  return px;
}

std::uint32_t be32(const unsigned char* p) {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

std::uint32_t crc32_ref(const unsigned char* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}

struct Chunk {
  std::string type;
  std::size_t offset;  // of the data
  std::uint32_t length;
};

/// Walks the file checking the signature, every length and CRC; returns the chunk list.
std::vector<Chunk> chunks_of(const std::vector<std::byte>& file) {
  const auto* d = reinterpret_cast<const unsigned char*>(file.data());
  REQUIRE(file.size() >= 8);
  const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  REQUIRE(std::memcmp(d, sig, 8) == 0);
  std::vector<Chunk> out;
  std::size_t off = 8;
  while (off < file.size()) {
    REQUIRE(off + 12 <= file.size());
    const std::uint32_t len = be32(d + off);
    REQUIRE(std::size_t(len) <= file.size() - off - 12);
    out.push_back({std::string(reinterpret_cast<const char*>(d + off + 4), 4), off + 8, len});
    REQUIRE(crc32_ref(d + off + 4, 4 + std::size_t(len)) == be32(d + off + 8 + len));
    off += 12 + std::size_t(len);
  }
  return out;
}

/// io::decode (libspng) and stb_image both give back exactly `px`.
void require_round_trip(const std::vector<std::byte>& file, const std::vector<uchar4>& px, int w, int h) {
  std::vector<uchar4> back(px.size(), uchar4{1, 2, 3, 4});
  const io::ImageInfo info = io::decode(file, std::span<uchar4>(back));
  REQUIRE(info.width == w);
  REQUIRE(info.height == h);
  REQUIRE(std::memcmp(back.data(), px.data(), px.size() * sizeof(uchar4)) == 0);

  int sw = 0, sh = 0, sc = 0;
  unsigned char* s = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(file.data()), int(file.size()), &sw,
                                           &sh, &sc, 4);
  REQUIRE(s != nullptr);
  const bool same = sw == w && sh == h && std::memcmp(s, px.data(), px.size() * sizeof(uchar4)) == 0;
  stbi_image_free(s);
  REQUIRE(same);
}

}  // namespace

TEST_CASE("io PNG writer: the vectorised Paeth filter equals the specification's predictor for all inputs",
          "[io][png]") {
  // bpp 32 makes each of the 32 lanes of the second block independent: lane k sees
  // a = row[k], b = prev[32 + k], c = prev[k].
  const auto predictor = [](int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  std::uint8_t row[64] = {}, prev[64] = {}, out[64] = {};
  long bad = 0;
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b)
      for (int c0 = 0; c0 < 256; c0 += 32) {
        for (int k = 0; k < 32; ++k) {
          row[k] = std::uint8_t(a);
          row[32 + k] = std::uint8_t(a ^ k);
          prev[32 + k] = std::uint8_t(b);
          prev[k] = std::uint8_t(c0 + k);
        }
        io::codec::png_filter_paeth(row, prev, out, 64, 32);
        for (int k = 0; k < 32; ++k)
          bad += out[32 + k] != std::uint8_t((a ^ k) - predictor(a, b, c0 + k));
      }
  REQUIRE(bad == 0);
  // The scalar head and tail (n not a multiple of the block, small bpp) against the same formula.
  std::mt19937 rng(7);
  for (std::size_t n : {1u, 3u, 4u, 31u, 35u, 67u, 100u})
    for (std::size_t bpp : {3u, 4u, 6u, 8u}) {
      std::vector<std::uint8_t> r(n), p(n), o(n);
      for (auto& v : r) v = std::uint8_t(rng());
      for (auto& v : p) v = std::uint8_t(rng());
      io::codec::png_filter_paeth(r.data(), p.data(), o.data(), n, bpp);
      for (std::size_t i = 0; i < n; ++i) {
        const int a = i >= bpp ? r[i - bpp] : 0, c = i >= bpp ? p[i - bpp] : 0;
        REQUIRE(o[i] == std::uint8_t(r[i] - predictor(a, p[i], c)));
      }
    }
}

TEST_CASE("io PNG writer: exact round trips, odd sizes, every level, RGB and RGBA, two decoders", "[io][png]") {
  const std::pair<int, int> sizes[] = {{1, 1}, {1, 9}, {9, 1}, {37, 23}, {131, 5}, {2, 70}};
  std::uint32_t seed = 1;
  for (auto [w, h] : sizes)
    for (int kind = 0; kind < 3; ++kind) {
      const auto px = make_pixels(w, h, kind, seed++);
      ImageU8 img(w, h, cpu);
      io::upload(img, std::span<const uchar4>(px));
      for (int level = 0; level <= 9; ++level) {
        CAPTURE(w, h, kind, level);
        const auto file = io::encode(img, io::Format::png, {.png_compression = level});
        const auto chunks = chunks_of(file);
        REQUIRE(chunks.size() >= 3);
        REQUIRE(chunks.front().type == "IHDR");
        REQUIRE(chunks.front().length == 13);
        REQUIRE(chunks.back().type == "IEND");
        const auto* d = reinterpret_cast<const unsigned char*>(file.data()) + chunks.front().offset;
        REQUIRE(be32(d) == std::uint32_t(w));
        REQUIRE(be32(d + 4) == std::uint32_t(h));
        REQUIRE(int(d[8]) == 8);
        const bool opaque = std::all_of(px.begin(), px.end(), [](uchar4 p) { return p.w == 255; });
        REQUIRE(int(d[9]) == (opaque ? 2 : 6));  // RGB when every alpha is 255, else RGBA
        REQUIRE((d[10] | d[11] | d[12]) == 0);
        require_round_trip(file, px, w, h);
      }
    }
}

TEST_CASE("io PNG writer: large IDAT data is split into chunks of at most 1 MiB", "[io][png]") {
  const int w = 700, h = 500;  // 1.4 MB of noise, stored (level 0) and compressed (level 1)
  const auto px = make_pixels(w, h, 1, 99);
  ImageU8 img(w, h, cpu);
  io::upload(img, std::span<const uchar4>(px));
  for (int level : {0, 1}) {
    const auto file = io::encode(img, io::Format::png, {.png_compression = level});
    const auto chunks = chunks_of(file);
    std::size_t idats = 0;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (chunks[i].type != "IDAT") continue;
      ++idats;
      REQUIRE(chunks[i].length <= (1u << 20));
      REQUIRE(chunks[i - 1].type == (idats == 1 ? "IHDR" : "IDAT"));  // consecutive
    }
    REQUIRE(idats == 2);
    require_round_trip(file, px, w, h);
  }
}

TEST_CASE("io PNG writer: 16-bit files hold v*257 exactly (RGB and RGBA)", "[io][png]") {
  for (int kind = 0; kind < 3; ++kind)
    for (int level : {0, 2, 9}) {
      const int w = 33, h = 17;
      const auto px = make_pixels(w, h, kind, 500u + std::uint32_t(kind));
      ImageU8 img(w, h, cpu);
      io::upload(img, std::span<const uchar4>(px));
      const auto file = io::encode(img, io::Format::png, {.bit_depth = 16, .png_compression = level});
      const auto chunks = chunks_of(file);
      const auto* d = reinterpret_cast<const unsigned char*>(file.data()) + chunks.front().offset;
      REQUIRE(int(d[8]) == 16);
      REQUIRE(int(d[9]) == (kind == 0 ? 2 : 6));
      int sw = 0, sh = 0, sc = 0;
      stbi_us* s = stbi_load_16_from_memory(reinterpret_cast<const stbi_uc*>(file.data()), int(file.size()), &sw,
                                            &sh, &sc, 4);
      REQUIRE(s != nullptr);
      bool same = sw == w && sh == h;
      for (std::size_t i = 0; same && i < px.size(); ++i)
        same = s[4 * i + 0] == px[i].x * 257 && s[4 * i + 1] == px[i].y * 257 && s[4 * i + 2] == px[i].z * 257 &&
               s[4 * i + 3] == px[i].w * 257;
      stbi_image_free(s);
      REQUIRE(same);
      // and imagecuda's own reader, to f32: v*257/65535 = v/255
      ImageF32 back(w, h, cpu);
      io::load(std::span<const std::byte>(file), back, {.device = cpu});
      const auto f = io::download(back);
      float worst = 0.f;
      for (std::size_t i = 0; i < px.size(); ++i)
        worst = std::max({worst, std::fabs(f[i].x - px[i].x / 255.f), std::fabs(f[i].w - px[i].w / 255.f)});
      REQUIRE(worst < 1e-6f);
    }
}

TEST_CASE("io PNG writer: level 0 is stored (about the raw size), higher levels compress", "[io][png]") {
  const int w = 64, h = 48;
  const auto px = make_pixels(w, h, 2, 3);
  ImageU8 img(w, h, cpu);
  io::upload(img, std::span<const uchar4>(px));
  const std::size_t raw = std::size_t(w * 4 + 1) * std::size_t(h);
  const auto stored = io::encode(img, io::Format::png, {.png_compression = 0});
  REQUIRE(stored.size() >= raw);
  REQUIRE(stored.size() < raw + 200);
  const auto small = io::encode(img, io::Format::png, {.png_compression = 9});
  REQUIRE(small.size() < raw / 2);
}

TEST_CASE("io PNG writer: threads encoding at once give the same bytes as one thread", "[io][png]") {
  // Each thread keeps its own compressors and buffers: concurrent encodes must not share them.
  struct Job {
    int w, h, kind, level;
  };
  const std::vector<Job> jobs = {{64, 40, 0, 1}, {33, 70, 1, 2}, {90, 12, 2, 6}, {17, 17, 1, 9},
                                 {120, 30, 2, 1}, {5, 200, 0, 3}, {64, 64, 1, 0}, {48, 48, 2, 2}};
  std::vector<std::vector<uchar4>> pixels;
  std::vector<std::vector<std::byte>> expected;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    pixels.push_back(make_pixels(jobs[i].w, jobs[i].h, jobs[i].kind, 900u + std::uint32_t(i)));
    ImageU8 img(jobs[i].w, jobs[i].h, cpu);
    io::upload(img, std::span<const uchar4>(pixels[i]));
    expected.push_back(io::encode(img, io::Format::png, {.png_compression = jobs[i].level}));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round)
        for (std::size_t k = 0; k < jobs.size(); ++k) {
          const std::size_t i = (k + std::size_t(t) * 3) % jobs.size();
          ImageU8 img(jobs[i].w, jobs[i].h, cpu);
          io::upload(img, std::span<const uchar4>(pixels[i]));
          mismatches[std::size_t(t)] += io::encode(img, io::Format::png, {.png_compression = jobs[i].level}) !=
                                        expected[i];
        }
    });
  for (auto& th : threads) th.join();
  REQUIRE(mismatches == std::vector<int>(4, 0));
  for (std::size_t i = 0; i < jobs.size(); ++i) require_round_trip(expected[i], pixels[i], jobs[i].w, jobs[i].h);
}

namespace {

std::uint32_t adler32_ref(const std::vector<unsigned char>& d) {
  std::uint32_t a = 1, b = 0;
  for (unsigned char c : d) {
    a = (a + c) % 65521u;
    b = (b + a) % 65521u;
  }
  return b << 16 | a;
}

/// The concatenated IDAT data of a file.
std::vector<unsigned char> zlib_of(const std::vector<std::byte>& file) {
  std::vector<unsigned char> z;
  const auto* d = reinterpret_cast<const unsigned char*>(file.data());
  for (const Chunk& c : chunks_of(file))
    if (c.type == "IDAT") z.insert(z.end(), d + c.offset, d + c.offset + c.length);
  return z;
}

/// Paeth on every row of the RGB (opaque) or RGBA rows, through the libdeflate writer's filter.
std::vector<unsigned char> paeth_rows(const std::vector<uchar4>& px, int w, int h, int bpp) {
  const std::size_t n = std::size_t(w) * std::size_t(bpp);
  std::vector<unsigned char> out, row(n), prev(n, 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x)
      std::memcpy(row.data() + std::size_t(x) * std::size_t(bpp), &px[std::size_t(y) * std::size_t(w) + std::size_t(x)],
                  std::size_t(bpp));
    out.push_back(4);
    const std::size_t at = out.size();
    out.resize(at + n);
    io::codec::png_filter_paeth(row.data(), prev.data(), out.data() + at, n, std::size_t(bpp));
    std::swap(row, prev);
  }
  return out;
}

}  // namespace

TEST_CASE("io PNG parallel deflate (CPU backend): round trips, the zlib stream, stored and Huffman segments",
          "[io][png][png_parallel]") {
  struct Case {
    int w, h, kind;
  };
  const io::SaveParams par{.png_deflate = io::PngDeflate::parallel};
  for (const Case c : {Case{1, 1, 0}, Case{3, 2, 1}, Case{127, 61, 2}, Case{300, 200, 2}, Case{300, 200, 0},
                       Case{257, 190, 1}, Case{1000, 37, 2}, Case{640, 400, 3}, Case{2, 900, 3}}) {
    CAPTURE(c.w, c.h, c.kind);
    const auto px = make_pixels(c.w, c.h, c.kind, 4000u + std::uint32_t(c.w * 7 + c.kind));
    ImageU8 img(c.w, c.h, cpu);
    io::upload(img, std::span<const uchar4>(px));
    const auto file = io::encode(img, io::Format::png, par);
    require_round_trip(file, px, c.w, c.h);

    const bool opaque = c.kind == 0 || c.kind == 3;
    const int bpp = opaque ? 3 : 4;
    REQUIRE(static_cast<unsigned char>(file[8 + 8 + 9]) == (opaque ? 2 : 6));  // IHDR colour type
    const auto z = zlib_of(file);
    REQUIRE(z.size() >= 6);
    CHECK(z[0] == 0x78);
    CHECK((z[0] * 256 + z[1]) % 31 == 0);
    const auto filtered = paeth_rows(px, c.w, c.h, bpp);
    const std::uint32_t adler = std::uint32_t(z[z.size() - 4]) << 24 | std::uint32_t(z[z.size() - 3]) << 16 |
                                std::uint32_t(z[z.size() - 2]) << 8 | std::uint32_t(z[z.size() - 1]);
    CHECK(adler == adler32_ref(filtered));
    const std::size_t raw = filtered.size(), segments = (raw + 16383) / 16384;
    if (c.kind == 0) {  // noise: stored segments, 5 bytes of header each
      CHECK(z.size() == 2 + raw + 5 * segments + 4);
    } else if (c.kind == 3 && c.w >= 64) {
      CHECK(z.size() * 40 < raw);
    } else if (c.kind == 2 && raw > 20000) {
      CHECK(z.size() * 10 < raw * 8);
    }
    // A view with a pitch of its own gives the same file as the tight pixels.
    ImageU8 wide(c.w + 5, c.h, cpu);
    std::vector<uchar4> wide_px(std::size_t(c.w + 5) * std::size_t(c.h), uchar4{9, 9, 9, 9});
    for (int y = 0; y < c.h; ++y)
      std::copy_n(px.begin() + std::ptrdiff_t(y) * c.w, c.w, wide_px.begin() + std::ptrdiff_t(y) * (c.w + 5) + 2);
    io::upload(wide, std::span<const uchar4>(wide_px));
    CHECK(io::encode(wide.crop_view(2, 0, c.w, c.h), io::Format::png, par) == file);
  }
}

TEST_CASE("io PNG parallel deflate: about libdeflate level 2's size on smooth pictures; f32 and save paths",
          "[io][png][png_parallel]") {
  const int w = 600, h = 300;
  std::vector<float4> fpx(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)  // a soft gradient and a disc: a card's background, in miniature
      fpx[std::size_t(y) * w + std::size_t(x)] =
          float4{float(x) / w, float(y) / h, (x - 300) * (x - 300) + (y - 150) * (y - 150) < 8000 ? 0.9f : 0.2f, 1.f};
  ImageF32 f(w, h, cpu);
  io::upload(f, std::span<const float4>(fpx));
  ImageU8 u(w, h, cpu);
  io::convert(f, u);
  const io::SaveParams par{.png_deflate = io::PngDeflate::parallel};
  const auto pf = io::encode(f, io::Format::png, par);
  CHECK(pf == io::encode(u, io::Format::png, par));
  const auto l1 = io::encode(u, io::Format::png, {.png_compression = 1});
  const auto l2 = io::encode(u, io::Format::png, {.png_compression = 2});
  INFO("parallel " << pf.size() << " bytes, libdeflate level 1 " << l1.size() << ", level 2 " << l2.size());
  CHECK(pf.size() < l1.size() * 3 / 2);
  const auto back = io::download(u);
  require_round_trip(pf, back, w, h);

  const auto path = std::filesystem::temp_directory_path() / "imagecuda_png_parallel.png";
  io::save(f, path, par);
  ImageU8 loaded(w, h, cpu);
  io::load(path, loaded);
  CHECK(test::max_abs_diff(io::download(loaded), back) == 0);
  std::filesystem::remove(path);
}

TEST_CASE("io PNG parallel deflate: errors name the parameter and leave the image usable", "[io][png][png_parallel][errors]") {
  ImageU8 img(8, 8, cpu);
  io::upload(img, std::span<const uchar4>(make_pixels(8, 8, 1, 5)));
  REQUIRE_IMAGECUDA_ERROR(
      (void)io::encode(img, io::Format::png, {.bit_depth = 16, .png_deflate = io::PngDeflate::parallel}),
      ErrorCode::unsupported, "PngDeflate::parallel writes 8-bit PNGs only, got bit_depth 16");
  REQUIRE_IMAGECUDA_ERROR((void)io::encode(img, io::Format::png, {.png_deflate = static_cast<io::PngDeflate>(7)}),
                          ErrorCode::invalid_argument, "png_deflate must be libdeflate or parallel, got 7");
  // JPEG ignores png_deflate; the image still encodes.
  CHECK(!io::encode(img, io::Format::jpeg, {.png_deflate = io::PngDeflate::parallel}).empty());
  CHECK(io::save_requirements(8, 8, {.png_deflate = io::PngDeflate::parallel}).bytes >
        io::save_requirements(8, 8).bytes);
}
