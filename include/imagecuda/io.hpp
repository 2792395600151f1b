// SPDX-License-Identifier: MIT
/// @file io.hpp  io: upload/download, copy, convert, and PNG/JPEG load, save and encode.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/convert.hpp"
#include "detail/dispatch.hpp"
#include "detail/transfer.hpp"

namespace imagecuda::io {

// ---------------------------------------------------------------------------------------------
// upload / download: host memory <-> an image. Asynchronous on the stream unless the name or
// the doc says otherwise. Pageable host memory is staged by CUDA: the host buffer may be reused
// as soon as upload returns. Pinned memory gives true overlap.
// ---------------------------------------------------------------------------------------------

/// Uploads exactly width*height tightly packed pixels into `dst` (its current logical size).
template <class P>
void upload(Image<P>& dst, std::type_identity_t<std::span<const P>> src, const Exec& ex = {}) {
  imagecuda::detail::check_image("io::upload", "dst", dst);
  imagecuda::detail::expects(src.size() == std::size_t(dst.width()) * std::size_t(dst.height()),
                             ErrorCode::invalid_argument, "io::upload: expected {} bytes ({}x{} pixels), got {} bytes",
                             std::size_t(dst.width()) * dst.height() * sizeof(P), dst.width(), dst.height(),
                             src.size() * sizeof(P));
  dst.set_stream(ex.stream);
  imagecuda::detail::upload_2d(dst.device(), dst.data(), dst.pitch(), src.data(), dst.pitch(), dst.pitch(),
                               dst.height(), ex.stream);
}

/// Uploads a pitched host buffer (`src_pitch` bytes between rows) into the view `dst`.
template <class P>
void upload(ImageView<P> dst, const P* src, std::size_t src_pitch, const Exec& ex = {}) {
  imagecuda::detail::check_view("io::upload", "dst", dst);
  imagecuda::detail::expects(src != nullptr, ErrorCode::invalid_argument, "io::upload: src is null");
  imagecuda::detail::expects(src_pitch >= dst.width() * sizeof(P), ErrorCode::invalid_argument,
                             "io::upload: src_pitch {} is less than a row of {} bytes", src_pitch,
                             dst.width() * sizeof(P));
  imagecuda::detail::upload_2d(dst.device(), dst.data(), dst.pitch(), src, src_pitch, dst.width() * sizeof(P),
                               dst.height(), ex.stream);
}

/// Copies the view into a pitched host buffer. Asynchronous: synchronize the stream before
/// reading `dst` (with pageable memory CUDA may already have waited).
template <class P>
void download_async(ConstImageView<P> src, P* dst, std::size_t dst_pitch, const Exec& ex = {}) {
  imagecuda::detail::check_view("io::download_async", "src", src);
  imagecuda::detail::expects(dst != nullptr, ErrorCode::invalid_argument, "io::download_async: dst is null");
  imagecuda::detail::expects(dst_pitch >= src.width() * sizeof(P), ErrorCode::invalid_argument,
                             "io::download_async: dst_pitch {} is less than a row of {} bytes", dst_pitch,
                             src.width() * sizeof(P));
  imagecuda::detail::download_2d(src.device(), dst, dst_pitch, src.data(), src.pitch(), src.width() * sizeof(P),
                                 src.height(), ex.stream);
}

/// Downloads the view into a new tightly packed vector. **Blocks** until the data is there.
template <class P>
[[nodiscard]] std::vector<std::remove_const_t<P>> download(BasicImageView<P> src, const Exec& ex = {}) {
  using Q = std::remove_const_t<P>;
  std::vector<Q> out(src.pixels());
  download_async<Q>(src, out.data(), src.width() * sizeof(Q), ex);
  ex.stream.synchronize();
  return out;
}
namespace detail {
/// Blocking reads of an Image (download, save, encode) first wait for the stream that last
/// wrote it when that is not the caller's stream: otherwise a copy on the legacy stream could
/// overtake work still running on a non-blocking stream.
template <class P>
void wait_for_writer(const Image<P>& img, const Exec& ex) {
  if (!img.is_freed() && !img.empty() && img.device().is_cuda() && !(img.stream() == ex.stream))
    img.stream().synchronize();
}
}  // namespace detail

/// Downloads an image into a new tightly packed vector. **Blocks**: waits for the image's own
/// stream (the one that last wrote it) and for `ex.stream`.
template <class P>
[[nodiscard]] std::vector<P> download(const Image<P>& src, const Exec& ex = {}) {
  imagecuda::detail::check_image("io::download", "src", src);
  detail::wait_for_writer(src, ex);
  return download(src.view(), ex);
}

// ---------------------------------------------------------------------------------------------
// copy / convert: device-side, asynchronous. Both images on one device.
// ---------------------------------------------------------------------------------------------
namespace detail {
template <class P>
void copy_views(const char* op, ConstImageView<P> src, ImageView<P> dst, const Exec& ex) {
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_view(op, "dst", dst);
  imagecuda::detail::check_same_device(op, "src", src.device(), "dst", dst.device());
  imagecuda::detail::expects(src.width() == dst.width() && src.height() == dst.height(), ErrorCode::invalid_argument,
                             "{}: dst is {}x{} but src is {}x{}", op, dst.width(), dst.height(), src.width(),
                             src.height());
  imagecuda::detail::copy_2d(src.device(), dst.data(), dst.pitch(), src.data(), src.pitch(), src.width() * sizeof(P),
                             src.height(), ex.stream);
}
template <class In, class Out>
void convert_views(ConstImageView<In> src, ImageView<Out> dst, const Exec& ex) {
  constexpr const char* op = "io::convert";
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::check_view(op, "dst", dst);
  imagecuda::detail::check_same_device(op, "src", src.device(), "dst", dst.device());
  imagecuda::detail::expects(src.width() == dst.width() && src.height() == dst.height(), ErrorCode::invalid_argument,
                             "{}: dst is {}x{} but src is {}x{}", op, dst.width(), dst.height(), src.width(),
                             src.height());
  using namespace imagecuda::detail;
  dispatch_per_pixel(  // the u8 -> f32 launcher ends a fused pass, the f32 -> u8 one may join it
      src.device(), [&] { cuda::convert(pitched(src), pitched(dst), ex.stream.value()); },
      [&] { host::convert(pitched(src), pitched(dst)); });
}
template <class In, class Out>
void convert_into(ConstImageView<In> src, Image<Out>& dst, const Exec& ex) {
  imagecuda::detail::check_view("io::convert", "src", src);
  imagecuda::detail::prepare_dst("io::convert", dst, src.width(), src.height(), src.device(), ex.stream);
  convert_views<In, Out>(src, dst.view(), ex);
}
}  // namespace detail

/// Copies src into dst, setting dst's logical size to src's (Error if its capacity is too small).
inline void copy(ConstImageView<float4> src, ImageF32& dst, const Exec& ex = {}) {
  imagecuda::detail::check_view("io::copy", "src", src);
  imagecuda::detail::prepare_dst("io::copy", dst, src.width(), src.height(), src.device(), ex.stream);
  detail::copy_views<float4>("io::copy", src, dst.view(), ex);
}
inline void copy(ConstImageView<uchar4> src, ImageU8& dst, const Exec& ex = {}) {
  imagecuda::detail::check_view("io::copy", "src", src);
  imagecuda::detail::prepare_dst("io::copy", dst, src.width(), src.height(), src.device(), ex.stream);
  detail::copy_views<uchar4>("io::copy", src, dst.view(), ex);
}
/// Copies between two views of equal size (e.g. into a crop_view of a larger image).
inline void copy(ConstImageView<float4> src, ImageView<float4> dst, const Exec& ex = {}) {
  detail::copy_views<float4>("io::copy", src, dst, ex);
}
inline void copy(ConstImageView<uchar4> src, ImageView<uchar4> dst, const Exec& ex = {}) {
  detail::copy_views<uchar4>("io::copy", src, dst, ex);
}

/// u8 -> f32 (v/255) into dst, setting its logical size.
inline void convert(ConstImageView<uchar4> src, ImageF32& dst, const Exec& ex = {}) { detail::convert_into(src, dst, ex); }
/// f32 -> u8 ((uint8)(clamp(v,0,1)*255 + 0.5)) into dst, setting its logical size.
inline void convert(ConstImageView<float4> src, ImageU8& dst, const Exec& ex = {}) { detail::convert_into(src, dst, ex); }
/// View-to-view forms (same size).
inline void convert(ConstImageView<uchar4> src, ImageView<float4> dst, const Exec& ex = {}) {
  detail::convert_views<uchar4, float4>(src, dst, ex);
}
inline void convert(ConstImageView<float4> src, ImageView<uchar4> dst, const Exec& ex = {}) {
  detail::convert_views<float4, uchar4>(src, dst, ex);
}

// ---------------------------------------------------------------------------------------------
// Files: PNG (libspng) and JPEG (libjpeg-turbo) in, PNG 8/16-bit (libspng) and JPEG
// (libjpeg-turbo) out. Decoding runs on the host; conversion to float runs on the device.
//
// Untrusted input: a missing/unreadable file throws Error{io}; an empty, truncated or corrupt
// file, or one declaring more than 32768 pixels a side or more than LoadParams::max_pixels,
// throws Error{decode} (checked from the header, before any pixel memory is allocated); a
// valid file in a format or variant imagecuda does not read (GIF, BMP, WebP, lossless or
// 12-bit JPEG, ...) throws Error{unsupported}. Messages name the op, the file ('path' or
// <memory>) and the codec's reason. On any error no image is returned, a caller's destination
// keeps its size and contents, and nothing leaks. See docs/io.md.
// ---------------------------------------------------------------------------------------------

/// File formats. png and jpeg are read and written; hdr (Radiance RGBE, float RGB without a
/// clamp, through stb_image_write) is written only, for float images that go on to HDR tools.
enum class Format { png, jpeg, hdr };

struct LoadParams {
  /// Apply the EXIF orientation (JPEG APP1, PNG eXIf). PyImageCUDA's docs say true; its code false.
  bool autorotate = true;
  /// Largest width*height accepted (decompression-bomb guard); each side is also <= 32768.
  std::size_t max_pixels = std::size_t(1) << 27;
  /// JPEG: treat libjpeg warnings (premature end of file, bad Huffman code, corrupt data
  /// segment, extraneous bytes) as decode errors. false returns what libjpeg recovered (missing
  /// rows grey). PNG damage is always an error.
  bool strict = true;
  /// Where a returned image is allocated.
  Device device = default_device();
};

/// What a file holds, read from its header only.
struct ImageInfo {
  int width = 0;           ///< after EXIF orientation when autorotate would apply it
  int height = 0;
  Format format = Format::png;
  int bit_depth = 8;       ///< 8 or 16 (PNG of 1, 2 or 4 bits: 8)
  int channels = 4;        ///< 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (CMYK JPEG: 4; tRNS counts as alpha)
  int orientation = 1;     ///< EXIF orientation 1..8 (1 when absent or malformed)
};

/// Reads the header (and, for PNG, the chunks before the pixel data) without decoding pixels.
/// Throws what load() would throw for the header, including the size limits of `p`.
[[nodiscard]] ImageInfo probe(std::span<const std::byte> bytes, const LoadParams& p = {});
[[nodiscard]] ImageInfo probe(const std::filesystem::path& path, const LoadParams& p = {});

/// Scratch that load() into an ImageF32 uses on the device (the 8-bit staging image).
[[nodiscard]] WorkspaceRequirements load_requirements(int width, int height);
/// Scratch that save()/encode() of an 8-bit file from an ImageF32 uses (the converted pixels).
[[nodiscard]] WorkspaceRequirements save_requirements(int width, int height);

/// Decodes into a new image on `p.device`.
[[nodiscard]] ImageF32 load(const std::filesystem::path& path, const LoadParams& p = {}, const Exec& ex = {});
[[nodiscard]] ImageF32 load(std::span<const std::byte> bytes, const LoadParams& p = {}, const Exec& ex = {});
/// Decodes into `dst` (its logical size becomes the file's; Error{invalid_argument} if its
/// capacity is too small). 8-bit files are staged on dst's device in the workspace and converted
/// there (v/255); 16-bit files are converted on the host (v/65535) and uploaded. With a
/// workspace of load_requirements(w, h): no allocation on the device. On any error dst keeps its
/// size and contents. Asynchronous on ex.stream after the host decode.
void load(const std::filesystem::path& path, ImageF32& dst, const LoadParams& p = {}, const Exec& ex = {});
void load(std::span<const std::byte> bytes, ImageF32& dst, const LoadParams& p = {}, const Exec& ex = {});
/// 8-bit destination (16-bit files are rounded to 8 bits: round(v*255/65535)). No scratch.
void load(const std::filesystem::path& path, ImageU8& dst, const LoadParams& p = {}, const Exec& ex = {});
void load(std::span<const std::byte> bytes, ImageU8& dst, const LoadParams& p = {}, const Exec& ex = {});

/// Decodes on the host only, into caller memory (e.g. a pinned buffer to upload from
/// asynchronously, or to decode on one thread and upload on another): tightly packed 8-bit RGBA,
/// the returned info's width*height pixels (16-bit files rounded as load() into an ImageU8 does).
/// Error{invalid_argument} (before decoding) when `dst` holds fewer pixels; otherwise the errors
/// of load(), except that a corrupt file may leave `dst` partly written: a plain JPEG (no CMYK,
/// no EXIF rotation to apply) is decoded straight into `dst`, without a host buffer or a copy.
/// Nothing is allocated on a device.
ImageInfo decode(std::span<const std::byte> bytes, std::span<uchar4> dst, const LoadParams& p = {});

/// How save()/encode() compress a PNG (SaveParams::png_deflate).
enum class PngDeflate {
  /// On the host, with libdeflate at SaveParams::png_compression (0..9): zlib-style levels,
  /// row filters chosen per level (docs/io.md). 8 and 16 bits.
  libdeflate,
  /// On the image's device, in parallel, with imagecuda's own deflate: Paeth on every row, then
  /// the filtered rows in independent 16 KiB segments, each one deflate block with its own
  /// Huffman tables and run-length matches (zlib's Z_RLE). A CUDA image is encoded by kernels and
  /// only the compressed stream comes to the host; a CPU image runs the same code on the host,
  /// and both write the same bytes. On a social card: about the size of libdeflate level 2, and
  /// no host CPU time to speak of (docs/io.md). 8-bit only; png_compression is validated, unused.
  parallel,
};

struct SaveParams {
  /// JPEG quality 1..100 (validated for every format).
  int quality = 95;
  /// PNG bit depth: 8 or 16. JPEG is always 8 (16 -> unsupported).
  int bit_depth = 8;
  /// PNG zlib compression level 0..9 (validated for every format). The default 2 is a fast
  /// level: the pixels are the same at every level, only the file size and the time change
  /// (zlib's own default is 6; see docs/io.md for the size and speed of each).
  int png_compression = 2;
  /// Format; by default from the file extension (.png, .jpg, .jpeg, .hdr; case-insensitive).
  /// hdr: RGB as stored (straight, alpha dropped), unclamped above 1, negative and NaN -> 0,
  /// 8-bit images as v/255; quality, bit_depth and png_compression are validated but unused.
  /// encode() takes the format as an argument and ignores this.
  std::optional<Format> format = std::nullopt;
  /// PNG compressor: libdeflate on the host (default) or PngDeflate::parallel on the image's device.
  PngDeflate png_deflate = PngDeflate::libdeflate;
};

/// Scratch that save()/encode() with `p` use on the image's device: save_requirements(w, h)
/// for an ImageF32 to an 8-bit file, plus PngDeflate::parallel's buffers (about twice the RGBA8
/// size) when `p` asks for it, for either image type.
[[nodiscard]] WorkspaceRequirements save_requirements(int width, int height, const SaveParams& p);

/// Encodes to memory. Blocks until done. f32 pixels become round(clamp(v,0,1)*255) (8-bit, on
/// the image's device, scratch from the workspace) or round(clamp(v,0,1)*65535) (16-bit, on the
/// host). JPEG has no alpha: pixels are composited over white first, in 8 bits:
/// C' = (C*A + 255*(255 - A) + 127) / 255.
[[nodiscard]] std::vector<std::byte> encode(ConstImageView<float4> img, Format format, const SaveParams& p = {},
                                            const Exec& ex = {});
[[nodiscard]] std::vector<std::byte> encode(ConstImageView<uchar4> img, Format format, const SaveParams& p = {},
                                            const Exec& ex = {});
/// Writes a file (blocks until written). Error{unsupported} for an unknown extension, Error{io}
/// naming the path and the system's reason when the file cannot be written (a partly written
/// regular file is removed).
void save(ConstImageView<float4> img, const std::filesystem::path& path, const SaveParams& p = {}, const Exec& ex = {});
void save(ConstImageView<uchar4> img, const std::filesystem::path& path, const SaveParams& p = {}, const Exec& ex = {});

/// The Image forms also wait for the image's own stream first (see download).
inline void save(const ImageF32& img, const std::filesystem::path& path, const SaveParams& p = {}, const Exec& ex = {}) {
  detail::wait_for_writer(img, ex);  // a freed image throws from view() below
  save(img.view(), path, p, ex);
}
inline void save(const ImageU8& img, const std::filesystem::path& path, const SaveParams& p = {}, const Exec& ex = {}) {
  detail::wait_for_writer(img, ex);  // a freed image throws from view() below
  save(img.view(), path, p, ex);
}
[[nodiscard]] inline std::vector<std::byte> encode(const ImageF32& img, Format format, const SaveParams& p = {},
                                                   const Exec& ex = {}) {
  detail::wait_for_writer(img, ex);  // a freed image throws from view() below
  return encode(img.view(), format, p, ex);
}
[[nodiscard]] inline std::vector<std::byte> encode(const ImageU8& img, Format format, const SaveParams& p = {},
                                                   const Exec& ex = {}) {
  detail::wait_for_writer(img, ex);  // a freed image throws from view() below
  return encode(img.view(), format, p, ex);
}

}  // namespace imagecuda::io
