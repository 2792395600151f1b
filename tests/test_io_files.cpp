// SPDX-License-Identifier: MIT
/// io files: load/probe/save/encode on the CPU backend — every PNG colour type and depth, grey
/// and CMYK JPEG, EXIF orientations, round trips, hostile input, and zero-allocation reuse.
///
/// Test files are made here: PNGs with a small independent encoder (stored deflate blocks, so
/// every byte is known and can be patched), JPEGs with TurboJPEG's compressor (looked up at run
/// time in the already-loaded libturbojpeg, which imagecuda links privately) and with io::encode.
#include <dlfcn.h>
#include <turbojpeg.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include "helpers.hpp"

using namespace imagecuda;
namespace fs = std::filesystem;

namespace {

const Device cpu = Device::cpu();
const io::LoadParams on_cpu{.device = Device::cpu()};
using Bytes = std::vector<std::byte>;

// ---------------------------------------------------------------------------------------------
// Byte helpers
// ---------------------------------------------------------------------------------------------
std::uint32_t crc32(const std::uint8_t* p, std::size_t n) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return ~c;
}
void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(std::uint8_t(x >> s));
}
void put16le(std::vector<std::uint8_t>& v, std::uint32_t x) {
  v.push_back(std::uint8_t(x));
  v.push_back(std::uint8_t(x >> 8));
}
std::uint32_t get32(const Bytes& b, std::size_t off) {
  return std::uint32_t(b[off]) << 24 | std::uint32_t(b[off + 1]) << 16 | std::uint32_t(b[off + 2]) << 8 |
         std::uint32_t(b[off + 3]);
}
Bytes to_bytes(const std::vector<std::uint8_t>& v) {
  Bytes b(v.size());
  std::memcpy(b.data(), v.data(), v.size());
  return b;
}
Bytes to_bytes(const std::string& s) {
  Bytes b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

// ---------------------------------------------------------------------------------------------
// A tiny PNG writer (stored deflate blocks) for every colour type and bit depth
// ---------------------------------------------------------------------------------------------
void chunk(std::vector<std::uint8_t>& out, const char* type, const std::vector<std::uint8_t>& data) {
  put32(out, std::uint32_t(data.size()));
  std::vector<std::uint8_t> td(type, type + 4);
  td.insert(td.end(), data.begin(), data.end());
  out.insert(out.end(), td.begin(), td.end());
  put32(out, crc32(td.data(), td.size()));
}

std::vector<std::uint8_t> zlib_stored(const std::vector<std::uint8_t>& raw) {
  std::vector<std::uint8_t> z = {0x78, 0x01};
  std::size_t pos = 0;
  do {
    const std::size_t n = std::min<std::size_t>(65535, raw.size() - pos);
    z.push_back(pos + n == raw.size() ? 1 : 0);
    put16le(z, std::uint32_t(n));
    put16le(z, std::uint32_t(~n & 0xFFFF));
    z.insert(z.end(), raw.begin() + std::ptrdiff_t(pos), raw.begin() + std::ptrdiff_t(pos + n));
    pos += n;
  } while (pos < raw.size());
  std::uint32_t a = 1, b = 0;
  for (auto c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, b << 16 | a);
  return z;
}

struct PngSpec {
  int w = 0, h = 0, bit_depth = 8, color_type = 6;
  std::vector<std::uint16_t> samples;  // w*h*channels values at bit_depth
  std::vector<std::uint8_t> plte;      // 3 bytes per entry
  std::vector<std::uint8_t> trns;      // raw tRNS chunk contents
};

int png_channels(int color_type) {
  switch (color_type) {
    case 0: case 3: return 1;
    case 2: return 3;
    case 4: return 2;
    default: return 4;
  }
}

std::vector<std::uint8_t> png_ihdr(int w, int h, int depth, int ct) {
  std::vector<std::uint8_t> d;
  put32(d, std::uint32_t(w));
  put32(d, std::uint32_t(h));
  d.push_back(std::uint8_t(depth));
  d.push_back(std::uint8_t(ct));
  d.push_back(0);
  d.push_back(0);
  d.push_back(0);
  return d;
}

/// `exif` (a TIFF block) goes in an eXIf chunk before IDAT when non-empty.
Bytes make_png(const PngSpec& s, const std::vector<std::uint8_t>& exif = {}, bool adam7 = false) {
  const int ch = png_channels(s.color_type);
  REQUIRE(s.samples.size() == std::size_t(s.w) * s.h * ch);
  std::vector<std::uint8_t> raw;
  // One scanline of the pixels at x = x0, x0 + dx, ... of row y: filter byte 0 + packed samples.
  auto row = [&](int y, int x0, int dx) {
    raw.push_back(0);
    int acc = 0, bits = 0;
    for (int x = x0; x < s.w; x += dx)
      for (int c = 0; c < ch; ++c) {
        const std::uint16_t v = s.samples[(std::size_t(y) * s.w + x) * ch + c];
        if (s.bit_depth == 16) raw.push_back(std::uint8_t(v >> 8));
        if (s.bit_depth >= 8) {
          raw.push_back(std::uint8_t(v));
          continue;
        }
        acc = acc << s.bit_depth | v;
        bits += s.bit_depth;
        if (bits == 8) {
          raw.push_back(std::uint8_t(acc));
          acc = bits = 0;
        }
      }
    if (bits) raw.push_back(std::uint8_t(acc << (8 - bits)));
  };
  if (!adam7) {
    for (int y = 0; y < s.h; ++y) row(y, 0, 1);
  } else {
    const int pass[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                            {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
    for (const auto& p : pass)
      if (p[0] < s.w && p[1] < s.h)  // empty passes have no scanlines at all
        for (int y = p[1]; y < s.h; y += p[3]) row(y, p[0], p[2]);
  }
  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  auto ihdr = png_ihdr(s.w, s.h, s.bit_depth, s.color_type);
  ihdr.back() = adam7 ? 1 : 0;
  chunk(out, "IHDR", ihdr);
  if (!exif.empty()) chunk(out, "eXIf", exif);
  if (!s.plte.empty()) chunk(out, "PLTE", s.plte);
  if (!s.trns.empty()) chunk(out, "tRNS", s.trns);
  chunk(out, "IDAT", zlib_stored(raw));
  chunk(out, "IEND", {});
  return to_bytes(out);
}

/// 8-bit RGBA PNG of the given pixels.
Bytes png_rgba8(int w, int h, const std::vector<uchar4>& px, const std::vector<std::uint8_t>& exif = {}) {
  PngSpec s{w, h, 8, 6, {}, {}, {}};
  for (auto p : px) s.samples.insert(s.samples.end(), {p.x, p.y, p.z, p.w});
  return make_png(s, exif);
}

/// Offset of the first chunk of `type`, or npos.
std::size_t find_chunk(const Bytes& b, const char* type) {
  std::size_t off = 8;
  while (off + 12 <= b.size()) {
    const std::uint32_t len = get32(b, off);
    if (std::memcmp(b.data() + off + 4, type, 4) == 0) return off;
    off += 12 + len;
  }
  return std::string::npos;
}
/// Recomputes the CRC of the chunk at `off` (after a deliberate patch).
void fix_crc(Bytes& b, std::size_t off) {
  const std::uint32_t len = get32(b, off);
  const std::uint32_t c = crc32(reinterpret_cast<const std::uint8_t*>(b.data() + off + 4), 4 + len);
  for (int i = 0; i < 4; ++i) b[off + 8 + len + std::size_t(i)] = std::byte(c >> (24 - 8 * i));
}
/// Inserts a chunk before the first chunk of type `before`.
Bytes insert_chunk(const Bytes& png, const char* before, const char* type, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> c;
  chunk(c, type, data);
  Bytes out = png;
  const std::size_t at = find_chunk(png, before);
  REQUIRE(at != std::string::npos);
  const Bytes cb = to_bytes(c);
  out.insert(out.begin() + std::ptrdiff_t(at), cb.begin(), cb.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// EXIF blocks
// ---------------------------------------------------------------------------------------------
/// A TIFF block whose IFD0 holds `entries` tags before Orientation (SHORT, count 1).
std::vector<std::uint8_t> tiff_orientation(int orientation, bool little = true, int filler_tags = 0,
                                           int type = 3) {
  std::vector<std::uint8_t> t;
  auto u16 = [&](std::uint32_t v) {
    if (little) put16le(t, v);
    else {
      t.push_back(std::uint8_t(v >> 8));
      t.push_back(std::uint8_t(v));
    }
  };
  auto u32 = [&](std::uint32_t v) {
    if (little) {
      put16le(t, v & 0xFFFF);
      put16le(t, v >> 16);
    } else {
      put32(t, v);
    }
  };
  t.push_back(little ? 'I' : 'M');
  t.push_back(little ? 'I' : 'M');
  u16(42);
  u32(8);
  u16(std::uint32_t(filler_tags + 1));
  for (int i = 0; i < filler_tags; ++i) {  // ImageDescription-like ASCII tags, count 4 (inline)
    u16(0x010E);
    u16(2);
    u32(4);
    u32(0x41414100);
  }
  u16(0x0112);
  u16(std::uint32_t(type));
  u32(1);
  if (type == 4) u32(std::uint32_t(orientation));
  else {
    u16(std::uint32_t(orientation));
    u16(0);
  }
  u32(0);  // no next IFD
  return t;
}

/// Inserts APP1 "Exif\0\0" + tiff right after SOI.
Bytes jpeg_with_exif(const Bytes& jpeg, const std::vector<std::uint8_t>& tiff) {
  std::vector<std::uint8_t> seg = {0xFF, 0xE1};
  const std::size_t len = 2 + 6 + tiff.size();
  seg.push_back(std::uint8_t(len >> 8));
  seg.push_back(std::uint8_t(len));
  for (char c : std::string("Exif\0\0", 6)) seg.push_back(std::uint8_t(c));
  seg.insert(seg.end(), tiff.begin(), tiff.end());
  Bytes out = jpeg;
  const Bytes s = to_bytes(seg);
  out.insert(out.begin() + 2, s.begin(), s.end());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Orientation reference, written with the EXIF spec's primitive operations (mirror, rotate)
// rather than the library's per-case index formulas.
// ---------------------------------------------------------------------------------------------
struct Px {
  int w, h;
  std::vector<uchar4> p;
  uchar4 at(int x, int y) const { return p[std::size_t(y) * w + x]; }
};
Px mirror_h(const Px& a) {
  Px b{a.w, a.h, a.p};
  for (int y = 0; y < a.h; ++y)
    for (int x = 0; x < a.w; ++x) b.p[std::size_t(y) * a.w + x] = a.at(a.w - 1 - x, y);
  return b;
}
Px rotate_cw(const Px& a) {  // 90 degrees clockwise
  Px b{a.h, a.w, a.p};
  for (int y = 0; y < b.h; ++y)
    for (int x = 0; x < b.w; ++x) b.p[std::size_t(y) * b.w + x] = a.at(y, a.h - 1 - x);
  return b;
}
Px expected_orientation(const Px& a, int o) {
  switch (o) {
    case 2: return mirror_h(a);
    case 3: return rotate_cw(rotate_cw(a));
    case 4: return rotate_cw(rotate_cw(mirror_h(a)));              // mirror vertical
    case 5: return rotate_cw(rotate_cw(rotate_cw(mirror_h(a))));   // mirror horizontal, rotate 270 CW
    case 6: return rotate_cw(a);                                   // rotate 90 CW
    case 7: return rotate_cw(mirror_h(a));                         // mirror horizontal, rotate 90 CW
    case 8: return rotate_cw(rotate_cw(rotate_cw(a)));             // rotate 270 CW
    default: return a;
  }
}

// ---------------------------------------------------------------------------------------------
// TurboJPEG's compressor, found at run time in the loaded libturbojpeg
// ---------------------------------------------------------------------------------------------
template <class F>
F* tj_fn(const char* name) {
  void* f = dlsym(RTLD_DEFAULT, name);
  REQUIRE(f != nullptr);
  return reinterpret_cast<F*>(f);
}

Bytes tj_compress(const std::vector<std::uint8_t>& px, int w, int h, int pf, int subsamp, int quality) {
  auto init = tj_fn<decltype(tjInitCompress)>("tjInitCompress");
  auto compress = tj_fn<decltype(tjCompress2)>("tjCompress2");
  auto destroy = tj_fn<decltype(tjDestroy)>("tjDestroy");
  auto free_ = tj_fn<decltype(tjFree)>("tjFree");
  tjhandle tj = init();
  REQUIRE(tj != nullptr);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  const int r = compress(tj, px.data(), w, 0, h, pf, &buf, &size, subsamp, quality, TJFLAG_ACCURATEDCT);
  destroy(tj);
  REQUIRE(r == 0);
  Bytes out(size);
  std::memcpy(out.data(), buf, size);
  free_(buf);
  return out;
}

/// TurboJPEG's own decode of a JPEG to `pf` (the reference for exact checks).
std::vector<std::uint8_t> tj_decompress(const Bytes& jpeg, int w, int h, int pf) {
  auto init = tj_fn<decltype(tjInitDecompress)>("tjInitDecompress");
  auto decompress = tj_fn<decltype(tjDecompress2)>("tjDecompress2");
  auto destroy = tj_fn<decltype(tjDestroy)>("tjDestroy");
  tjhandle tj = init();
  std::vector<std::uint8_t> out(std::size_t(w) * h * std::size_t(tjPixelSize[pf]));
  const int r = decompress(tj, reinterpret_cast<const unsigned char*>(jpeg.data()), jpeg.size(), out.data(), w, 0, h,
                           pf, 0);
  destroy(tj);
  REQUIRE(r == 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Images and files
// ---------------------------------------------------------------------------------------------
/// A smooth RGB test picture (what JPEG is made for), opaque.
std::vector<uchar4> smooth_u8(int w, int h) {
  std::vector<uchar4> v(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float fx = float(x) / float(w), fy = float(y) / float(h);
      v[std::size_t(y) * w + x] = uchar4{std::uint8_t(255 * fx), std::uint8_t(255 * fy),
                                         std::uint8_t(127.5f + 100.f * std::sin(6.f * fx + 4.f * fy)), 255};
    }
  return v;
}

std::vector<float4> as_f32(const std::vector<uchar4>& v) {
  std::vector<float4> f(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    f[i] = float4{v[i].x / 255.f, v[i].y / 255.f, v[i].z / 255.f, v[i].w / 255.f};
  return f;
}

fs::path temp_dir() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("imagecuda_io_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}
fs::path write_temp(const std::string& name, const Bytes& b) {
  const fs::path p = temp_dir() / name;
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
  return p;
}
struct TempCleanup {
  ~TempCleanup() {
    std::error_code ec;
    fs::remove_all(fs::temp_directory_path() / ("imagecuda_io_test_" + std::to_string(::getpid())), ec);
  }
} const temp_cleanup;

std::vector<uchar4> load_u8(const Bytes& b, const io::LoadParams& p = on_cpu) {
  ImageU8 dst(4096, 16, cpu);
  io::load(b, dst, p);
  return io::download(dst);
}

/// Checks that loading `bytes` fails with `code` and `needle` in every form (memory and file,
/// new image, f32 and u8 destinations), that the destinations keep their size and contents and
/// that the CPU allocation counters do not move.
void expect_load_error(const Bytes& bytes, ErrorCode code, const std::string& needle,
                       const io::LoadParams& p = on_cpu) {
  ImageF32 dst(8, 4, cpu);
  fill::color(dst, rgba(0.1f, 0.2f, 0.3f, 0.4f));
  dst.set_size(4, 4);
  ImageU8 dst8(8, 4, cpu);
  ImageF32 tmp = test::make_f32(8, 4, test::random_f32(8, 4, 3), cpu);
  io::convert(tmp, dst8);
  const auto px = io::download(dst);
  const auto px8 = io::download(dst8);
  const fs::path file = write_temp("bad.bin", bytes);
  const auto before = memory_stats(cpu);

  REQUIRE_IMAGECUDA_ERROR(io::load(bytes, dst, p), code, needle);
  REQUIRE_IMAGECUDA_ERROR(io::load(bytes, dst8, p), code, needle);
  REQUIRE_IMAGECUDA_ERROR(io::load(bytes, p), code, needle);
  REQUIRE_IMAGECUDA_ERROR(io::load(bytes, dst, p), code, "io::load: <memory>: ");
  REQUIRE_IMAGECUDA_ERROR(io::load(file, dst, p), code, needle);
  REQUIRE_IMAGECUDA_ERROR(io::load(file, p), code, "io::load: '" + file.string() + "': ");

  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  CHECK(dst.width() == 4);
  CHECK(dst.height() == 4);
  CHECK(test::max_abs_diff(io::download(dst), px) == 0.f);
  CHECK(dst8.width() == 8);
  CHECK(test::max_abs_diff(io::download(dst8), px8) == 0);
}

}  // namespace

// =============================================================================================
// save / encode
// =============================================================================================

TEST_CASE("io::save/load: 8-bit PNG round trip is exact (u8 and f32, with and without alpha)", "[io]") {
  const int w = 67, h = 41;
  const auto px = test::random_u8(w, h, 11);  // random alpha: written as RGBA
  ImageU8 img = test::make_u8(w, h, px, cpu);
  const fs::path path = temp_dir() / "rt8.png";
  io::save(img, path);

  ImageU8 back(w, h, cpu);
  io::load(path, back);
  CHECK(back.width() == w);
  CHECK(back.height() == h);
  CHECK(test::max_abs_diff(io::download(back), px) == 0);

  // Into f32: exactly v/255.
  ImageF32 f = io::load(path, on_cpu);
  CHECK(f.device() == cpu);
  CHECK(test::max_abs_diff(io::download(f), as_f32(px)) == 0.f);

  // From f32: the device conversion's rounding, then exact.
  const auto fp = test::random_f32(w, h, 12, -0.1f, 1.1f);
  ImageF32 src = test::make_f32(w, h, fp, cpu);
  ImageU8 expect(w, h, cpu);
  io::convert(src, expect);
  io::save(src, temp_dir() / "rt8f.png");
  io::load(temp_dir() / "rt8f.png", back);
  CHECK(test::max_abs_diff(io::download(back), io::download(expect)) == 0);

  // Opaque images are written as RGB (smaller) and load back identically.
  auto opaque = px;
  for (auto& p : opaque) p.w = 255;
  ImageU8 o = test::make_u8(w, h, opaque, cpu);
  const Bytes enc = io::encode(o, io::Format::png);
  CHECK(io::probe(enc).channels == 3);
  CHECK(test::max_abs_diff(load_u8(enc), opaque) == 0);
  CHECK(io::probe(io::encode(img, io::Format::png)).channels == 4);
}

TEST_CASE("io::save: 16-bit PNG keeps float precision within 1/65535", "[io]") {
  const int w = 53, h = 37;
  const auto fp = test::random_f32(w, h, 21);
  ImageF32 src = test::make_f32(w, h, fp, cpu);
  const fs::path path = temp_dir() / "rt16.png";
  io::save(src, path, {.bit_depth = 16});
  const auto info = io::probe(path);
  CHECK(info.bit_depth == 16);
  CHECK(info.channels == 4);
  ImageF32 back = io::load(path, on_cpu);
  CHECK(test::max_abs_diff(io::download(back), fp) <= 1.f / 65535.f);

  // Exactly round(clamp(v,0,1)*65535)/65535, out-of-range values clamped.
  std::vector<float4> edge = {{-0.5f, 0.f, 1.f, 2.f}, {0.25f, 0.5f, 0.75f, 1.f}};
  ImageF32 e = test::make_f32(2, 1, edge, cpu);
  ImageF32 eb = io::load(io::encode(e, io::Format::png, {.bit_depth = 16}), on_cpu);
  const auto r = io::download(eb);
  CHECK(r[0].x == 0.f);
  CHECK(r[0].z == 1.f);
  CHECK(r[0].w == 1.f);
  CHECK(r[1].x == float(16384) / 65535.f);
  CHECK(r[1].y == float(32768) / 65535.f);
  CHECK(r[1].z == float(49151) / 65535.f);

  // A u8 image written at 16 bits: v * 257, so it loads back exactly.
  const auto px = test::random_u8(w, h, 22);
  ImageU8 u = test::make_u8(w, h, px, cpu);
  const Bytes b16 = io::encode(u, io::Format::png, {.bit_depth = 16});
  CHECK(io::probe(b16).bit_depth == 16);
  CHECK(test::max_abs_diff(load_u8(b16), px) == 0);
  // Opaque 16-bit: written as RGB.
  fill::color(src, rgba(0.2f, 0.4f, 0.6f, 1.f));
  CHECK(io::probe(io::encode(src, io::Format::png, {.bit_depth = 16})).channels == 3);
}

TEST_CASE("io::save: JPEG within codec tolerance; alpha composited over white", "[io]") {
  const int w = 128, h = 96;
  const auto px = smooth_u8(w, h);
  ImageF32 src = test::make_f32(w, h, as_f32(px), cpu);
  const fs::path path = temp_dir() / "rt.jpg";
  io::save(src, path);  // quality 95
  const auto info = io::probe(path);
  CHECK(info.format == io::Format::jpeg);
  CHECK(info.channels == 3);
  CHECK(info.width == w);
  ImageF32 back = io::load(path, on_cpu);
  const auto b = io::download(back);
  const auto f = as_f32(px);
  double sum = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    sum += std::fabs(b[i].x - f[i].x) + std::fabs(b[i].y - f[i].y) + std::fabs(b[i].z - f[i].z);
    REQUIRE(b[i].w == 1.f);
  }
  CHECK(sum / double(3 * b.size()) < 2.0 / 255.0);

  // Lower quality: smaller file, still close.
  const Bytes q95 = io::encode(src, io::Format::jpeg);
  const Bytes q50 = io::encode(src, io::Format::jpeg, {.quality = 50});
  CHECK(q50.size() < q95.size());

  // Over white: transparent -> white, half-transparent black -> mid grey, opaque unchanged.
  std::vector<uchar4> a(16 * 16);
  for (int i = 0; i < 256; ++i) a[std::size_t(i)] = i < 128 ? uchar4{0, 0, 0, 0} : uchar4{0, 0, 0, 128};
  ImageU8 ai = test::make_u8(16, 16, a, cpu);
  const auto r = load_u8(io::encode(ai, io::Format::jpeg, {.quality = 100}));
  CHECK(r[3 * 16 + 3].x >= 253);                       // (0*0 + 255*255 + 127)/255 = 255
  CHECK(std::abs(int(r[12 * 16 + 3].x) - 127) <= 2);   // (0*128 + 255*127 + 127)/255 = 127
}

TEST_CASE("io::save: format from the extension, errors, file system failures", "[io]") {
  ImageU8 img = test::make_u8(8, 8, test::random_u8(8, 8, 5), cpu);
  io::save(img, temp_dir() / "UPPER.PNG");
  CHECK(io::probe(temp_dir() / "UPPER.PNG").format == io::Format::png);
  io::save(img, temp_dir() / "mixed.JpEg");
  CHECK(io::probe(temp_dir() / "mixed.JpEg").format == io::Format::jpeg);
  io::save(img, temp_dir() / "x.jpg");
  CHECK(io::probe(temp_dir() / "x.jpg").format == io::Format::jpeg);
  io::save(img, temp_dir() / "forced.dat", {.format = io::Format::png});  // format overrides the extension
  CHECK(io::probe(temp_dir() / "forced.dat").format == io::Format::png);

  // encode() and save() write the same bytes.
  const Bytes enc = io::encode(img, io::Format::png);
  std::ifstream f(temp_dir() / "UPPER.PNG", std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CHECK(file.size() == enc.size());
  CHECK(std::memcmp(file.data(), enc.data(), enc.size()) == 0);

  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "a.bmp"), ErrorCode::unsupported,
                          "unsupported file extension '.bmp'");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "noext"), ErrorCode::unsupported, "no file extension");
  CHECK(!fs::exists(temp_dir() / "a.bmp"));
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "q.jpg", {.quality = 0}), ErrorCode::invalid_argument,
                          "quality must be 1..100, got 0");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "q.jpg", {.quality = 101}), ErrorCode::invalid_argument,
                          "got 101");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "q.png", {.bit_depth = 12}), ErrorCode::invalid_argument,
                          "bit_depth must be 8 or 16, got 12");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "q.jpg", {.bit_depth = 16}), ErrorCode::unsupported,
                          "JPEG is 8-bit only");
  REQUIRE_IMAGECUDA_ERROR(io::encode(img, io::Format::jpeg, {.quality = -5}), ErrorCode::invalid_argument,
                          "io::encode: <memory>: quality must be 1..100, got -5");
  CHECK(!fs::exists(temp_dir() / "q.jpg"));

  const fs::path missing = temp_dir() / "no" / "such" / "dir" / "x.png";
  REQUIRE_IMAGECUDA_ERROR(io::save(img, missing), ErrorCode::io, "io::save: '" + missing.string() + "'");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, missing), ErrorCode::io, "No such file or directory");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir()), ErrorCode::unsupported, "");  // a directory, no extension
  fs::create_directories(temp_dir() / "dir.png");
  REQUIRE_IMAGECUDA_ERROR(io::save(img, temp_dir() / "dir.png"), ErrorCode::io, "Is a directory");
  if (fs::exists("/dev/full")) {
    REQUIRE_IMAGECUDA_ERROR(io::save(img, "/dev/full", {.format = io::Format::png}), ErrorCode::io,
                            "No space left on device");
    CHECK(fs::exists("/dev/full"));  // a special file is never removed
  }

  ImageF32 empty;
  REQUIRE_IMAGECUDA_ERROR(io::save(empty, temp_dir() / "e.png"), ErrorCode::invalid_argument, "img is empty");
  ImageF32 freed(4, 4, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(io::save(freed, temp_dir() / "e.png"), ErrorCode::freed, "image was freed");
  const auto after = memory_stats(cpu);
  CHECK(after.bytes_in_use == before.bytes_in_use + 0);
}

