// SPDX-License-Identifier: MIT
/// @file png.cpp  PNG decoding through libspng: header probe, decode of every colour type and
/// depth to RGBA8/RGBA16, eXIf orientation. The encoder is imagecuda's own (png_write.cpp).
#include <spng.h>

#include <array>
#include <cstring>
#include <memory>
#include <new>

#include "codec.hpp"

namespace imagecuda::io::codec {
namespace {

constexpr std::array<unsigned char, 8> png_signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

/// Ancillary chunk data that libspng may keep in memory (text, iCCP, unknown chunks, and what
/// compressed text inflates to) is capped: a zTXt decompression bomb fails instead of eating RAM.
constexpr std::size_t chunk_size_limit = std::size_t(64) << 20;
constexpr std::size_t chunk_cache_limit = std::size_t(128) << 20;

struct CtxDeleter {
  void operator()(spng_ctx* c) const noexcept { spng_ctx_free(c); }
};
using Ctx = std::unique_ptr<spng_ctx, CtxDeleter>;

std::uint32_t be32(const unsigned char* p) noexcept {
  return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | std::uint32_t(p[3]);
}

/// CRC-32 (ISO 3309, as PNG uses), table-driven.
std::uint32_t crc32(const unsigned char* p, std::size_t n, std::uint32_t crc = 0) noexcept {
  static const auto table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

/// What a walk over the chunk list finds about eXIf (libspng is given the file only afterwards).
struct ExifScan {
  int orientation = 1;
  /// Offsets of eXIf chunks libspng would reject (a second eXIf, or one without a TIFF header):
  /// they are renamed to a private ancillary type so that a malformed EXIF block is ignored, as
  /// the rest of imagecuda does, instead of failing the whole image.
  std::vector<std::size_t> rename;
};

/// Walks the chunk headers (bounded by the buffer; no decompression). A truncated or odd chunk
/// list just ends the walk: libspng reports it properly when it decodes.
ExifScan scan_exif(std::span<const std::byte> bytes) noexcept {
  ExifScan r;
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t off = 8;
  bool have_exif = false;
  while (off + 12 <= n) {
    const std::uint32_t len = be32(d + off);
    if (len > 0x7FFFFFFFu || std::size_t(len) > n - off - 12) break;
    const unsigned char* type = d + off + 4;
    const unsigned char* data = d + off + 8;
    if (std::memcmp(type, "IEND", 4) == 0) break;
    if (std::memcmp(type, "eXIf", 4) == 0) {
      // A chunk with a bad CRC is dropped by libspng (ancillary default): ignore it too.
      const bool crc_ok = crc32(type, 4 + std::size_t(len)) == be32(data + len);
      if (crc_ok) {
        const bool tiff = len >= 4 && (std::memcmp(data, "II*\0", 4) == 0 || std::memcmp(data, "MM\0*", 4) == 0);
        if (!have_exif && tiff) {
          have_exif = true;
          r.orientation = exif_orientation_from_tiff(
              std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), len));
        } else {
          try {
            r.rename.push_back(off);
          } catch (...) {
          }
        }
      }
    }
    off += 12 + std::size_t(len);
  }
  return r;
}

/// Returns the bytes libspng should see: the input, or a copy with rejected eXIf chunks renamed
/// ("exIf": ancillary, private, safe to copy) and their CRC recomputed.
std::span<const std::byte> sanitize(std::span<const std::byte> bytes, const ExifScan& scan,
                                    std::vector<std::byte>& storage) {
  if (scan.rename.empty()) return bytes;
  storage.assign(bytes.begin(), bytes.end());
  auto* d = reinterpret_cast<unsigned char*>(storage.data());
  for (std::size_t off : scan.rename) {
    const std::uint32_t len = be32(d + off);
    std::memcpy(d + off + 4, "exIf", 4);
    const std::uint32_t crc = crc32(d + off + 4, 4 + std::size_t(len));
    unsigned char* c = d + off + 8 + len;
    c[0] = static_cast<unsigned char>(crc >> 24);
    c[1] = static_cast<unsigned char>(crc >> 16);
    c[2] = static_cast<unsigned char>(crc >> 8);
    c[3] = static_cast<unsigned char>(crc);
  }
  return storage;
}

[[noreturn]] void spng_fail(const Origin& o, int err, const char* stage) {
  if (err == SPNG_EMEM) fail(o, ErrorCode::out_of_memory, "libspng: {} ({})", spng_strerror(err), stage);
  if (err == SPNG_IO_EOF || err == SPNG_EOF || err == SPNG_IO_ERROR)
    fail(o, ErrorCode::decode, "truncated PNG: {} ({})", spng_strerror(err), stage);
  fail(o, ErrorCode::decode, "invalid PNG: {} ({})", spng_strerror(err), stage);
}

/// A decoder context on `bytes` with imagecuda's limits, IHDR read and checked.
Ctx open(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p, spng_ihdr& ihdr) {
  if (bytes.size() < 8 + 8 + 13 + 4)  // signature + IHDR chunk
    fail(o, ErrorCode::decode, "truncated PNG: {} bytes is too short for a PNG header", bytes.size());
  Ctx ctx(spng_ctx_new(0));
  if (!ctx) fail(o, ErrorCode::out_of_memory, "cannot create a libspng context");
  // Critical chunks with a bad CRC are errors; ancillary ones are dropped (libspng's default).
  int r = spng_set_crc_action(ctx.get(), SPNG_CRC_ERROR, SPNG_CRC_DISCARD);
  if (r == 0) r = spng_set_image_limits(ctx.get(), std::uint32_t(max_dimension), std::uint32_t(max_dimension));
  if (r == 0) r = spng_set_chunk_limits(ctx.get(), chunk_size_limit, chunk_cache_limit);
  if (r == 0) r = spng_set_png_buffer(ctx.get(), bytes.data(), bytes.size());
  if (r != 0) spng_fail(o, r, "setup");
  r = spng_get_ihdr(ctx.get(), &ihdr);
  if (r == SPNG_EUSER_WIDTH || r == SPNG_EUSER_HEIGHT) {
    // Report the size the file declares (IHDR's fields sit at fixed offsets 16 and 20).
    const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
    check_declared_size(o, be32(d + 16), be32(d + 20), p.max_pixels);
  }
  if (r != 0) spng_fail(o, r, "reading the header");
  check_declared_size(o, ihdr.width, ihdr.height, p.max_pixels);
  return ctx;
}

bool has_trns(spng_ctx* ctx, const Origin& o) {
  spng_trns trns{};
  const int r = spng_get_trns(ctx, &trns);
  if (r == SPNG_ECHUNKAVAIL) return false;
  if (r != 0) spng_fail(o, r, "reading chunks before IDAT");
  return true;
}

}  // namespace

