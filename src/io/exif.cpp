// SPDX-License-Identifier: MIT
/// @file exif.cpp  A small, bounded EXIF reader (orientation only) and the 8 orientation transforms.
///
/// Untrusted input: every read is checked against the block; only IFD0 is read (no IFD chains,
/// no recursion; its table of at most 65535 twelve-byte entries must fit in the block); anything
/// odd means "no orientation" (1). Nothing here allocates except orient(), nothing throws except
/// orient()'s allocation.
#include <cstring>

#include "codec.hpp"

namespace imagecuda::io::codec {
namespace {

struct Reader {
  const unsigned char* d;
  std::size_t n;
  bool little;
  bool u16(std::size_t off, std::uint32_t& v) const noexcept {
    if (off > n || n - off < 2) return false;
    v = little ? std::uint32_t(d[off]) | std::uint32_t(d[off + 1]) << 8
               : std::uint32_t(d[off]) << 8 | std::uint32_t(d[off + 1]);
    return true;
  }
  bool u32(std::size_t off, std::uint32_t& v) const noexcept {
    if (off > n || n - off < 4) return false;
    v = little ? std::uint32_t(d[off]) | std::uint32_t(d[off + 1]) << 8 | std::uint32_t(d[off + 2]) << 16 |
                     std::uint32_t(d[off + 3]) << 24
               : std::uint32_t(d[off]) << 24 | std::uint32_t(d[off + 1]) << 16 | std::uint32_t(d[off + 2]) << 8 |
                     std::uint32_t(d[off + 3]);
    return true;
  }
};

constexpr std::uint32_t tag_orientation = 0x0112;
constexpr std::uint32_t type_short = 3;
constexpr std::uint32_t type_long = 4;

}  // namespace

int exif_orientation_from_tiff(std::span<const std::byte> tiff) noexcept {
  const auto* d = reinterpret_cast<const unsigned char*>(tiff.data());
  const std::size_t n = tiff.size();
  if (n < 8) return 1;
  Reader r{d, n, false};
  if (d[0] == 'I' && d[1] == 'I')
    r.little = true;
  else if (d[0] == 'M' && d[1] == 'M')
    r.little = false;
  else
    return 1;
  std::uint32_t magic = 0, ifd0 = 0, count = 0;
  if (!r.u16(2, magic) || magic != 42) return 1;
  if (!r.u32(4, ifd0) || ifd0 < 8 || !r.u16(ifd0, count)) return 1;
  if (std::size_t(count) * 12 > n - ifd0 - 2) return 1;  // the IFD0 table must fit in the block
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t e = std::size_t(ifd0) + 2 + std::size_t(i) * 12;
    std::uint32_t tag = 0, type = 0, cnt = 0, value = 0;
    if (!r.u16(e, tag) || !r.u16(e + 2, type) || !r.u32(e + 4, cnt)) return 1;
    if (tag != tag_orientation) continue;
    if (cnt < 1) return 1;
    // The value fits in the entry's 4-byte value field (left-justified), so no offset to follow.
    if (type == type_short) {
      if (!r.u16(e + 8, value)) return 1;
    } else if (type == type_long) {  // not what the standard says, but seen in the wild
      if (!r.u32(e + 8, value)) return 1;
    } else {
      return 1;
    }
    return value >= 1 && value <= 8 ? int(value) : 1;
  }
  return 1;
}

int jpeg_exif_orientation(std::span<const std::byte> jpeg) noexcept {
  const auto* d = reinterpret_cast<const unsigned char*>(jpeg.data());
  const std::size_t n = jpeg.size();
  if (n < 4 || d[0] != 0xFF || d[1] != 0xD8) return 1;
  std::size_t off = 2;
  while (off + 4 <= n) {
    if (d[off] != 0xFF) return 1;  // not at a marker: give up (libjpeg judges the file)
    const unsigned char marker = d[off + 1];
    if (marker == 0xFF) {  // fill byte
      ++off;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      off += 2;
      continue;
    }
    if (marker == 0xDA || marker == 0xD9) return 1;  // start of scan / end of image: no EXIF
    const std::size_t len = std::size_t(d[off + 2]) << 8 | d[off + 3];  // includes the 2 length bytes
    if (len < 2 || len > n - off - 2) return 1;
    const unsigned char* seg = d + off + 4;
    const std::size_t seg_len = len - 2;
    if (marker == 0xE1 && seg_len >= 6 && std::memcmp(seg, "Exif\0\0", 6) == 0)
      return exif_orientation_from_tiff(
          std::span<const std::byte>(reinterpret_cast<const std::byte*>(seg + 6), seg_len - 6));
    off += 2 + len;
  }
  return 1;
}

template <class T>
std::vector<T> orient(const std::vector<T>& src, int w, int h, int o) {
  if (o < 2 || o > 8) return src;
  const auto [ow, oh] = oriented_size(w, h, o);
  // Display pixel (x, y) is stored at (sx, sy) = (ax + bx*x + cx*y, ay + by*x + cy*y); as a pixel
  // index that is start + x*step_x + y*step_y.
  const std::int64_t W = w, H = h;
  std::int64_t ax = 0, bx = 1, cx = 0, ay = 0, by = 0, cy = 1;
  switch (o) {
    case 2: ax = W - 1; bx = -1; break;                                   // mirror horizontally
    case 3: ax = W - 1; bx = -1; ay = H - 1; cy = -1; break;              // rotate 180
    case 4: ay = H - 1; cy = -1; break;                                   // mirror vertically
    case 5: bx = 0; cx = 1; by = 1; cy = 0; break;                        // transpose
    case 6: bx = 0; cx = 1; ay = H - 1; by = -1; cy = 0; break;           // rotate 90 clockwise
    case 7: ax = W - 1; bx = 0; cx = -1; ay = H - 1; by = -1; cy = 0; break;  // transverse
    case 8: ax = W - 1; bx = 0; cx = -1; by = 1; cy = 0; break;           // rotate 90 counter-clockwise
    default: break;
  }
  const std::int64_t start = ay * W + ax, step_x = by * W + bx, step_y = cy * W + cx;
  std::vector<T> dst(src.size());
  T* out = dst.data();
  for (std::int64_t y = 0; y < oh; ++y) {
    std::int64_t i = start + y * step_y;
    for (std::int64_t x = 0; x < ow; ++x, i += step_x, out += 4) std::memcpy(out, &src[std::size_t(i) * 4], 4 * sizeof(T));
  }
  return dst;
}

template std::vector<std::uint8_t> orient(const std::vector<std::uint8_t>&, int, int, int);
template std::vector<std::uint16_t> orient(const std::vector<std::uint16_t>&, int, int, int);

}  // namespace imagecuda::io::codec