TEST_CASE("io::save: crop views (pitched) and zero allocations with a workspace", "[io]") {
  const int w = 40, h = 30;
  const auto fp = test::random_f32(w, h, 31);
  ImageF32 big = test::make_f32(w, h, fp, cpu);
  ImageF32 part(10, 8, cpu);
  io::copy(big.crop_view(5, 7, 10, 8), part);
  CHECK(io::encode(big.crop_view(5, 7, 10, 8), io::Format::png) == io::encode(part, io::Format::png));
  CHECK(io::encode(big.crop_view(5, 7, 10, 8), io::Format::png, {.bit_depth = 16}) ==
        io::encode(part, io::Format::png, {.bit_depth = 16}));

  Workspace ws(io::save_requirements(w, h), cpu);
  const Exec ex{Stream{}, &ws};
  (void)io::encode(big, io::Format::png, {}, ex);
  const auto before = memory_stats(cpu);
  for (int i = 0; i < 5; ++i) {
    (void)io::encode(big, io::Format::png, {}, ex);
    (void)io::encode(big, io::Format::jpeg, {}, ex);
    io::save(big, temp_dir() / "ws.png", {}, ex);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  // Without a workspace: a temporary scratch, freed again.
  (void)io::encode(big, io::Format::png);
  CHECK(memory_stats(cpu).allocations == after.allocations + 1);
  CHECK(memory_stats(cpu).bytes_in_use == after.bytes_in_use);
}

// =============================================================================================
// load: every PNG colour type and depth
// =============================================================================================

TEST_CASE("io::load: PNG grey, grey+alpha, RGB, RGBA at 8 and 16 bits", "[io]") {
  const int w = 7, h = 5;
  std::mt19937 rng(77);
  for (int ct : {0, 4, 2, 6}) {
    for (int depth : {8, 16}) {
      INFO("colour type " << ct << ", depth " << depth);
      const int ch = png_channels(ct);
      PngSpec s{w, h, depth, ct, {}, {}, {}};
      std::uniform_int_distribution<int> d(0, (1 << depth) - 1);
      for (int i = 0; i < w * h * ch; ++i) s.samples.push_back(std::uint16_t(d(rng)));
      const Bytes png = make_png(s);

      const auto info = io::probe(png);
      CHECK(info.format == io::Format::png);
      CHECK(info.width == w);
      CHECK(info.height == h);
      CHECK(info.bit_depth == depth);
      CHECK(info.channels == ch);

      ImageF32 img = io::load(png, on_cpu);
      REQUIRE(img.width() == w);
      const auto px = io::download(img);
      const float scale = depth == 16 ? 65535.f : 255.f;
      for (int i = 0; i < w * h; ++i) {
        const std::uint16_t* v = &s.samples[std::size_t(i) * ch];
        float4 e{};
        switch (ct) {
          case 0: e = float4{v[0] / scale, v[0] / scale, v[0] / scale, 1.f}; break;
          case 4: e = float4{v[0] / scale, v[0] / scale, v[0] / scale, v[1] / scale}; break;
          case 2: e = float4{v[0] / scale, v[1] / scale, v[2] / scale, 1.f}; break;
          default: e = float4{v[0] / scale, v[1] / scale, v[2] / scale, v[3] / scale}; break;
        }
        const float4 g = px[std::size_t(i)];
        REQUIRE(g.x == e.x);
        REQUIRE(g.y == e.y);
        REQUIRE(g.z == e.z);
        REQUIRE(g.w == e.w);
      }
      // 8-bit destination: 16-bit samples round to round(v*255/65535).
      const auto u = load_u8(png);
      for (int i = 0; i < w * h; ++i) {
        const std::uint16_t v0 = s.samples[std::size_t(i) * ch];
        const int e = depth == 16 ? int(std::lround(v0 * 255.0 / 65535.0)) : v0;
        REQUIRE(int(u[std::size_t(i)].x) == e);
      }
    }
  }
}

TEST_CASE("io::load: PNG palette with tRNS, low bit depths, grey and RGB colour keys", "[io]") {
  SECTION("palette 8-bit and 4-bit with tRNS") {
    for (int depth : {8, 4, 2, 1}) {
      INFO("depth " << depth);
      const int n = 1 << std::min(depth, 4);
      PngSpec s{5, 3, depth, 3, {}, {}, {}};
      for (int i = 0; i < n; ++i) s.plte.insert(s.plte.end(), {std::uint8_t(i * 15), std::uint8_t(255 - i * 9), std::uint8_t(i * 7 + 3)});
      const int n_trns = std::max(1, n / 2);  // entries past the tRNS length are opaque
      for (int i = 0; i < n_trns; ++i) s.trns.push_back(std::uint8_t(i * 37 % 256));
      for (int i = 0; i < 15; ++i) s.samples.push_back(std::uint16_t((i * 7) % n));
      const Bytes png = make_png(s);
      CHECK(io::probe(png).channels == 4);
      CHECK(io::probe(png).bit_depth == 8);
      const auto u = load_u8(png);
      for (int i = 0; i < 15; ++i) {
        const int k = s.samples[std::size_t(i)];
        REQUIRE(int(u[std::size_t(i)].x) == s.plte[std::size_t(3 * k)]);
        REQUIRE(int(u[std::size_t(i)].y) == s.plte[std::size_t(3 * k + 1)]);
        REQUIRE(int(u[std::size_t(i)].z) == s.plte[std::size_t(3 * k + 2)]);
        REQUIRE(int(u[std::size_t(i)].w) == (k < n_trns ? s.trns[std::size_t(k)] : 255));
      }
    }
  }
  SECTION("palette without tRNS is RGB") {
    PngSpec s{2, 1, 8, 3, {0, 1}, {10, 20, 30, 40, 50, 60}, {}};
    CHECK(io::probe(make_png(s)).channels == 3);
    const auto u = load_u8(make_png(s));
    CHECK((u[1].x == 40 && u[1].y == 50 && u[1].z == 60 && u[1].w == 255));
  }
  SECTION("grey 1, 2, 4 bits scale by bit replication") {
    for (int depth : {1, 2, 4}) {
      PngSpec s{9, 2, depth, 0, {}, {}, {}};
      for (int i = 0; i < 18; ++i) s.samples.push_back(std::uint16_t(i % (1 << depth)));
      const auto u = load_u8(make_png(s));
      const int mul = 255 / ((1 << depth) - 1);
      for (int i = 0; i < 18; ++i) {
        REQUIRE(int(u[std::size_t(i)].x) == s.samples[std::size_t(i)] * mul);
        REQUIRE(int(u[std::size_t(i)].z) == s.samples[std::size_t(i)] * mul);
        REQUIRE(int(u[std::size_t(i)].w) == 255);
      }
    }
  }
  SECTION("grey and RGB tRNS colour keys become alpha 0") {
    PngSpec g{3, 1, 8, 0, {5, 200, 5}, {}, {0, 5}};
    CHECK(io::probe(make_png(g)).channels == 2);
    auto u = load_u8(make_png(g));
    CHECK((u[0].w == 0 && u[1].w == 255 && u[2].w == 0 && u[1].x == 200));
    PngSpec g16{2, 1, 16, 0, {1000, 1001}, {}, {0x03, 0xE8}};  // key 1000
    ImageF32 f = io::load(make_png(g16), on_cpu);
    const auto fp = io::download(f);
    CHECK(fp[0].w == 0.f);
    CHECK(fp[1].w == 1.f);
    CHECK(fp[1].x == 1001.f / 65535.f);
    PngSpec c{2, 1, 8, 2, {1, 2, 3, 1, 2, 4}, {}, {0, 1, 0, 2, 0, 3}};
    CHECK(io::probe(make_png(c)).channels == 4);
    u = load_u8(make_png(c));
    CHECK((u[0].w == 0 && u[1].w == 255));
  }
  SECTION("Adam7 interlaced, 8 and 16 bits, odd sizes") {
    for (int depth : {8, 16, 2}) {
      for (auto [w, h] : {std::pair{13, 11}, std::pair{1, 1}, std::pair{3, 9}}) {
        INFO("depth " << depth << ", " << w << "x" << h);
        PngSpec s{w, h, depth, depth == 2 ? 0 : 6, {}, {}, {}};
        const int ch = png_channels(s.color_type);
        for (int i = 0; i < w * h * ch; ++i) s.samples.push_back(std::uint16_t((i * 2654435761u >> 7) % (1u << depth)));
        ImageF32 a = io::load(make_png(s, {}, true), on_cpu);
        ImageF32 b = io::load(make_png(s), on_cpu);
        CHECK(a.width() == w);
        CHECK(test::max_abs_diff(io::download(a), io::download(b)) == 0.f);
      }
    }
  }
  SECTION("a PNG produced by io::encode (16-bit: imagecuda's writer) and by stb (8-bit) decodes") {
    const auto px = test::random_u8(33, 17, 4);
    ImageU8 img = test::make_u8(33, 17, px, cpu);
    CHECK(test::max_abs_diff(load_u8(io::encode(img, io::Format::png, {.bit_depth = 16})), px) == 0);
  }
}

// =============================================================================================
// load: JPEG colour spaces
// =============================================================================================

TEST_CASE("io::load: JPEG RGB, grey and CMYK", "[io]") {
  const int w = 48, h = 32;
  const auto rgb = smooth_u8(w, h);
  SECTION("RGB 4:2:0 equals TurboJPEG's own decode") {
    std::vector<std::uint8_t> raw;
    for (auto p : rgb) raw.insert(raw.end(), {p.x, p.y, p.z});
    const Bytes jpg = tj_compress(raw, w, h, TJPF_RGB, TJSAMP_420, 90);
    const auto info = io::probe(jpg);
    CHECK(info.channels == 3);
    CHECK(info.format == io::Format::jpeg);
    const auto ref = tj_decompress(jpg, w, h, TJPF_RGBA);
    const auto u = load_u8(jpg);
    REQUIRE(u.size() == std::size_t(w * h));
    CHECK(std::memcmp(u.data(), ref.data(), ref.size()) == 0);
  }
  SECTION("progressive equals TurboJPEG's own decode") {
    std::vector<std::uint8_t> raw;
    for (auto p : rgb) raw.insert(raw.end(), {p.x, p.y, p.z});
    auto init = tj_fn<decltype(tjInitCompress)>("tjInitCompress");
    auto compress = tj_fn<decltype(tjCompress2)>("tjCompress2");
    auto destroy = tj_fn<decltype(tjDestroy)>("tjDestroy");
    auto free_ = tj_fn<decltype(tjFree)>("tjFree");
    tjhandle tj = init();
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    REQUIRE(compress(tj, raw.data(), w, 0, h, TJPF_RGB, &buf, &size, TJSAMP_422, 85, TJFLAG_PROGRESSIVE) == 0);
    destroy(tj);
    Bytes jpg(size);
    std::memcpy(jpg.data(), buf, size);
    free_(buf);
    const auto ref = tj_decompress(jpg, w, h, TJPF_RGBA);
    const auto u = load_u8(jpg);
    CHECK(std::memcmp(u.data(), ref.data(), ref.size()) == 0);
  }
  SECTION("grey becomes R=G=B, A=1") {
    std::vector<std::uint8_t> g(std::size_t(w) * h);
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = rgb[i].x;
    const Bytes jpg = tj_compress(g, w, h, TJPF_GRAY, TJSAMP_GRAY, 100);
    CHECK(io::probe(jpg).channels == 1);
    const auto ref = tj_decompress(jpg, w, h, TJPF_GRAY);
    ImageF32 img = io::load(jpg, on_cpu);
    const auto f = io::download(img);
    for (std::size_t i = 0; i < f.size(); ++i) {
      REQUIRE(f[i].x == ref[i] / 255.f);
      REQUIRE(f[i].y == f[i].x);
      REQUIRE(f[i].z == f[i].x);
      REQUIRE(f[i].w == 1.f);
      REQUIRE(std::abs(int(ref[i]) - int(g[i])) <= 2);
    }
  }
  SECTION("CMYK (YCCK, Adobe-inverted): R = C*K/255") {
    // RGB -> inverted CMYK as libjpeg-turbo's tools do it; k = min over (1 - channel).
    std::vector<std::uint8_t> cmyk;
    for (auto p : rgb) {
      const double c = 1 - p.x / 255.0, m = 1 - p.y / 255.0, y = 1 - p.z / 255.0;
      const double k = std::min({c, m, y});
      const double d = k < 1 ? 1 - k : 1;
      cmyk.push_back(std::uint8_t(255 - (k < 1 ? (c - k) / d : 0) * 255 + 0.5));
      cmyk.push_back(std::uint8_t(255 - (k < 1 ? (m - k) / d : 0) * 255 + 0.5));
      cmyk.push_back(std::uint8_t(255 - (k < 1 ? (y - k) / d : 0) * 255 + 0.5));
      cmyk.push_back(std::uint8_t(255 - k * 255 + 0.5));
    }
    const Bytes jpg = tj_compress(cmyk, w, h, TJPF_CMYK, TJSAMP_444, 100);
    CHECK(io::probe(jpg).channels == 4);
    const auto ref = tj_decompress(jpg, w, h, TJPF_CMYK);
    const auto u = load_u8(jpg);
    double err = 0;
    for (std::size_t i = 0; i < u.size(); ++i) {
      const unsigned k = ref[4 * i + 3];
      REQUIRE(int(u[i].x) == int((ref[4 * i] * k + 127) / 255));
      REQUIRE(int(u[i].y) == int((ref[4 * i + 1] * k + 127) / 255));
      REQUIRE(int(u[i].z) == int((ref[4 * i + 2] * k + 127) / 255));
      REQUIRE(int(u[i].w) == 255);
      err += std::abs(int(u[i].x) - int(rgb[i].x)) + std::abs(int(u[i].y) - int(rgb[i].y)) +
             std::abs(int(u[i].z) - int(rgb[i].z));
    }
    CHECK(err / double(3 * u.size()) < 3.0);  // and it is the original picture
  }
}

// =============================================================================================
// EXIF orientation
// =============================================================================================

TEST_CASE("io::load: EXIF orientation 1..8 from PNG eXIf (II and MM)", "[io][exif]") {
  const int w = 3, h = 2;
  Px a{w, h, {}};
  for (int i = 0; i < w * h; ++i)
    a.p.push_back(uchar4{std::uint8_t(10 + i), std::uint8_t(100 + 20 * i), std::uint8_t(250 - 30 * i), 255});
  for (bool little : {true, false}) {
    for (int o = 1; o <= 8; ++o) {
      INFO("orientation " << o << (little ? " II" : " MM"));
      const Bytes png = png_rgba8(w, h, a.p, tiff_orientation(o, little, o % 3));
      const Px e = expected_orientation(a, o);
      const auto info = io::probe(png);
      CHECK(info.orientation == o);
      CHECK(info.width == e.w);
      CHECK(info.height == e.h);
      ImageU8 dst(8, 8, cpu);
      io::load(png, dst);
      REQUIRE(dst.width() == e.w);
      REQUIRE(dst.height() == e.h);
      const auto got = io::download(dst);
      for (int y = 0; y < e.h; ++y)
        for (int x = 0; x < e.w; ++x) {
          const uchar4 g = got[std::size_t(y) * e.w + x], x0 = e.at(x, y);
          REQUIRE((g.x == x0.x && g.y == x0.y && g.z == x0.z && g.w == x0.w));
        }
      // autorotate = false: stored orientation, still reported.
      io::LoadParams raw = on_cpu;
      raw.autorotate = false;
      CHECK(io::probe(png, raw).width == w);
      CHECK(io::probe(png, raw).orientation == o);
      io::load(png, dst, raw);
      CHECK(dst.width() == w);
      CHECK(test::max_abs_diff(io::download(dst), a.p) == 0);
    }
  }
  // A LONG orientation value (seen in the wild) is accepted too.
  CHECK(io::probe(png_rgba8(w, h, a.p, tiff_orientation(6, true, 0, 4))).orientation == 6);
  // 16-bit PNGs rotate too, into f32 with full precision.
  PngSpec s{w, h, 16, 6, {}, {}, {}};
  for (int i = 0; i < w * h * 4; ++i) s.samples.push_back(std::uint16_t(1000 * i + 7));
  ImageF32 f = io::load(make_png(s, tiff_orientation(6)), on_cpu);
  CHECK(f.width() == h);
  CHECK(f.height() == w);
  CHECK(io::download(f)[0].x == float(12007) / 65535.f);  // display (0,0) = stored (0,1): sample 12
}

TEST_CASE("io::load: EXIF orientation 1..8 from JPEG APP1", "[io][exif]") {
  const int w = 32, h = 16;
  const auto px = smooth_u8(w, h);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const Bytes jpg = io::encode(src, io::Format::jpeg, {.quality = 100});
  Px base{w, h, load_u8(jpg)};
  for (bool little : {true, false}) {
    for (int o = 1; o <= 8; ++o) {
      INFO("orientation " << o);
      const Bytes j = jpeg_with_exif(jpg, tiff_orientation(o, little, 2));
      const Px e = expected_orientation(base, o);
      CHECK(io::probe(j).orientation == o);
      CHECK(io::probe(j).width == e.w);
      ImageU8 dst(w * h, 1, cpu);
      io::load(j, dst);
      REQUIRE(dst.width() == e.w);
      REQUIRE(dst.height() == e.h);
      CHECK(test::max_abs_diff(io::download(dst), e.p) == 0);
    }
  }
}

TEST_CASE("io::load: malformed EXIF is ignored, never fatal", "[io][exif]") {
  const int w = 3, h = 2;
  const auto px = test::random_u8(w, h, 8);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const Bytes jpg = io::encode(src, io::Format::jpeg);
  const auto good = tiff_orientation(6);

  std::vector<std::vector<std::uint8_t>> bad;
  bad.push_back({'X', 'X', 42, 0, 8, 0, 0, 0});                      // byte order
  bad.push_back({'I', 'I', 43, 0, 8, 0, 0, 0});                      // magic (BigTIFF)
  bad.push_back({'I', 'I', 42, 0});                                  // too short
  auto b = good;
  b[4] = 0xF0;  // IFD0 offset past the end
  bad.push_back(b);
  b = good;
  b[4] = 2;  // IFD0 offset inside the header
  bad.push_back(b);
  b = good;
  b[8] = 0xFF;  // 0xFFFF entries, block far shorter
  b[9] = 0xFF;
  bad.push_back(b);
  b = good;
  b.resize(good.size() - 8);  // entry cut in half
  bad.push_back(b);
  b = tiff_orientation(9);  // out of range
  bad.push_back(b);
  bad.push_back(tiff_orientation(0));
  bad.push_back(tiff_orientation(6, true, 0, 2));  // wrong type (ASCII)
  b = good;
  b[14] = 0;  // count 0
  b[15] = 0;
  b[16] = 0;
  b[17] = 0;
  bad.push_back(b);

  for (std::size_t i = 0; i < bad.size(); ++i) {
    INFO("case " << i);
    for (const Bytes& file : {jpeg_with_exif(jpg, bad[i]), png_rgba8(w, h, px, bad[i])}) {
      CHECK(io::probe(file).orientation == 1);
      CHECK(io::probe(file).width == w);
      ImageU8 dst(8, 8, cpu);
      io::load(file, dst);
      CHECK(dst.width() == w);
    }
  }
  // PNG: an eXIf chunk without a TIFF header, a duplicate eXIf (the first wins), an eXIf with a
  // bad CRC: libspng would reject the first two; imagecuda ignores them.
  const Bytes plain = png_rgba8(w, h, px);
  const Bytes garbage = insert_chunk(plain, "IDAT", "eXIf", {1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(io::probe(garbage).orientation == 1);
  CHECK(test::max_abs_diff(load_u8(garbage), px) == 0);
  const Bytes dup = insert_chunk(png_rgba8(w, h, px, tiff_orientation(6)), "IDAT", "eXIf", tiff_orientation(3));
  CHECK(io::probe(dup).orientation == 6);
  ImageU8 d(8, 8, cpu);
  io::load(dup, d);
  CHECK(d.width() == h);
  Bytes bad_crc = png_rgba8(w, h, px, tiff_orientation(6));
  bad_crc[find_chunk(bad_crc, "eXIf") + 8 + good.size()] ^= std::byte{0x55};
  CHECK(io::probe(bad_crc).orientation == 1);
  CHECK(test::max_abs_diff(load_u8(bad_crc), px) == 0);
  const Bytes empty_exif = insert_chunk(plain, "IDAT", "eXIf", {});
  CHECK(test::max_abs_diff(load_u8(empty_exif), px) == 0);
  // JPEG: an APP1 "Exif" segment with nothing after the identifier.
  CHECK(io::probe(jpeg_with_exif(jpg, {})).orientation == 1);
}

TEST_CASE("io::load: random corruption never crashes (mini fuzz)", "[io][exif]") {
  const int w = 9, h = 7;
  const auto px = test::random_u8(w, h, 9);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const std::vector<Bytes> seeds = {png_rgba8(w, h, px, tiff_orientation(5, false, 3)),
                                    jpeg_with_exif(io::encode(src, io::Format::jpeg), tiff_orientation(7, true, 3)),
                                    io::encode(src, io::Format::png)};
  std::mt19937 rng(1234);
  io::LoadParams p = on_cpu;
  p.max_pixels = 1 << 16;  // a mutated frame header must not make the loop slow
  int ok = 0, errors = 0;
  ImageF32 dst(64, 64, cpu);
  const auto before = memory_stats(cpu);
  for (const Bytes& seed : seeds) {
    for (int it = 0; it < 400; ++it) {
      Bytes b = seed;
      const int n = 1 + int(rng() % 6);
      for (int k = 0; k < n; ++k) b[rng() % b.size()] = std::byte(rng() & 0xFF);
      if (rng() % 4 == 0) b.resize(rng() % b.size());
      try {
        (void)io::probe(b, p);
        io::load(b, dst, p);
        ++ok;
      } catch (const Error& e) {
        ++errors;
        const auto c = e.code();
        CHECK((c == ErrorCode::decode || c == ErrorCode::unsupported));
      }
    }
  }
  CHECK(ok + errors == 1200);
  CHECK(errors > 0);
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
}

// =============================================================================================
// Hostile and broken input
// =============================================================================================

TEST_CASE("io::load: missing, unreadable, empty and unknown files", "[io][errors]") {
  const fs::path missing = temp_dir() / "missing.png";
  ImageF32 dst(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(io::load(missing, dst), ErrorCode::io,
                          "io::load: '" + missing.string() + "': cannot open: No such file or directory");
  REQUIRE_IMAGECUDA_ERROR(io::load(missing, on_cpu), ErrorCode::io, "No such file or directory");
  REQUIRE_IMAGECUDA_ERROR(io::probe(missing), ErrorCode::io, "io::probe: '");
  REQUIRE_IMAGECUDA_ERROR(io::load(temp_dir(), dst), ErrorCode::io, "is a directory");

  expect_load_error({}, ErrorCode::decode, "empty (0 bytes)");
  expect_load_error(to_bytes(std::string("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14)), ErrorCode::unsupported,
                    "unsupported format GIF");
  expect_load_error(to_bytes(std::string("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", 14)),
                    ErrorCode::unsupported, "unsupported format BMP");
  expect_load_error(to_bytes(std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)), ErrorCode::unsupported, "WebP");
  expect_load_error(to_bytes(std::string("<html><body>not an image</body></html>")), ErrorCode::unsupported,
                    "not a PNG or JPEG file (starts with 3c 68 74 6d 6c 3e 3c 62)");
  expect_load_error(to_bytes(std::string("\x89PN", 3)), ErrorCode::decode, "truncated PNG");
  expect_load_error(to_bytes(std::string("\xFF\xD8", 2)), ErrorCode::decode, "truncated JPEG");
  REQUIRE_IMAGECUDA_ERROR(io::probe(Bytes{}), ErrorCode::decode, "io::probe: <memory>: empty");
}

TEST_CASE("io::load: truncated and corrupt PNG", "[io][errors]") {
  const int w = 64, h = 48;
  const auto px = test::random_u8(w, h, 13);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const Bytes png = io::encode(src, io::Format::png);  // real deflate (libdeflate)
  const std::size_t idat = find_chunk(png, "IDAT");
  REQUIRE(idat != std::string::npos);

  SECTION("truncated") {
    expect_load_error(Bytes(png.begin(), png.begin() + std::ptrdiff_t(png.size() / 2)), ErrorCode::decode,
                      "truncated PNG");
    expect_load_error(Bytes(png.begin(), png.begin() + 20), ErrorCode::decode, "truncated PNG");
    expect_load_error(Bytes(png.begin(), png.begin() + std::ptrdiff_t(idat)), ErrorCode::decode, "PNG");
    expect_load_error(Bytes(png.begin(), png.begin() + std::ptrdiff_t(idat + 20)), ErrorCode::decode, "PNG");
  }
  SECTION("IDAT CRC") {
    Bytes b = png;
    b[idat + 8 + get32(png, idat)] ^= std::byte{1};
    expect_load_error(b, ErrorCode::decode, "invalid PNG");
  }
  SECTION("IHDR CRC") {
    Bytes b = png;
    b[29] ^= std::byte{0x80};
    expect_load_error(b, ErrorCode::decode, "invalid PNG");
    REQUIRE_IMAGECUDA_ERROR(io::probe(b), ErrorCode::decode, "invalid PNG");
  }
  SECTION("corrupt deflate data (CRC fixed so only zlib can tell)") {
    Bytes b = png;
    for (std::size_t i = 0; i < 24; ++i) b[idat + 8 + get32(png, idat) / 2 + i] = std::byte{0xFF};
    fix_crc(b, idat);
    expect_load_error(b, ErrorCode::decode, "invalid PNG");
    // Stored blocks with a broken LEN/NLEN pair.
    Bytes s = png_rgba8(w, h, px);
    const std::size_t si = find_chunk(s, "IDAT");
    s[si + 8 + 2 + 3] ^= std::byte{0xFF};  // NLEN of the first stored block
    fix_crc(s, si);
    expect_load_error(s, ErrorCode::decode, "invalid PNG");
  }
  SECTION("bad IHDR fields") {
    Bytes b = png;
    b[8 + 8 + 8] = std::byte{7};  // bit depth 7
    fix_crc(b, 8);
    expect_load_error(b, ErrorCode::decode, "invalid PNG");
    Bytes z = png;
    for (int i = 0; i < 4; ++i) z[16 + std::size_t(i)] = std::byte{0};  // width 0
    fix_crc(z, 8);
    expect_load_error(z, ErrorCode::decode, "invalid PNG");
  }
}

TEST_CASE("io::load: absurd declared sizes are rejected from the header", "[io][errors]") {
  const auto px = test::random_u8(64, 64, 14);
  const Bytes png = png_rgba8(64, 64, px);
  auto patch = [&](std::uint32_t pw, std::uint32_t ph) {
    Bytes b = png;
    for (int i = 0; i < 4; ++i) {
      b[16 + std::size_t(i)] = std::byte(pw >> (24 - 8 * i));
      b[20 + std::size_t(i)] = std::byte(ph >> (24 - 8 * i));
    }
    fix_crc(b, 8);
    return b;
  };
  expect_load_error(patch(100000, 100000), ErrorCode::decode,
                    "declared size 100000x100000 exceeds the limit of 32768 pixels a side");
  REQUIRE_IMAGECUDA_ERROR(io::probe(patch(100000, 100000)), ErrorCode::decode, "100000x100000");
  expect_load_error(patch(32769, 1), ErrorCode::decode, "32769x1");
  expect_load_error(patch(0x7FFFFFFF, 0x7FFFFFFF), ErrorCode::decode, "2147483647x2147483647");
  // Within 32768 but beyond max_pixels: rejected before any pixel memory is taken.
  io::LoadParams small = on_cpu;
  small.max_pixels = 1000;
  expect_load_error(png, ErrorCode::decode, "declared size 64x64 (4096 pixels) exceeds LoadParams::max_pixels (1000)",
                    small);
  expect_load_error(patch(30000, 30000), ErrorCode::decode, "exceeds LoadParams::max_pixels");  // 900M > 2^27

  // JPEG: the SOF0 frame header patched to 40000 wide.
  ImageU8 src = test::make_u8(16, 16, test::random_u8(16, 16, 1), cpu);
  Bytes jpg = io::encode(src, io::Format::jpeg);
  std::size_t sof = 2;
  while (!(jpg[sof] == std::byte{0xFF} && jpg[sof + 1] == std::byte{0xC0})) ++sof;
  Bytes big = jpg;
  big[sof + 7] = std::byte{0x9C};  // width = 0x9C40 = 40000
  big[sof + 8] = std::byte{0x40};
  expect_load_error(big, ErrorCode::decode, "declared size 40000x16 exceeds the limit of 32768 pixels a side");
  expect_load_error(jpg, ErrorCode::decode, "declared size 16x16 (256 pixels) exceeds LoadParams::max_pixels (100)",
                    io::LoadParams{.max_pixels = 100, .device = Device::cpu()});
}

TEST_CASE("io::load: truncated, corrupt and unsupported JPEG", "[io][errors]") {
  const int w = 96, h = 64;
  const auto px = smooth_u8(w, h);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const Bytes jpg = io::encode(src, io::Format::jpeg, {.quality = 90});
  std::size_t sos = 2;
  while (!(jpg[sos] == std::byte{0xFF} && jpg[sos + 1] == std::byte{0xDA})) ++sos;

  SECTION("truncated: a libjpeg warning, an error by default (strict)") {
    const Bytes cut(jpg.begin(), jpg.begin() + std::ptrdiff_t(sos + (jpg.size() - sos) / 2));
    expect_load_error(cut, ErrorCode::decode, "corrupt or truncated JPEG: Premature end of JPEG file");
    // strict = false: what libjpeg recovered.
    io::LoadParams lenient = on_cpu;
    lenient.strict = false;
    ImageU8 dst(w, h, cpu);
    io::load(cut, dst, lenient);
    CHECK(dst.width() == w);
    // Cut inside the headers: fatal.
    expect_load_error(Bytes(jpg.begin(), jpg.begin() + 40), ErrorCode::decode, "invalid JPEG");
    expect_load_error(Bytes(jpg.begin(), jpg.begin() + std::ptrdiff_t(sos + 2)), ErrorCode::decode, "JPEG");
  }
  SECTION("corrupt Huffman data") {
    Bytes b = jpg;
    // 0xFF 0x00 is a stuffed all-ones byte: a long run of 1 bits is never a valid Huffman code.
    for (std::size_t i = sos + 40; i < sos + 120; i += 2) {
      b[i] = std::byte{0xFF};
      b[i + 1] = std::byte{0x00};
    }
    expect_load_error(b, ErrorCode::decode, "corrupt or truncated JPEG: Corrupt JPEG data");
  }
  SECTION("corrupt markers") {
    Bytes b = jpg;
    b[sos + 1] = std::byte{0x00};  // SOS marker destroyed
    expect_load_error(b, ErrorCode::decode, "JPEG");
  }
  SECTION("lossless and 12-bit JPEG are valid but unsupported") {
    std::size_t sof = 2;
    while (!(jpg[sof] == std::byte{0xFF} && jpg[sof + 1] == std::byte{0xC0})) ++sof;
    Bytes b = jpg;
    b[sof + 1] = std::byte{0xC3};
    expect_load_error(b, ErrorCode::unsupported, "lossless JPEG (SOF3) is not supported");
    b[sof + 1] = std::byte{0xC5};
    expect_load_error(b, ErrorCode::unsupported, "hierarchical JPEG");
    b = jpg;
    b[sof + 4] = std::byte{12};
    expect_load_error(b, ErrorCode::unsupported, "12-bit JPEG is not supported");
  }
}

TEST_CASE("io::load: destination too small, freed or on another device", "[io][errors]") {
  const auto px = test::random_u8(20, 10, 15);
  const Bytes png = png_rgba8(20, 10, px);
  ImageF32 small(10, 10, cpu);
  fill::color(small, rgba(0.5f, 0.5f, 0.5f, 1.f));
  small.set_size(5, 5);
  ImageU8 small8(10, 10, cpu);
  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(io::load(png, small), ErrorCode::invalid_argument,
                          "io::load: <memory>: dst capacity of 100 pixels is too small for 20x10 (200 pixels)");
  CHECK(small.width() == 5);
  CHECK(io::download(small)[0].x == 0.5f);
  REQUIRE_IMAGECUDA_ERROR(io::load(png, small8), ErrorCode::invalid_argument, "too small for 20x10");
  CHECK(small8.width() == 10);
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);

  ImageF32 freed(30, 30, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(io::load(png, freed), ErrorCode::freed, "io::load: dst was freed");
  ImageF32 empty;
  REQUIRE_IMAGECUDA_ERROR(io::load(png, empty), ErrorCode::invalid_argument, "dst is empty");
  REQUIRE_IMAGECUDA_ERROR(io::load(temp_dir() / "missing.png", empty), ErrorCode::invalid_argument, "dst is empty");
}

// =============================================================================================
// Reuse without allocation
// =============================================================================================

TEST_CASE("io::load: steady-state loads into dst + workspace allocate nothing", "[io][memory]") {
  const int w = 120, h = 80;
  const auto px = test::random_u8(w, h, 16);
  ImageU8 src = test::make_u8(w, h, px, cpu);
  const Bytes png = io::encode(src, io::Format::png);
  const Bytes jpg = io::encode(src, io::Format::jpeg);
  const Bytes png16 = io::encode(src, io::Format::png, {.bit_depth = 16});
  const Bytes rotated = jpeg_with_exif(jpg, tiff_orientation(6));

  ImageF32 dst(w, h, cpu);
  ImageU8 dst8(w, h, cpu);
  Workspace ws(io::load_requirements(w, h), cpu);
  const Exec ex{Stream{}, &ws};
  const auto before = memory_stats(cpu);
  for (int i = 0; i < 10; ++i) {
    io::load(png, dst, on_cpu, ex);
    io::load(jpg, dst, on_cpu, ex);
    io::load(png16, dst, on_cpu, ex);
    io::load(rotated, dst, on_cpu, ex);
    io::load(png, dst8, on_cpu, ex);
    io::load(png16, dst8, on_cpu, ex);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  CHECK(ws.size() == io::load_requirements(w, h).bytes);
  io::load(png, dst, on_cpu, ex);
  CHECK(test::max_abs_diff(io::download(dst), as_f32(px)) == 0.f);

  // Without a workspace: one temporary staging allocation per 8-bit load, nothing kept.
  io::load(png, dst, on_cpu);
  CHECK(memory_stats(cpu).allocations == after.allocations + 1);
  CHECK(memory_stats(cpu).bytes_in_use == after.bytes_in_use);
  // A returned image is allocated on LoadParams::device with the file's size.
  ImageF32 fresh = io::load(png, on_cpu);
  CHECK(fresh.device() == cpu);
  CHECK(fresh.capacity() == std::size_t(w) * h);
}

TEST_CASE("io::probe: header facts without decoding", "[io]") {
  ImageU8 src = test::make_u8(30, 20, test::random_u8(30, 20, 2), cpu);
  const auto jpg = io::probe(io::encode(src, io::Format::jpeg));
  CHECK((jpg.width == 30 && jpg.height == 20 && jpg.format == io::Format::jpeg && jpg.bit_depth == 8 &&
         jpg.channels == 3 && jpg.orientation == 1));
  // A probe of a PNG whose pixel data is missing still answers (header only).
  const Bytes png = io::encode(src, io::Format::png);
  const std::size_t idat = find_chunk(png, "IDAT");
  const Bytes head(png.begin(), png.begin() + std::ptrdiff_t(idat + 8));
  const auto info = io::probe(head);
  CHECK((info.width == 30 && info.height == 20 && info.channels == 4));
  REQUIRE_IMAGECUDA_ERROR(io::load(head, on_cpu), ErrorCode::decode, "PNG");
}

TEST_CASE("io: the docs example (save, probe, load, a reused destination)", "[io]") {
  const fs::path dir = temp_dir();
  ImageF32 card(320, 200, cpu);
  fill::color(card, hex("#3366cc"));
  fill::color(card.crop_view(0, 0, 160, 200), rgba(1.f, 0.5f, 0.f, 0.5f));
  // example-begin io-files
  io::save(card, dir / "card.png");                       // 8-bit PNG (RGBA; RGB when opaque)
  io::save(card, dir / "card.jpg", {.quality = 90});      // JPEG: alpha composited over white
  io::save(card, dir / "card16.png", {.bit_depth = 16});  // 16-bit PNG (same writer, libdeflate)

  const io::ImageInfo info = io::probe(dir / "card.jpg");  // header only: 320x200, 3 channels
  ImageF32 img = io::load(dir / "card16.png", {.device = Device::cpu()});  // a new image

  // A server loop: one destination and one workspace, no allocation per request.
  ImageF32 dst(1920, 1080, Device::cpu());
  Workspace ws(io::load_requirements(1920, 1080), Device::cpu());
  io::load(dir / "card.jpg", dst, {}, {Stream{}, &ws});  // dst becomes 320x200
  // example-end
  CHECK(info.width == 320);
  CHECK(info.channels == 3);
  CHECK(img.width() == 320);
  CHECK(dst.width() == 320);
  CHECK(dst.height() == 200);
  const auto px = io::download(img);
  CHECK(std::fabs(px[0].w - 0.5f) < 1e-4f);
  CHECK(std::fabs(px[200].z - 0.8f) < 1e-4f);  // #3366cc: blue 0xcc = 0.8
}
