// SPDX-License-Identifier: MIT
/// @file files.cpp  io::probe and io::load: file -> host decode -> the image's device; file
/// reading/writing and format detection.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <system_error>

#include "codec.hpp"

namespace imagecuda::io {
namespace codec {
namespace {

std::string errno_text(int e) { return std::error_code(e, std::generic_category()).message(); }

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { (void)std::fclose(f); }
};

bool starts_with(std::span<const std::byte> b, const char* magic, std::size_t n, std::size_t at = 0) {
  return b.size() >= at + n && std::memcmp(b.data() + at, magic, n) == 0;
}

}  // namespace

std::string quoted(const std::filesystem::path& path) { return fmt::format("'{}'", path.string()); }

std::vector<std::byte> read_file(const Origin& o, const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail(o, ErrorCode::io, "cannot read: is a directory");
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) fail(o, ErrorCode::io, "cannot open: {}", errno_text(errno));
  std::vector<std::byte> data;
  try {
    // Sized from the file system when it knows (one byte more, so that EOF is seen without
    // growing); pipes and special files grow as they are read.
    const auto size = std::filesystem::file_size(path, ec);
    data.resize(!ec ? std::size_t(size) + 1 : std::size_t(1) << 16);
    std::size_t used = 0;
    for (;;) {
      used += std::fread(data.data() + used, 1, data.size() - used, f.get());
      if (used < data.size()) {  // a short read: end of file or an error
        if (std::ferror(f.get())) fail(o, ErrorCode::io, "read failed: {}", errno_text(errno != 0 ? errno : EIO));
        break;
      }
      data.resize(data.size() * 2);
    }
    data.resize(used);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "cannot allocate host memory to read the file");
  }
  return data;
}

void write_file(const Origin& o, const std::filesystem::path& path, std::span<const std::byte> bytes) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) fail(o, ErrorCode::io, "cannot open for writing: {}", errno_text(errno != 0 ? errno : EIO));
  int err = 0;
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) err = errno != 0 ? errno : EIO;
  if (std::fflush(f) != 0 && err == 0) err = errno != 0 ? errno : EIO;
  if (std::fclose(f) != 0 && err == 0) err = errno != 0 ? errno : EIO;
  if (err != 0) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) std::filesystem::remove(path, ec);  // no half-written file
    fail(o, ErrorCode::io, "write failed: {}", errno_text(err));
  }
}

Format detect_format(std::span<const std::byte> b, const Origin& o) {
  static const char png[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  static const char jpg[3] = {'\xFF', '\xD8', '\xFF'};
  if (b.empty()) fail(o, ErrorCode::decode, "empty (0 bytes)");
  if (starts_with(b, png, 8)) return Format::png;
  if (starts_with(b, jpg, 3)) return Format::jpeg;
  // A prefix of a signature: the file was cut inside it.
  if (b.size() < 8 && std::memcmp(b.data(), png, b.size()) == 0)
    fail(o, ErrorCode::decode, "truncated PNG: {} bytes", b.size());
  if (b.size() < 3 && std::memcmp(b.data(), jpg, b.size()) == 0)
    fail(o, ErrorCode::decode, "truncated JPEG: {} bytes", b.size());
  const char* name = nullptr;
  if (starts_with(b, "GIF87a", 6) || starts_with(b, "GIF89a", 6)) name = "GIF";
  else if (starts_with(b, "BM", 2)) name = "BMP";
  else if (starts_with(b, "RIFF", 4) && starts_with(b, "WEBP", 4, 8)) name = "WebP";
  else if (starts_with(b, "II*\0", 4) || starts_with(b, "MM\0*", 4)) name = "TIFF";
  else if (starts_with(b, "ftypavif", 8, 4) || starts_with(b, "ftypavis", 8, 4)) name = "AVIF";
  else if (starts_with(b, "ftyphei", 7, 4) || starts_with(b, "ftypmif1", 8, 4)) name = "HEIF";
  else if (starts_with(b, "\xFF\x0A", 2) || starts_with(b, "\0\0\0\x0CJXL ", 8)) name = "JPEG XL";
  else if (starts_with(b, "qoif", 4)) name = "QOI";
  else if (starts_with(b, "8BPS", 4)) name = "PSD";
  else if (starts_with(b, "\0\0\1\0", 4)) name = "ICO";
  if (name != nullptr) fail(o, ErrorCode::unsupported, "unsupported format {} (imagecuda reads PNG and JPEG)", name);
  std::string head;
  for (std::size_t i = 0; i < std::min<std::size_t>(b.size(), 8); ++i)
    head += fmt::format("{}{:02x}", i ? " " : "", static_cast<unsigned>(b[i]));
  fail(o, ErrorCode::unsupported, "unsupported format: not a PNG or JPEG file (starts with {})", head);
}

void check_declared_size(const Origin& o, std::uint64_t w, std::uint64_t h, std::size_t max_pixels) {
  if (w == 0 || h == 0) fail(o, ErrorCode::decode, "invalid image size {}x{}", w, h);
  if (w > std::uint64_t(max_dimension) || h > std::uint64_t(max_dimension))
    fail(o, ErrorCode::decode, "declared size {}x{} exceeds the limit of {} pixels a side", w, h, max_dimension);
  if (w * h > max_pixels)
    fail(o, ErrorCode::decode, "declared size {}x{} ({} pixels) exceeds LoadParams::max_pixels ({})", w, h, w * h,
         max_pixels);
}

}  // namespace codec

