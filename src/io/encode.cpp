// SPDX-License-Identifier: MIT
/// @file encode.cpp  io::encode and io::save: device pixels -> host -> PNG/JPEG bytes -> file.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "codec.hpp"
#include "over_white.hpp"
#include "png_parallel.hpp"
#include "png_parallel_kernels.hpp"

namespace imagecuda::io {

namespace codec {
void check_quality_and_depth(const Origin& o, const SaveParams& p) {
  imagecuda::detail::expects(p.quality >= 1 && p.quality <= 100, ErrorCode::invalid_argument,
                             "{}: {}: quality must be 1..100, got {}", o.op, o.name, p.quality);
  imagecuda::detail::expects(p.bit_depth == 8 || p.bit_depth == 16, ErrorCode::invalid_argument,
                             "{}: {}: bit_depth must be 8 or 16, got {}", o.op, o.name, p.bit_depth);
}
}  // namespace codec

namespace {

using codec::fail;
using codec::Origin;

/// True when the file is a PNG that PngDeflate::parallel compresses.
bool parallel_png(Format format, const SaveParams& p) {
  return format == Format::png && p.png_deflate == PngDeflate::parallel;
}

/// Validates what every encode/save checks, before any work.
template <class P>
void validate(const Origin& o, ConstImageView<P> img, Format format, const SaveParams& p) {
  imagecuda::detail::expects(!img.empty(), ErrorCode::invalid_argument, "{}: {}: img is empty ({}x{})", o.op, o.name,
                             img.width(), img.height());
  codec::check_quality_and_depth(o, p);
  imagecuda::detail::expects(p.png_compression >= 0 && p.png_compression <= 9, ErrorCode::invalid_argument,
                             "{}: {}: png_compression must be 0..9, got {}", o.op, o.name, p.png_compression);
  const int f = static_cast<int>(format);
  imagecuda::detail::expects(f >= 0 && f <= static_cast<int>(Format::hdr), ErrorCode::invalid_argument,
                             "{}: {}: format must be png, jpeg or hdr, got {}", o.op, o.name, f);
  if (format == Format::jpeg && p.bit_depth != 8)
    fail(o, ErrorCode::unsupported, "JPEG is 8-bit only, got bit_depth {}", p.bit_depth);
  const int d = static_cast<int>(p.png_deflate);
  imagecuda::detail::expects(d >= 0 && d <= static_cast<int>(PngDeflate::parallel), ErrorCode::invalid_argument,
                             "{}: {}: png_deflate must be libdeflate or parallel, got {}", o.op, o.name, d);
  if (parallel_png(format, p) && p.bit_depth != 8)
    fail(o, ErrorCode::unsupported, "PngDeflate::parallel writes 8-bit PNGs only, got bit_depth {}", p.bit_depth);
}

/// PngDeflate::parallel: on a CUDA device, kernels into `scratch` (pz::scratch_layout's bytes;
/// null: allocated here) and the zlib stream down; on the CPU, the same code on the host.
std::vector<std::byte> encode_png_parallel(ConstImageView<uchar4> img, std::byte* scratch, const Exec& ex,
                                           const Origin& o) {
  const int w = img.width(), h = img.height();
  if (img.device().is_cpu()) {
    bool opaque = true;
    const auto z =
        codec::png_parallel_zlib(reinterpret_cast<const std::uint8_t*>(img.data()), img.pitch(), w, h, opaque);
    return codec::png_file(w, h, 8, opaque ? 3 : 4, z.data(), z.size());
  }
  const std::size_t bytes = codec::pz::scratch_layout(std::uint32_t(w), std::uint32_t(h)).total;
  std::optional<imagecuda::detail::Scratch> own;
  if (scratch == nullptr) scratch = own.emplace(o.op, img.device(), bytes, ex).data();
  imagecuda::detail::DeviceGuard guard(img.device());
  namespace cu = imagecuda::detail::cuda;
  const auto head = cu::png_parallel_deflate(imagecuda::detail::pitched(img), scratch, ex.stream.value());
  // The stream straight into the file's IDAT chunks, then their CRCs.
  auto file = codec::png_frame(w, h, 8, head.opaque ? 3 : 4, head.zlib_bytes);
  codec::for_each_idat(head.zlib_bytes, [&](std::size_t at, std::size_t off, std::size_t n) {
    cu::png_parallel_fetch(scratch, w, h, off, n, file.data() + at, ex.stream.value());
  });
  ex.stream.synchronize();
  codec::png_seal(file, head.zlib_bytes);
  return file;
}

/// Waits for the stream when the image lives on a GPU (the CPU backend is already done).
void finish_stream(Device device, Stream stream) {
  if (device.is_cuda()) {
    imagecuda::detail::DeviceGuard guard(device);
    stream.synchronize();
  }
}

/// Tightly packed host copy of a view (blocks).
template <class P>
std::vector<P> to_host(ConstImageView<P> img, const Exec& ex) {
  std::vector<P> host(img.pixels());
  const std::size_t row = std::size_t(img.width()) * sizeof(P);
  imagecuda::detail::download_2d(img.device(), host.data(), row, img.data(), img.pitch(), row, img.height(),
                                 ex.stream);
  finish_stream(img.device(), ex.stream);
  return host;
}

/// f32 -> u8 on the image's device into scratch (from the workspace when given), then download.
std::vector<uchar4> to_host_u8(ConstImageView<float4> img, const Origin& o, const Exec& ex) {
  const int w = img.width(), h = img.height();
  imagecuda::detail::Scratch scratch(o.op, img.device(), save_requirements(w, h).bytes, ex);
  ImageView<uchar4> staged(scratch.at<uchar4>(0), w, h, std::size_t(w) * sizeof(uchar4), img.device());
  convert(img, staged, ex);
  return to_host<uchar4>(staged, ex);
}

/// JPEG has no alpha: composite over white in 8 bits (codec::over_white, shared with the GPU encoder).
std::vector<std::uint8_t> over_white(std::span<const uchar4> rgba) {
  std::vector<std::uint8_t> rgb(rgba.size() * 3);
  for (std::size_t i = 0; i < rgba.size(); ++i) {
    rgb[3 * i + 0] = codec::over_white(rgba[i].x, rgba[i].w);
    rgb[3 * i + 1] = codec::over_white(rgba[i].y, rgba[i].w);
    rgb[3 * i + 2] = codec::over_white(rgba[i].z, rgba[i].w);
  }
  return rgb;
}

/// 16-bit PNG from tightly packed 16-bit RGBA (host-endian); RGB when every alpha is 65535.
std::vector<std::byte> png16(const std::vector<std::uint16_t>& rgba, int w, int h, int level, const Origin& o) {
  return codec::png16_encode(rgba.data(), w, h, level, o);
}

std::vector<std::byte> encode_u8_host(std::span<const uchar4> px, int w, int h, Format format, const SaveParams& p,
                                      const Origin& o) {
  if (format == Format::jpeg) {
    // Opaque pixels are unchanged by the compositing: TurboJPEG reads them as RGBX directly.
    if (codec::all_opaque(reinterpret_cast<const std::uint8_t*>(px.data()), std::size_t(w) * 4, w, h))
      return codec::jpeg_encode(reinterpret_cast<const std::uint8_t*>(px.data()), w, h, 4, p.quality, o);
    const auto rgb = over_white(px);
    return codec::jpeg_encode(rgb.data(), w, h, 3, p.quality, o);
  }
  if (p.bit_depth == 16) {
    std::vector<std::uint16_t> v(px.size() * 4);
    for (std::size_t i = 0; i < px.size(); ++i) {  // exact: v * 257 maps 0..255 onto 0..65535
      v[4 * i + 0] = static_cast<std::uint16_t>(px[i].x * 257u);
      v[4 * i + 1] = static_cast<std::uint16_t>(px[i].y * 257u);
      v[4 * i + 2] = static_cast<std::uint16_t>(px[i].z * 257u);
      v[4 * i + 3] = static_cast<std::uint16_t>(px[i].w * 257u);
    }
    return png16(v, w, h, p.png_compression, o);
  }
  return codec::png8_encode(reinterpret_cast<const std::uint8_t*>(px.data()), w, h, p.png_compression, o);
}

/// Radiance HDR from host pixels: straight RGB (alpha dropped), negative and NaN -> 0.
template <class P, class ToFloat>
std::vector<std::byte> encode_hdr(std::span<const P> px, int w, int h, const Origin& o, ToFloat to_float) {
  std::vector<float> rgb(px.size() * 3);
  const auto keep = [](float v) { return v > 0.f ? (v < 3.4e38f ? v : 3.4e38f) : 0.f; };  // NaN -> 0
  for (std::size_t i = 0; i < px.size(); ++i) {
    rgb[3 * i + 0] = keep(to_float(px[i].x));
    rgb[3 * i + 1] = keep(to_float(px[i].y));
    rgb[3 * i + 2] = keep(to_float(px[i].z));
  }
  return codec::hdr_encode(rgb.data(), w, h, o);
}

std::vector<std::byte> encode_impl(ConstImageView<uchar4> img, Format format, const SaveParams& p, const Exec& ex,
                                   const Origin& o) {
  validate(o, img, format, p);
  try {
    if (parallel_png(format, p)) return encode_png_parallel(img, nullptr, ex, o);
    if (format == Format::hdr)
      return encode_hdr<uchar4>(to_host<uchar4>(img, ex), img.width(), img.height(), o,
                                [](unsigned char v) { return float(v) / 255.f; });
    // Host memory already in the encoders' layout (a CPU image, or a view of a caller's pinned
    // buffer): encode it where it is, without a copy.
    if (img.device().is_cpu() && img.contiguous())
      return encode_u8_host(std::span<const uchar4>(img.data(), img.pixels()), img.width(), img.height(), format, p, o);
    return encode_u8_host(to_host<uchar4>(img, ex), img.width(), img.height(), format, p, o);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory encoding {}x{} pixels", img.width(), img.height());
  }
}

std::vector<std::byte> encode_impl(ConstImageView<float4> img, Format format, const SaveParams& p, const Exec& ex,
                                   const Origin& o) {
  validate(o, img, format, p);
  try {
    if (parallel_png(format, p)) {  // 8 bits on the device, then encoded there
      const int w = img.width(), h = img.height();
      const std::size_t staging = save_requirements(w, h).bytes;
      imagecuda::detail::Scratch scratch(o.op, img.device(), save_requirements(w, h, p).bytes, ex);
      ImageView<uchar4> staged(scratch.at<uchar4>(0), w, h, std::size_t(w) * sizeof(uchar4), img.device());
      convert(img, staged, ex);
      return encode_png_parallel(staged, scratch.data() + staging, ex, o);
    }
    if (format == Format::hdr)
      return encode_hdr<float4>(to_host<float4>(img, ex), img.width(), img.height(), o, [](float v) { return v; });
    if (p.bit_depth == 16) {
      // 16 bits: the float pixels come to the host and are quantised there (no 16-bit image type).
      const auto f = to_host<float4>(img, ex);
      std::vector<std::uint16_t> v(f.size() * 4);
      const auto q = [](float x) {  // round(clamp(x, 0, 1) * 65535); NaN -> 0
        const float c = std::fmin(std::fmax(x, 0.f), 1.f);
        return static_cast<std::uint16_t>(c * 65535.f + 0.5f);
      };
      for (std::size_t i = 0; i < f.size(); ++i) {
        v[4 * i + 0] = q(f[i].x);
        v[4 * i + 1] = q(f[i].y);
        v[4 * i + 2] = q(f[i].z);
        v[4 * i + 3] = q(f[i].w);
      }
      return png16(v, img.width(), img.height(), p.png_compression, o);
    }
    return encode_u8_host(to_host_u8(img, o, ex), img.width(), img.height(), format, p, o);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory encoding {}x{} pixels", img.width(), img.height());
  }
}

/// The format from SaveParams or from the extension (case-insensitive .png, .jpg, .jpeg, .hdr).
Format format_for(const std::filesystem::path& path, const SaveParams& p, const Origin& o) {
  if (p.format) return *p.format;
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (ext == ".png") return Format::png;
  if (ext == ".jpg" || ext == ".jpeg") return Format::jpeg;
  if (ext == ".hdr") return Format::hdr;
  if (ext.empty())
    fail(o, ErrorCode::unsupported, "no file extension: use .png, .jpg, .jpeg or .hdr, or set SaveParams::format");
  fail(o, ErrorCode::unsupported,
       "unsupported file extension '{}': use .png, .jpg, .jpeg or .hdr, or set SaveParams::format", ext);
}

template <class P>
void save_impl(ConstImageView<P> img, const std::filesystem::path& path, const SaveParams& p, const Exec& ex) {
  const Origin o{"io::save", codec::quoted(path)};
  const Format format = format_for(path, p, o);
  const auto bytes = encode_impl(img, format, p, ex, o);
  codec::write_file(o, path, bytes);
}

}  // namespace

WorkspaceRequirements save_requirements(int width, int height) {
  WorkspaceLayout layout;
  layout.add<uchar4>(std::size_t(std::max(width, 0)) * std::size_t(std::max(height, 0)));
  return layout.requirements();
}

WorkspaceRequirements save_requirements(int width, int height, const SaveParams& p) {
  WorkspaceRequirements r = save_requirements(width, height);
  if (p.png_deflate == PngDeflate::parallel && width > 0 && height > 0)
    r.bytes += codec::pz::scratch_layout(std::uint32_t(width), std::uint32_t(height)).total;
  return r;
}

std::vector<std::byte> encode(ConstImageView<float4> img, Format format, const SaveParams& p, const Exec& ex) {
  return encode_impl(img, format, p, ex, Origin{"io::encode", "<memory>"});
}
std::vector<std::byte> encode(ConstImageView<uchar4> img, Format format, const SaveParams& p, const Exec& ex) {
  return encode_impl(img, format, p, ex, Origin{"io::encode", "<memory>"});
}

void save(ConstImageView<float4> img, const std::filesystem::path& path, const SaveParams& p, const Exec& ex) {
  save_impl(img, path, p, ex);
}
void save(ConstImageView<uchar4> img, const std::filesystem::path& path, const SaveParams& p, const Exec& ex) {
  save_impl(img, path, p, ex);
}

}  // namespace imagecuda::io