Header png_header(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p) {
  const ExifScan scan = scan_exif(bytes);
  std::vector<std::byte> storage;
  const auto input = sanitize(bytes, scan, storage);
  spng_ihdr ihdr{};
  Ctx ctx = open(input, o, p, ihdr);
  Header h;
  h.width = int(ihdr.width);
  h.height = int(ihdr.height);
  h.format = Format::png;
  h.bit_depth = ihdr.bit_depth == 16 ? 16 : 8;
  const bool trns = has_trns(ctx.get(), o);  // also reads (and validates) the chunks before IDAT
  switch (ihdr.color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE: h.channels = trns ? 2 : 1; break;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA: h.channels = 2; break;
    case SPNG_COLOR_TYPE_TRUECOLOR:
    case SPNG_COLOR_TYPE_INDEXED: h.channels = trns ? 4 : 3; break;
    default: h.channels = 4; break;
  }
  h.orientation = scan.orientation;
  return h;
}

HostImage png_decode(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p) {
  const ExifScan scan = scan_exif(bytes);
  std::vector<std::byte> storage;
  const auto input = sanitize(bytes, scan, storage);
  spng_ihdr ihdr{};
  Ctx ctx = open(input, o, p, ihdr);
  const bool sixteen = ihdr.bit_depth == 16;
  const int fmt = sixteen ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8;
  std::size_t len = 0;
  int r = spng_decoded_image_size(ctx.get(), fmt, &len);
  if (r != 0) spng_fail(o, r, "sizing the image");
  const std::size_t pixels = std::size_t(ihdr.width) * ihdr.height;
  if (len != pixels * (sixteen ? 8 : 4)) fail(o, ErrorCode::decode, "invalid PNG: unexpected decoded size {}", len);

  HostImage img;
  img.width = int(ihdr.width);
  img.height = int(ihdr.height);
  img.bit_depth = sixteen ? 16 : 8;
  void* out = nullptr;
  try {
    if (sixteen) {
      img.data16.resize(pixels * 4);
      out = img.data16.data();
    } else {
      img.data8.resize(pixels * 4);
      out = img.data8.data();
    }
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "cannot allocate {} bytes of host memory for {}x{} pixels", len, ihdr.width,
         ihdr.height);
  }
  // SPNG_DECODE_TRNS applies tRNS (palette alpha, grey/RGB colour keys). No gamma: imagecuda,
  // like PyImageCUDA, does no colour management.
  r = spng_decode_image(ctx.get(), out, len, fmt, SPNG_DECODE_TRNS);
  if (r != 0) spng_fail(o, r, "decoding the image");
  // Read on to IEND: this checks the CRC of the last IDAT chunk (libspng verifies a chunk's CRC
  // when it reads the next header) and the chunks after the image, and catches a file cut
  // after its pixel data.
  r = spng_decode_chunks(ctx.get());
  if (r != 0) spng_fail(o, r, "reading chunks after the image data");

  if (p.autorotate && scan.orientation != 1) {
    if (sixteen)
      img.data16 = orient(img.data16, img.width, img.height, scan.orientation);
    else
      img.data8 = orient(img.data8, img.width, img.height, scan.orientation);
    std::tie(img.width, img.height) = oriented_size(img.width, img.height, scan.orientation);
  }
  return img;
}

}  // namespace imagecuda::io::codec