namespace {

using codec::fail;
using codec::Origin;

ImageInfo probe_impl(std::span<const std::byte> bytes, const LoadParams& p, const Origin& o) {
  try {
    const Format f = codec::detect_format(bytes, o);
    const codec::Header h = f == Format::png ? codec::png_header(bytes, o, p) : codec::jpeg_header(bytes, o, p);
    ImageInfo info;
    std::tie(info.width, info.height) =
        p.autorotate ? codec::oriented_size(h.width, h.height, h.orientation) : std::pair{h.width, h.height};
    info.format = h.format;
    info.bit_depth = h.bit_depth;
    info.channels = h.channels;
    info.orientation = h.orientation;
    return info;
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory");
  }
}

codec::HostImage decode(std::span<const std::byte> bytes, const LoadParams& p, const Origin& o) {
  try {
    const Format f = codec::detect_format(bytes, o);
    return f == Format::png ? codec::png_decode(bytes, o, p) : codec::jpeg_decode(bytes, o, p);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory");
  }
}

template <class P>
void check_capacity(const Origin& o, const Image<P>& dst, int w, int h) {
  const std::size_t need = std::size_t(w) * std::size_t(h);
  if (need > dst.capacity())
    fail(o, ErrorCode::invalid_argument, "dst capacity of {} pixels is too small for {}x{} ({} pixels)",
         dst.capacity(), w, h, need);
}

/// Moves decoded pixels into an f32 destination on its device.
void deliver(codec::HostImage& img, ImageF32& dst, const Origin& o, const Exec& ex) {
  const int w = img.width, h = img.height;
  check_capacity(o, dst, w, h);
  const Device dev = dst.device();
  if (img.bit_depth == 16) {
    // 16 bits keep their precision: v/65535 on the host, then one upload of the floats.
    std::vector<float4> f(std::size_t(w) * std::size_t(h));
    const std::uint16_t* s = img.data16.data();
    for (auto& px : f) {
      px = float4{float(s[0]) / 65535.f, float(s[1]) / 65535.f, float(s[2]) / 65535.f, float(s[3]) / 65535.f};
      s += 4;
    }
    img.data16 = {};
    dst.set_size(w, h);
    dst.set_stream(ex.stream);
    imagecuda::detail::upload_2d(dev, dst.data(), dst.pitch(), f.data(), dst.pitch(), dst.pitch(), h, ex.stream);
    return;
  }
  // 8 bits: upload the bytes into a staging image carved from the workspace, convert (v/255) on
  // the device. The scratch is taken before dst is touched, so its errors leave dst as it was.
  imagecuda::detail::Scratch scratch(o.op, dev, load_requirements(w, h).bytes, ex);
  ImageView<uchar4> staged(scratch.at<uchar4>(0), w, h, std::size_t(w) * sizeof(uchar4), dev);
  imagecuda::detail::upload_2d(dev, staged.data(), staged.pitch(), img.data8.data(), staged.pitch(), staged.pitch(),
                               h, ex.stream);
  dst.set_size(w, h);
  dst.set_stream(ex.stream);
  convert(ConstImageView<uchar4>(staged), dst.view(), ex);
}

/// Moves decoded pixels into a u8 destination (16-bit rounded: (v*255 + 32767) / 65535).
void deliver(codec::HostImage& img, ImageU8& dst, const Origin& o, const Exec& ex) {
  const int w = img.width, h = img.height;
  check_capacity(o, dst, w, h);
  if (img.bit_depth == 16) {
    img.data8.resize(img.data16.size());
    for (std::size_t i = 0; i < img.data16.size(); ++i)
      img.data8[i] = static_cast<std::uint8_t>((std::uint32_t(img.data16[i]) * 255u + 32767u) / 65535u);
    img.data16 = {};
  }
  dst.set_size(w, h);
  dst.set_stream(ex.stream);
  imagecuda::detail::upload_2d(dst.device(), dst.data(), dst.pitch(), img.data8.data(), dst.pitch(), dst.pitch(), h,
                               ex.stream);
}

template <class P>
void load_into(std::span<const std::byte> bytes, Image<P>& dst, const LoadParams& p, const Exec& ex,
               const Origin& o) {
  imagecuda::detail::check_image(o.op, "dst", dst);
  codec::HostImage img = decode(bytes, p, o);
  try {
    deliver(img, dst, o, ex);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory");
  }
}

ImageF32 load_new(std::span<const std::byte> bytes, const LoadParams& p, const Exec& ex, const Origin& o) {
  codec::HostImage img = decode(bytes, p, o);
  ImageF32 out(img.width, img.height, p.device, ex.stream);
  try {
    deliver(img, out, o, ex);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "out of host memory");
  }
  return out;
}

