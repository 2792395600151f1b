// SPDX-License-Identifier: MIT
/// @file jpeg.cpp  JPEG through TurboJPEG (libjpeg-turbo 2.1 API): header probe, decode of grey,
/// YCbCr/RGB and CMYK/YCCK to RGBA8, APP1 EXIF orientation; and the JPEG encoder.
#include <turbojpeg.h>

#include <cstring>
#include <memory>
#include <new>

#include "codec.hpp"

namespace imagecuda::io::codec {
namespace {

struct TjDeleter {
  void operator()(void* h) const noexcept { tjDestroy(h); }
};
using Tj = std::unique_ptr<void, TjDeleter>;

Tj make_decompressor(const Origin& o) {
  Tj tj(tjInitDecompress());
  if (!tj) fail(o, ErrorCode::out_of_memory, "cannot create a TurboJPEG decompressor: {}", tjGetErrorStr2(nullptr));
  return tj;
}

/// Rejects, with Error{unsupported}, the JPEG processes libjpeg-turbo's 8-bit decoder cannot
/// do (lossless, hierarchical, 12/16-bit precision), so that a valid but unsupported file is
/// not reported as corrupt. Walks the markers up to the first SOFn, bounds-checked; if the walk
/// fails the file is left to libjpeg, which reports what is wrong.
void check_process(std::span<const std::byte> bytes, const Origin& o) {
  const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t off = 2;
  while (off + 4 <= n) {
    if (d[off] != 0xFF) return;
    const unsigned char m = d[off + 1];
    if (m == 0xFF) {
      ++off;
      continue;
    }
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      off += 2;
      continue;
    }
    if (m == 0xDA || m == 0xD9) return;
    const std::size_t len = std::size_t(d[off + 2]) << 8 | d[off + 3];
    if (len < 2 || len > n - off - 2) return;
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      switch (m) {
        case 0xC3: case 0xCB:
          fail(o, ErrorCode::unsupported, "lossless JPEG (SOF{}) is not supported", m - 0xC0);
        case 0xC5: case 0xC6: case 0xC7: case 0xCD: case 0xCE: case 0xCF:
          fail(o, ErrorCode::unsupported, "hierarchical JPEG (SOF{}) is not supported", m - 0xC0);
        default: break;
      }
      if (len >= 3 && d[off + 4] != 8)
        fail(o, ErrorCode::unsupported, "{}-bit JPEG is not supported (8-bit samples only)", int(d[off + 4]));
      return;
    }
    off += 2 + len;
  }
}

struct JpegHeader {
  int width = 0, height = 0, colorspace = -1;
};

JpegHeader read_header(void* tj, std::span<const std::byte> bytes, const Origin& o, const LoadParams& p) {
  check_process(bytes, o);
  JpegHeader h;
  int subsamp = -1;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (tjDecompressHeader3(tj, data, static_cast<unsigned long>(bytes.size()), &h.width, &h.height, &subsamp,
                          &h.colorspace) != 0) {
    const std::string msg = tjGetErrorStr2(tj);
    const bool warning = tjGetErrorCode(tj) == TJERR_WARNING;
    // TurboJPEG 2.1 refuses sampling factors it has no TJSAMP_* name for, although it decodes
    // them to RGB fine: only the subsampling is unknown, which imagecuda does not need.
    const bool odd_sampling = msg.find("subsampling") != std::string::npos;
    const bool header_ok = h.width > 0 && h.height > 0;
    if (!((warning || odd_sampling) && header_ok && h.colorspace >= 0)) {
      // A frame TurboJPEG parsed but cannot map to a colour space (e.g. 2 components).
      if (header_ok && h.colorspace < 0 && (odd_sampling || msg.find("colorspace") != std::string::npos))
        fail(o, ErrorCode::unsupported, "JPEG colour space not supported: {}", msg);
      fail(o, ErrorCode::decode, "invalid JPEG: {}", msg);
    }
  }
  // libjpeg suspends (no error) when the data ends before the frame header: nothing was read.
  if (h.width <= 0 || h.height <= 0)
    fail(o, ErrorCode::decode, "invalid JPEG: the data ends before the frame header ({} bytes)", bytes.size());
  check_declared_size(o, std::uint64_t(h.width), std::uint64_t(h.height), p.max_pixels);
  return h;
}

}  // namespace

Header jpeg_header(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p) {
  Tj tj = make_decompressor(o);
  const JpegHeader jh = read_header(tj.get(), bytes, o, p);
  Header h;
  h.width = jh.width;
  h.height = jh.height;
  h.format = Format::jpeg;
  h.bit_depth = 8;
  h.channels = jh.colorspace == TJCS_GRAY ? 1 : (jh.colorspace == TJCS_CMYK || jh.colorspace == TJCS_YCCK) ? 4 : 3;
  h.orientation = jpeg_exif_orientation(bytes);
  return h;
}

