// SPDX-License-Identifier: MIT
/// @file codec.hpp  Internal: the host-side codecs behind io::load/probe/save/encode.
///
/// Everything here runs on the host on tightly packed RGBA buffers. The public functions in
/// files.cpp and encode.cpp move pixels to and from the image's device around these calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "imagecuda/core/error.hpp"
#include "imagecuda/io.hpp"

namespace imagecuda::io::codec {

/// Who is asking and about what: every error message starts "<op>: <name>: ".
struct Origin {
  const char* op;    ///< "io::load", "io::probe", "io::save", "io::encode"
  std::string name;  ///< "'path'" or "<memory>"
};

template <class... Args>
[[noreturn]] void fail(const Origin& o, ErrorCode code, fmt::format_string<Args...> f, Args&&... args) {
  throw Error(code, fmt::format("{}: {}: {}", o.op, o.name, fmt::format(f, std::forward<Args>(args)...)));
}

/// The SaveParams checks every encode makes first: quality 1..100 and bit_depth 8 or 16
/// (io::encode / io::save, and io::GpuJpegEncoder).
void check_quality_and_depth(const Origin& o, const SaveParams& p);

/// A decoded image on the host: RGBA, tightly packed, 8 bits (data8) or 16 bits (data16,
/// host-endian), already in display orientation when the caller asked for autorotate.
struct HostImage {
  int width = 0;
  int height = 0;
  int bit_depth = 8;
  std::vector<std::uint8_t> data8;    ///< width*height*4 when bit_depth == 8
  std::vector<std::uint16_t> data16;  ///< width*height*4 when bit_depth == 16
};

/// What the header says, before any pixel is decoded. width/height are the stored size
/// (before orientation).
struct Header {
  int width = 0;
  int height = 0;
  Format format = Format::png;
  int bit_depth = 8;
  int channels = 4;
  int orientation = 1;
};

// --- files -----------------------------------------------------------------------------------
/// "'path'" for messages.
std::string quoted(const std::filesystem::path& path);
/// The whole file; Error{io} naming the path and the system's reason.
std::vector<std::byte> read_file(const Origin& o, const std::filesystem::path& path);
/// Writes (creating or truncating) the file; Error{io} naming the path and the system's reason.
/// A regular file left partly written by a failure is removed.
void write_file(const Origin& o, const std::filesystem::path& path, std::span<const std::byte> bytes);

// --- format detection ------------------------------------------------------------------------
/// PNG or JPEG from the magic bytes; throws Error{decode} for an empty/too-short input and
/// Error{unsupported} (naming GIF, BMP, WebP, ... when recognised) for anything else.
Format detect_format(std::span<const std::byte> bytes, const Origin& o);

// --- EXIF ------------------------------------------------------------------------------------
/// Orientation (1..8) from a TIFF block ("II*\0" / "MM\0*" + IFD0); 1 when absent or malformed.
/// Bounded: reads only IFD0, every offset checked against the block; never throws.
int exif_orientation_from_tiff(std::span<const std::byte> tiff) noexcept;
/// Orientation from the first APP1 "Exif\0\0" segment before the first SOS; 1 if none.
int jpeg_exif_orientation(std::span<const std::byte> jpeg) noexcept;

/// Applies EXIF orientation `o` (1..8) to a tightly packed w x h image of T; returns the new
/// image (w and h swapped for 5..8).
template <class T>
std::vector<T> orient(const std::vector<T>& src, int w, int h, int o);
/// Size after orientation.
inline std::pair<int, int> oriented_size(int w, int h, int o) noexcept {
  return o >= 5 && o <= 8 ? std::pair{h, w} : std::pair{w, h};
}

/// Checks the declared size against the 32768-per-side limit and `max_pixels` (before any
/// allocation); throws Error{decode}.
void check_declared_size(const Origin& o, std::uint64_t w, std::uint64_t h, std::size_t max_pixels);

// --- PNG decoder (libspng) --------------------------------------------------------------------
Header png_header(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p);
HostImage png_decode(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p);
// --- PNG encoder (png_write.cpp: imagecuda's writer, libdeflate) ------------------------------
/// A PNG of `channels` (3: RGB, 4: RGBA) samples per pixel of `bit_depth` 8 or 16 bits, taken
/// from tightly packed samples with `src_channels` (3 or 4, >= channels) per pixel: 8-bit samples
/// as bytes, 16-bit ones as host-endian std::uint16_t (written big-endian). Extra source channels
/// are dropped. `level` is SaveParams::png_compression 0..9 (libdeflate level and row-filter
/// choice: docs/io.md). Compressors (but those of levels 8 and 9) and work buffers are kept per
/// thread.
std::vector<std::byte> png_write(const void* samples, int w, int h, int src_channels, int channels, int bit_depth,
                                 int level, const Origin& o);
/// True when every alpha of w x h RGBA8 pixels (`pitch` bytes a row) is 255 (vectorised).
bool all_opaque(const std::uint8_t* rgba, std::size_t pitch, int w, int h) noexcept;
/// 8-bit PNG from tightly packed RGBA, written as RGB when every alpha is 255.
std::vector<std::byte> png8_encode(const std::uint8_t* rgba, int w, int h, int level, const Origin& o);
/// 16-bit PNG from tightly packed host-endian RGBA, written as RGB when every alpha is 65535.
std::vector<std::byte> png16_encode(const std::uint16_t* rgba, int w, int h, int level, const Origin& o);
/// PNG filter type 4 (Paeth) over one row of n bytes, bpp bytes per pixel, `prev` the row above
/// (zeros for the first row): the vectorised loop png_write uses (exposed for its exhaustive test).
void png_filter_paeth(const std::uint8_t* row, const std::uint8_t* prev, std::uint8_t* out, std::size_t n,
                      std::size_t bpp) noexcept;
/// A PNG file around a zlib stream `z` of filtered rows: signature, IHDR (8 or 16 bits, RGB
/// for 3 channels, RGBA for 4), IDAT chunks of at most 1 MiB, IEND.
std::vector<std::byte> png_file(int w, int h, int bit_depth, int channels, const std::uint8_t* z, std::size_t zn);
/// png_file in steps, for a stream written in place (e.g. downloaded from a device): the file with
/// everything but the IDAT data and CRCs; for_each_idat says where each chunk's data goes; png_seal
/// writes the CRCs once the data is there.
std::vector<std::byte> png_frame(int w, int h, int bit_depth, int channels, std::size_t zn);
void png_seal(std::vector<std::byte>& file, std::size_t zn) noexcept;
/// IDAT chunks hold at most 1 MiB of the zlib stream: far below any decoder's chunk limit
/// (imagecuda's own libspng reader caps chunks at 64 MiB), and 12 bytes per MiB of overhead.
inline constexpr std::size_t png_idat_max = std::size_t(1) << 20;
/// Calls f(file_offset, stream_offset, n) for each IDAT chunk of a zn-byte stream in png_frame's
/// layout: its n data bytes are stream bytes [stream_offset, +n) at file byte file_offset.
template <class F>
void for_each_idat(std::size_t zn, F&& f) {
  constexpr std::size_t first = 8 + (12 + 13) + 8;  // signature, IHDR, the chunk's length and type
  for (std::size_t k = 0, off = 0; off < zn; ++k, off += png_idat_max)
    f(first + k * (png_idat_max + 12), off, zn - off < png_idat_max ? zn - off : png_idat_max);
}
/// SaveParams::png_deflate = PngDeflate::parallel on the host (png_parallel.cpp): the zlib
/// stream of RGBA8 pixels at `rgba` (`pitch` bytes a row), the same bytes as the CUDA kernels;
/// `opaque` says whether the rows hold RGB.
std::vector<std::uint8_t> png_parallel_zlib(const std::uint8_t* rgba, std::size_t pitch, int w, int h, bool& opaque);

// --- JPEG (TurboJPEG) ------------------------------------------------------------------------
Header jpeg_header(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p);
HostImage jpeg_decode(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p);
/// Decodes straight into `dst` (RGBA8, room for `capacity` pixels) when nothing is left to do
/// afterwards (not CMYK/YCCK; orientation 1 or autorotate off) and the image fits; sets w and h
/// (the stored size) either way. Returns false, having written nothing, when it cannot; then
/// use jpeg_decode. A decode error may leave `dst` partly written.
bool jpeg_decode_into(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p, std::uint8_t* dst,
                      std::size_t capacity, int& w, int& h);

// --- JPEG encoder (TurboJPEG) -------------------------------------------------------------------
/// Baseline JPEG from tightly packed RGB (`channels` 3) or RGBX (4, the fourth byte ignored):
/// 4:4:4 chroma above quality 90, else 4:2:0; accurate DCT.
std::vector<std::byte> jpeg_encode(const std::uint8_t* px, int w, int h, int channels, int quality, const Origin& o);

// --- Radiance HDR encoder (stb_image_write) ----------------------------------------------------
/// Radiance RGBE (.hdr) from tightly packed float RGB (finite, >= 0).
std::vector<std::byte> hdr_encode(const float* rgb, int w, int h, const Origin& o);

}  // namespace imagecuda::io::codec
