// SPDX-License-Identifier: MIT
/// @file png_write.cpp  imagecuda's own PNG writer: 8- and 16-bit RGB/RGBA, filtered row by row
/// and compressed in one call by libdeflate. Decoding stays with libspng (png.cpp).
///
/// The file is: signature, IHDR, IDAT chunks of at most 1 MiB each, IEND; every CRC from
/// libdeflate_crc32. SaveParams::png_compression 0..9 picks a libdeflate level and a row filter
/// strategy (the table `plans` below, measured in docs/io.md).
#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "codec.hpp"

namespace imagecuda::io::codec {
namespace {

using u8 = std::uint8_t;

constexpr std::array<u8, 8> png_signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
/// Per-thread buffers larger than this are freed after the call instead of kept for the next.
constexpr std::size_t keep_limit = std::size_t(64) << 20;

// --- row filters --------------------------------------------------------------------------------
// Each writes out[i] = row[i] - predictor for i in [0, n), the first `bpp` bytes having no left
// neighbour (0). The main loops run over blocks of `block` bytes with a constant trip count and
// __restrict pointers, so that g++ -O2 (GCC 12's "very cheap" vectoriser cost model) vectorises
// them with SSE2; the tails are scalar.

constexpr std::size_t block = 32;

enum Filter : u8 { none = 0, sub = 1, up = 2, average = 3, paeth = 4 };

void filter_sub(const u8* __restrict x, u8* __restrict out, std::size_t n, std::size_t bpp) noexcept {
  const std::size_t head = std::min(n, bpp);
  for (std::size_t i = 0; i < head; ++i) out[i] = x[i];
  std::size_t i = head;
  for (; i + block <= n; i += block)
    for (std::size_t k = 0; k < block; ++k) out[i + k] = u8(x[i + k] - x[i + k - bpp]);
  for (; i < n; ++i) out[i] = u8(x[i] - x[i - bpp]);
}

void filter_up(const u8* __restrict x, const u8* __restrict prev, u8* __restrict out, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + block <= n; i += block)
    for (std::size_t k = 0; k < block; ++k) out[i + k] = u8(x[i + k] - prev[i + k]);
  for (; i < n; ++i) out[i] = u8(x[i] - prev[i]);
}

void filter_average(const u8* __restrict x, const u8* __restrict prev, u8* __restrict out, std::size_t n,
                    std::size_t bpp) noexcept {
  const std::size_t head = std::min(n, bpp);
  for (std::size_t i = 0; i < head; ++i) out[i] = u8(x[i] - (prev[i] >> 1));
  std::size_t i = head;
  for (; i + block <= n; i += block)
    for (std::size_t k = 0; k < block; ++k)
      out[i + k] = u8(x[i + k] - ((unsigned(x[i + k - bpp]) + prev[i + k]) >> 1));
  for (; i < n; ++i) out[i] = u8(x[i] - ((unsigned(x[i - bpp]) + prev[i]) >> 1));
}

/// The PNG specification's Paeth predictor (a left, b up, c up-left), as written there.
u8 paeth_predictor(int a, int b, int c) noexcept {
  const int p = a + b - c;
  const int pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
  return u8(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/// Paeth in 8-bit lanes (16 per SSE2 register): pa = |b - c| and pb = |a - c| fit a byte;
/// pc = |(b - c) + (a - c)| is pa + pb when both differences have the same sign (saturated at
/// 255, which changes no comparison against pa, pb <= 255) and |pa - pb| otherwise. Equal to
/// paeth_predictor for all 2^24 inputs (tests/test_io_png_write.cpp checks it exhaustively
/// through png_filter_paeth).
void filter_paeth(const u8* __restrict x, const u8* __restrict prev, u8* __restrict out, std::size_t n,
                  std::size_t bpp) noexcept {
  const std::size_t head = std::min(n, bpp);
  for (std::size_t i = 0; i < head; ++i) out[i] = u8(x[i] - prev[i]);  // a = c = 0: predictor b
  std::size_t i = head;
  for (; i + block <= n; i += block)
    for (std::size_t k = 0; k < block; ++k) {
      const u8 a = x[i + k - bpp], b = prev[i + k], c = prev[i + k - bpp];
      const u8 pa = u8((b > c ? b : c) - (b < c ? b : c));
      const u8 pb = u8((a > c ? a : c) - (a < c ? a : c));
      const u8 sum = u8(pa + pb);
      const u8 sat = sum < pa ? u8(255) : sum;
      const u8 dif = u8((pa > pb ? pa : pb) - (pa < pb ? pa : pb));
      const u8 pc = (b >= c) == (a >= c) ? sat : dif;
      const u8 pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      out[i + k] = u8(x[i + k] - pred);
    }
  for (; i < n; ++i) out[i] = u8(x[i] - paeth_predictor(x[i - bpp], prev[i], prev[i - bpp]));
}

/// Sum of |int8(v)| over the row: the "minimum sum of absolute differences" cost of a filtered
/// row. |int8(v)| is min(v, 256 - v) in bytes.
std::size_t row_cost(const u8* __restrict v, std::size_t n) noexcept {
  std::size_t s = 0, i = 0;
  for (; i + block <= n; i += block) {
    unsigned t = 0;
    for (std::size_t k = 0; k < block; ++k) {
      const u8 a = v[i + k], m = u8(-a);
      t += a < m ? a : m;
    }
    s += t;
  }
  for (; i < n; ++i) {
    const u8 a = v[i], m = u8(-a);
    s += a < m ? a : m;
  }
  return s;
}

// --- levels ---------------------------------------------------------------------------------------

enum class Strategy : u8 {
  none,      ///< filter type 0 on every row (level 0: stored blocks, nothing to gain)
  paeth,     ///< Paeth on every row
  adaptive,  ///< per row, the filter with the smallest row_cost (libpng's heuristic)
};

struct Plan {
  int deflate_level;  ///< libdeflate 0..12
  Strategy strategy;
};

/// SaveParams::png_compression -> what is done (docs/io.md has the measured sizes and times).
constexpr std::array<Plan, 10> plans = {{
    {0, Strategy::none},       // 0: stored, fastest, largest
    {1, Strategy::paeth},      // 1: the pipeline's level
    {2, Strategy::paeth},      // 2: the default
    {3, Strategy::adaptive},   //
    {4, Strategy::adaptive},   //
    {5, Strategy::adaptive},   //
    {6, Strategy::adaptive},   // 6: libdeflate's (and zlib's) default
    {7, Strategy::adaptive},   //
    {10, Strategy::adaptive},  // 8: near-optimal parsing
    {12, Strategy::adaptive},  // 9: smallest
}};

// --- per-thread state -------------------------------------------------------------------------------

struct CompressorDeleter {
  void operator()(libdeflate_compressor* c) const noexcept { libdeflate_free_compressor(c); }
};

/// An uninitialised byte buffer that only grows.
struct Buffer {
  std::unique_ptr<u8[]> data;
  std::size_t size = 0;
  u8* get(std::size_t n) {
    if (n > size) {
      data.reset();
      size = 0;
      data.reset(new u8[n]);
      size = n;
    }
    return data.get();
  }
  void trim() noexcept {
    if (size > keep_limit) {
      data.reset();
      size = 0;
    }
  }
};

/// One compressor per libdeflate level 0..9, made on first use (allocating one costs more than
/// compressing a small image), and the filtered and compressed buffers, kept between calls of a
/// thread (up to keep_limit bytes each).
struct ThreadState {
  std::array<std::unique_ptr<libdeflate_compressor, CompressorDeleter>, 10> compressors;
  Buffer filtered, compressed, rows;
};

ThreadState& thread_state() {
  thread_local ThreadState state;
  return state;
}

void put32(u8* p, std::uint32_t v) noexcept {
  p[0] = u8(v >> 24);
  p[1] = u8(v >> 16);
  p[2] = u8(v >> 8);
  p[3] = u8(v);
}

/// Appends one chunk (length, type, data, CRC over type and data) at `p`; returns the end.
u8* put_chunk(u8* p, const char* type, const u8* data, std::size_t n) noexcept {
  put32(p, std::uint32_t(n));
  std::memcpy(p + 4, type, 4);
  if (n != 0) std::memcpy(p + 8, data, n);
  put32(p + 8 + n, libdeflate_crc32(0, p + 4, 4 + n));
  return p + 12 + n;
}

/// Row y of the image in PNG layout (bytes, 16-bit big-endian): the source row itself when the
/// layouts agree, else converted into `tmp`.
const u8* png_row(const void* samples, int w, int y, int src_channels, int channels, int bit_depth, u8* tmp) noexcept {
  const std::size_t px = std::size_t(w);
  if (bit_depth == 8) {
    const u8* s = static_cast<const u8*>(samples) + std::size_t(y) * px * std::size_t(src_channels);
    if (src_channels == channels) return s;
    // 4 -> 3: drop alpha (the only conversion png8_encode asks for). Four bytes copied per pixel,
    // the fourth overwritten by the next pixel: `tmp` has a byte of slack after the row.
    for (std::size_t i = 0; i < px; ++i) std::memcpy(tmp + 3 * i, s + 4 * i, 4);
    return tmp;
  }
  const auto* s = static_cast<const std::uint16_t*>(samples) + std::size_t(y) * px * std::size_t(src_channels);
  const auto cs = std::size_t(src_channels), cd = std::size_t(channels);
  for (std::size_t i = 0; i < px; ++i)
    for (std::size_t c = 0; c < cd; ++c) {
      const std::uint16_t v = s[cs * i + c];
      tmp[2 * (cd * i + c) + 0] = u8(v >> 8);
      tmp[2 * (cd * i + c) + 1] = u8(v);
    }
  return tmp;
}

}  // namespace

void png_filter_paeth(const std::uint8_t* row, const std::uint8_t* prev, std::uint8_t* out, std::size_t n,
                      std::size_t bpp) noexcept {
  filter_paeth(row, prev, out, n, bpp);
}

std::vector<std::byte> png_frame(int w, int h, int bit_depth, int channels, std::size_t zn) {
  const std::size_t idats = (zn + png_idat_max - 1) / png_idat_max;
  std::vector<std::byte> file(8 + (12 + 13) + zn + 12 * idats + 12);
  u8* p = reinterpret_cast<u8*>(file.data());
  std::memcpy(p, png_signature.data(), 8);
  std::array<u8, 13> ihdr{};
  put32(ihdr.data(), std::uint32_t(w));
  put32(ihdr.data() + 4, std::uint32_t(h));
  ihdr[8] = u8(bit_depth);
  ihdr[9] = channels == 4 ? 6 : 2;  // colour type: RGBA or RGB
  // ihdr[10..12]: deflate, adaptive filtering, no interlace (all 0)
  put_chunk(p + 8, "IHDR", ihdr.data(), ihdr.size());
  std::size_t end = 8 + 12 + 13;
  for_each_idat(zn, [&](std::size_t at, std::size_t, std::size_t n) {
    put32(p + at - 8, std::uint32_t(n));
    std::memcpy(p + at - 4, "IDAT", 4);
    end = at + n + 4;  // data and CRC: png_seal
  });
  put_chunk(p + end, "IEND", nullptr, 0);
  return file;
}

void png_seal(std::vector<std::byte>& file, std::size_t zn) noexcept {
  u8* p = reinterpret_cast<u8*>(file.data());
  for_each_idat(zn, [&](std::size_t at, std::size_t, std::size_t n) {
    put32(p + at + n, libdeflate_crc32(0, p + at - 4, 4 + n));
  });
}

std::vector<std::byte> png_file(int w, int h, int bit_depth, int channels, const std::uint8_t* z, std::size_t zn) {
  std::vector<std::byte> file = png_frame(w, h, bit_depth, channels, zn);
  for_each_idat(zn, [&](std::size_t at, std::size_t off, std::size_t n) { std::memcpy(file.data() + at, z + off, n); });
  png_seal(file, zn);
  return file;
}

std::vector<std::byte> png_write(const void* samples, int w, int h, int src_channels, int channels, int bit_depth,
                                 int level, const Origin& o) {
  if (w <= 0 || h <= 0 || w > max_dimension || h > max_dimension)
    fail(o, ErrorCode::invalid_argument, "cannot write a {}x{} PNG", w, h);
  if (level < 0 || level > 9) fail(o, ErrorCode::invalid_argument, "png_compression must be 0..9, got {}", level);
  if ((bit_depth != 8 && bit_depth != 16) || (channels != 3 && channels != 4) ||
      (src_channels != 3 && src_channels != 4) || channels > src_channels)
    fail(o, ErrorCode::invalid_argument, "cannot write {} channels of {} bits from {} channels", channels, bit_depth,
         src_channels);
  const Plan plan = plans[std::size_t(level)];
  const std::size_t bpp = std::size_t(channels) * std::size_t(bit_depth / 8);
  const std::size_t n = std::size_t(w) * bpp;  // bytes per row, filter byte excluded
  const std::size_t raw = (n + 1) * std::size_t(h);
  ThreadState& ts = thread_state();
  struct Trim {  // give oversized buffers back however the call ends
    ThreadState& ts;
    ~Trim() {
      ts.filtered.trim();
      ts.compressed.trim();
      ts.rows.trim();
    }
  } trim{ts};

  try {
    // --- filter ---
    u8* filtered = ts.filtered.get(raw);
    // rows: two converted rows (current, previous; a byte of slack each), a zero row, and the
    // four candidate rows of the adaptive strategy.
    const std::size_t stride = n + 16;
    u8* rows = ts.rows.get(7 * stride);
    u8* conv[2] = {rows, rows + stride};
    u8* zero = rows + 2 * stride;
    std::memset(zero, 0, n);
    u8* cand[4] = {rows + 3 * stride, rows + 4 * stride, rows + 5 * stride, rows + 6 * stride};
    const u8* prev = zero;
    for (int y = 0; y < h; ++y) {
      const u8* x = png_row(samples, w, y, src_channels, channels, bit_depth, conv[y & 1]);
      u8* out = filtered + std::size_t(y) * (n + 1);
      switch (plan.strategy) {
        case Strategy::none:
          out[0] = Filter::none;
          std::memcpy(out + 1, x, n);
          break;
        case Strategy::paeth:
          out[0] = Filter::paeth;
          filter_paeth(x, prev, out + 1, n, bpp);
          break;
        case Strategy::adaptive: {
          filter_sub(x, cand[0], n, bpp);
          filter_up(x, prev, cand[1], n);
          filter_average(x, prev, cand[2], n, bpp);
          filter_paeth(x, prev, cand[3], n, bpp);
          u8 best = Filter::none;
          std::size_t best_cost = row_cost(x, n);
          for (u8 f = Filter::sub; f <= Filter::paeth; ++f) {
            const std::size_t c = row_cost(cand[f - 1], n);
            if (c < best_cost) {
              best_cost = c;
              best = f;
            }
          }
          out[0] = best;
          std::memcpy(out + 1, best == Filter::none ? x : cand[best - 1], n);
          break;
        }
      }
      prev = x;
    }

    // --- compress ---
    // Compressors of levels <= 9 (0.7 MB at most) stay with the thread; the near-optimal ones
    // (10..12: 9 MB each) are made per call, which costs little next to their compression time.
    std::unique_ptr<libdeflate_compressor, CompressorDeleter> once;
    auto& comp = plan.deflate_level <= 9 ? ts.compressors[std::size_t(plan.deflate_level)] : once;
    if (!comp) comp.reset(libdeflate_alloc_compressor(plan.deflate_level));
    if (!comp) fail(o, ErrorCode::out_of_memory, "cannot allocate a libdeflate compressor (level {})", plan.deflate_level);
    const std::size_t bound = libdeflate_zlib_compress_bound(comp.get(), raw);
    u8* z = ts.compressed.get(bound);
    const std::size_t zn = libdeflate_zlib_compress(comp.get(), filtered, raw, z, bound);
    if (zn == 0) fail(o, ErrorCode::unsupported, "libdeflate could not compress {} bytes", raw);

    return png_file(w, h, bit_depth, channels, z, zn);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "cannot allocate host memory to write a {}x{} PNG ({} bytes of samples)", w,
         h, raw);
  }
}

bool all_opaque(const std::uint8_t* rgba, std::size_t pitch, int w, int h) noexcept {
  // The AND of all pixels, as 32-bit words, has 255 in its alpha byte exactly when every alpha
  // is 255 (byte lanes don't mix; the alpha byte's place in the word is read back through memcpy,
  // whatever the endianness). Blocks of 8 pixels vectorise; checked a row at a time, stopping at
  // the first row with a translucent pixel.
  const std::size_t px = std::size_t(w);
  for (int y = 0; y < h; ++y) {
    const u8* r = rgba + std::size_t(y) * pitch;
    std::uint32_t all = ~std::uint32_t(0);
    std::size_t i = 0;
    for (; i + 8 <= px; i += 8) {
      std::array<std::uint32_t, 8> v;
      std::memcpy(v.data(), r + 4 * i, 32);
      for (std::size_t k = 0; k < 8; ++k) all &= v[k];
    }
    for (; i < px; ++i) {
      std::uint32_t v;
      std::memcpy(&v, r + 4 * i, 4);
      all &= v;
    }
    std::array<u8, 4> bytes;
    std::memcpy(bytes.data(), &all, 4);
    if (bytes[3] != 255) return false;
  }
  return true;
}

std::vector<std::byte> png8_encode(const std::uint8_t* rgba, int w, int h, int level, const Origin& o) {
  // Opaque: write RGB (a quarter less to filter and compress; loads back identically).
  const bool opaque = all_opaque(rgba, std::size_t(w) * 4, w, h);
  return png_write(rgba, w, h, 4, opaque ? 3 : 4, 8, level, o);
}

std::vector<std::byte> png16_encode(const std::uint16_t* rgba, int w, int h, int level, const Origin& o) {
  const std::size_t n = std::size_t(w) * std::size_t(h);
  bool opaque = true;
  for (std::size_t i = 0; i < n && opaque; ++i) opaque = rgba[4 * i + 3] == 65535;
  return png_write(rgba, w, h, 4, opaque ? 3 : 4, 16, level, o);
}

}  // namespace imagecuda::io::codec