Origin memory_origin(const char* op) { return Origin{op, "<memory>"}; }
Origin file_origin(const char* op, const std::filesystem::path& path) { return Origin{op, codec::quoted(path)}; }

}  // namespace

ImageInfo probe(std::span<const std::byte> bytes, const LoadParams& p) {
  return probe_impl(bytes, p, memory_origin("io::probe"));
}
ImageInfo probe(const std::filesystem::path& path, const LoadParams& p) {
  const Origin o = file_origin("io::probe", path);
  const auto bytes = codec::read_file(o, path);
  return probe_impl(bytes, p, o);
}

WorkspaceRequirements load_requirements(int width, int height) {
  WorkspaceLayout layout;
  layout.add<uchar4>(std::size_t(std::max(width, 0)) * std::size_t(std::max(height, 0)));
  return layout.requirements();
}

ImageF32 load(const std::filesystem::path& path, const LoadParams& p, const Exec& ex) {
  const Origin o = file_origin("io::load", path);
  const auto bytes = codec::read_file(o, path);
  return load_new(bytes, p, ex, o);
}
ImageF32 load(std::span<const std::byte> bytes, const LoadParams& p, const Exec& ex) {
  return load_new(bytes, p, ex, memory_origin("io::load"));
}
void load(const std::filesystem::path& path, ImageF32& dst, const LoadParams& p, const Exec& ex) {
  const Origin o = file_origin("io::load", path);
  imagecuda::detail::check_image(o.op, "dst", dst);
  load_into(codec::read_file(o, path), dst, p, ex, o);
}
void load(std::span<const std::byte> bytes, ImageF32& dst, const LoadParams& p, const Exec& ex) {
  load_into(bytes, dst, p, ex, memory_origin("io::load"));
}
void load(const std::filesystem::path& path, ImageU8& dst, const LoadParams& p, const Exec& ex) {
  const Origin o = file_origin("io::load", path);
  imagecuda::detail::check_image(o.op, "dst", dst);
  load_into(codec::read_file(o, path), dst, p, ex, o);
}
void load(std::span<const std::byte> bytes, ImageU8& dst, const LoadParams& p, const Exec& ex) {
  load_into(bytes, dst, p, ex, memory_origin("io::load"));
}

ImageInfo decode(std::span<const std::byte> bytes, std::span<uchar4> dst, const LoadParams& p) {
  const Origin o = memory_origin("io::decode");
  auto too_small = [&](int w, int h) {
    fail(o, ErrorCode::invalid_argument, "dst holds {} pixels, too few for {}x{} ({} pixels)", dst.size(), w, h,
         std::size_t(w) * std::size_t(h));
  };
  if (codec::detect_format(bytes, o) == Format::jpeg) {
    // The common case, decoded straight into dst: no intermediate buffer, no copy.
    int w = 0, h = 0;
    if (codec::jpeg_decode_into(bytes, o, p, reinterpret_cast<std::uint8_t*>(dst.data()), dst.size(), w, h)) {
      ImageInfo info = probe_impl(bytes, p, o);
      info.width = w;
      info.height = h;
      return info;
    }
    if (std::size_t(w) * std::size_t(h) > dst.size()) {  // fail before decoding anything
      const ImageInfo info = probe_impl(bytes, p, o);
      too_small(info.width, info.height);
    }
  }
  codec::HostImage img = decode(bytes, p, o);
  const std::size_t need = std::size_t(img.width) * std::size_t(img.height);
  if (need > dst.size()) too_small(img.width, img.height);
  ImageInfo info;
  info.width = img.width;
  info.height = img.height;
  info.format = codec::detect_format(bytes, o);
  info.bit_depth = img.bit_depth;
  auto* out = reinterpret_cast<std::uint8_t*>(dst.data());
  if (img.bit_depth == 16) {  // rounded as deliver() into an ImageU8: (v*255 + 32767) / 65535
    for (std::size_t i = 0; i < need * 4; ++i)
      out[i] = static_cast<std::uint8_t>((std::uint32_t(img.data16[i]) * 255u + 32767u) / 65535u);
  } else {
    std::memcpy(out, img.data8.data(), need * 4);
  }
  // channels / orientation as probe() reports them (header only, cheap).
  const ImageInfo h = probe_impl(bytes, p, o);
  info.channels = h.channels;
  info.orientation = h.orientation;
  return info;
}

}  // namespace imagecuda::io