HostImage jpeg_decode(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p) {
  Tj tj = make_decompressor(o);
  const JpegHeader jh = read_header(tj.get(), bytes, o, p);
  const bool cmyk = jh.colorspace == TJCS_CMYK || jh.colorspace == TJCS_YCCK;
  HostImage img;
  img.width = jh.width;
  img.height = jh.height;
  img.bit_depth = 8;
  const std::size_t pixels = std::size_t(jh.width) * std::size_t(jh.height);
  try {
    img.data8.resize(pixels * 4);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "cannot allocate {} bytes of host memory for {}x{} pixels", pixels * 4,
         jh.width, jh.height);
  }
  // Grey and YCbCr/RGB come out as RGBA with A = 255 (libjpeg-turbo expands grey to R=G=B).
  // CMYK/YCCK come out as CMYK and are converted below. LIMITSCANS stops progressive files with
  // more than 500 scans (a known CPU-exhaustion trick).
  const int pf = cmyk ? TJPF_CMYK : TJPF_RGBA;
  const int r = tjDecompress2(tj.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                              static_cast<unsigned long>(bytes.size()), img.data8.data(), jh.width, 0, jh.height, pf,
                              TJFLAG_LIMITSCANS);
  if (r != 0) {
    const std::string msg = tjGetErrorStr2(tj.get());
    const bool warning = tjGetErrorCode(tj.get()) == TJERR_WARNING;
    // A libjpeg warning means the pixels are incomplete or damaged (premature end of file,
    // bad Huffman code, corrupt data segment, ...): by default it is an error (strict).
    if (!warning) fail(o, ErrorCode::decode, "invalid JPEG: {}", msg);
    if (p.strict) fail(o, ErrorCode::decode, "corrupt or truncated JPEG: {}", msg);
  }
  if (cmyk) {
    // Adobe-style inverted CMYK (what Photoshop and libjpeg-turbo write): the stored values are
    // 255 - ink, so R = C*K/255, G = M*K/255, B = Y*K/255, rounded; A = 255.
    std::uint8_t* px = img.data8.data();
    for (std::size_t i = 0; i < pixels; ++i, px += 4) {
      const unsigned c = px[0], m = px[1], y = px[2], k = px[3];
      px[0] = static_cast<std::uint8_t>((c * k + 127) / 255);
      px[1] = static_cast<std::uint8_t>((m * k + 127) / 255);
      px[2] = static_cast<std::uint8_t>((y * k + 127) / 255);
      px[3] = 255;
    }
  }
  const int orientation = jpeg_exif_orientation(bytes);
  if (p.autorotate && orientation != 1) {
    img.data8 = orient(img.data8, img.width, img.height, orientation);
    std::tie(img.width, img.height) = oriented_size(img.width, img.height, orientation);
  }
  return img;
}

bool jpeg_decode_into(std::span<const std::byte> bytes, const Origin& o, const LoadParams& p, std::uint8_t* dst,
                      std::size_t capacity, int& w, int& h) {
  Tj tj = make_decompressor(o);
  const JpegHeader jh = read_header(tj.get(), bytes, o, p);
  w = jh.width;
  h = jh.height;
  const bool cmyk = jh.colorspace == TJCS_CMYK || jh.colorspace == TJCS_YCCK;
  if (cmyk || std::size_t(jh.width) * std::size_t(jh.height) > capacity) return false;
  if (p.autorotate && jpeg_exif_orientation(bytes) != 1) return false;
  const int r = tjDecompress2(tj.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                              static_cast<unsigned long>(bytes.size()), dst, jh.width, 0, jh.height, TJPF_RGBA,
                              TJFLAG_LIMITSCANS);
  if (r != 0) {  // the same rules as jpeg_decode
    const std::string msg = tjGetErrorStr2(tj.get());
    const bool warning = tjGetErrorCode(tj.get()) == TJERR_WARNING;
    if (!warning) fail(o, ErrorCode::decode, "invalid JPEG: {}", msg);
    if (p.strict) fail(o, ErrorCode::decode, "corrupt or truncated JPEG: {}", msg);
  }
  return true;
}

std::vector<std::byte> jpeg_encode(const std::uint8_t* px, int w, int h, int channels, int quality, const Origin& o) {
  Tj tj(tjInitCompress());
  if (!tj) fail(o, ErrorCode::out_of_memory, "cannot create a TurboJPEG compressor: {}", tjGetErrorStr2(nullptr));
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  // Chroma: 4:4:4 above quality 90, else 4:2:0 (stb_image_write's choice, which imagecuda used
  // before TurboJPEG wrote every JPEG). Accurate integer DCT.
  const int r = tjCompress2(tj.get(), px, w, 0, h, channels == 4 ? TJPF_RGBX : TJPF_RGB, &buf, &size,
                            quality > 90 ? TJSAMP_444 : TJSAMP_420,
                            quality, TJFLAG_ACCURATEDCT);
  std::unique_ptr<unsigned char, decltype(&tjFree)> owned(buf, &tjFree);
  if (r != 0) fail(o, ErrorCode::out_of_memory, "TurboJPEG cannot encode the image: {}", tjGetErrorStr2(tj.get()));
  const auto* b = reinterpret_cast<const std::byte*>(buf);
  try {
    return std::vector<std::byte>(b, b + size);
  } catch (const std::bad_alloc&) {
    fail(o, ErrorCode::out_of_memory, "cannot allocate {} bytes for the JPEG", size);
  }
}

}  // namespace imagecuda::io::codec
