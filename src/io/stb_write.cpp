// SPDX-License-Identifier: MIT
/// @file stb_write.cpp  8-bit PNG and JPEG encoders (stb_image_write, written to memory).
///
/// The only translation unit that compiles stb_image_write: its functions are static here, and
/// the file-writing half is compiled out (STBI_WRITE_NO_STDIO): imagecuda writes files itself so
/// that every failure becomes an Error naming the path and the reason.
#include <cstring>
#include <new>

#include "codec.hpp"

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace imagecuda::io::codec {
namespace {

/// stb_image_write's output callback: appends to a vector. It must not throw through C code,
/// so an allocation failure is remembered and reported after stb returns.
struct Sink {
  std::vector<std::byte> bytes;
  bool failed = false;
  static void write(void* context, void* data, int size) {
    auto* s = static_cast<Sink*>(context);
    if (s->failed || size <= 0) return;
    try {
      const auto* p = static_cast<const std::byte*>(data);
      s->bytes.insert(s->bytes.end(), p, p + size);
    } catch (...) {
      s->failed = true;
    }
  }
};

void finish(const Origin& o, const Sink& s, int ok, const char* what) {
  if (s.failed) fail(o, ErrorCode::out_of_memory, "cannot allocate memory for the {} output", what);
  if (ok == 0) fail(o, ErrorCode::out_of_memory, "stb_image_write could not encode the {} (out of memory)", what);
}

}  // namespace

std::vector<std::byte> png8_encode(const std::uint8_t* rgba, int w, int h, const Origin& o) {
  const std::size_t n = std::size_t(w) * std::size_t(h);
  bool opaque = true;
  for (std::size_t i = 0; i < n && opaque; ++i) opaque = rgba[4 * i + 3] == 255;
  const int channels = opaque ? 3 : 4;
  std::vector<std::uint8_t> rgb;
  const std::uint8_t* samples = rgba;
  if (opaque) {
    // Drop the constant alpha: a quarter less to compress and write; loads back identically.
    rgb.resize(n * 3);
    for (std::size_t i = 0; i < n; ++i) std::memcpy(&rgb[3 * i], &rgba[4 * i], 3);
    samples = rgb.data();
  }
  // stb_image_write sizes its filter buffer and zlib stream in int: (w*c + 1)*h must fit, with
  // room for the deflate overhead. Larger images (up to 32768^2) go through libspng.
  const std::uint64_t raw = (std::uint64_t(w) * std::uint64_t(channels) + 1) * std::uint64_t(h);
  if (raw > std::uint64_t(1) << 30) return spng_encode(samples, w, h, channels, 8, o);
  Sink sink;
  const int ok = stbi_write_png_to_func(&Sink::write, &sink, w, h, channels, samples, w * channels);
  finish(o, sink, ok, "PNG");
  return std::move(sink.bytes);
}

std::vector<std::byte> jpeg_encode(const std::uint8_t* rgb, int w, int h, int quality, const Origin& o) {
  // stb indexes the source with int (y * w * comp): keep it below 2^31.
  if (std::uint64_t(w) * std::uint64_t(h) * 3 >= std::uint64_t(1) << 31) return jpeg_encode_large(rgb, w, h, quality, o);
  Sink sink;
  const int ok = stbi_write_jpg_to_func(&Sink::write, &sink, w, h, 3, rgb, quality);
  finish(o, sink, ok, "JPEG");
  return std::move(sink.bytes);
}

}  // namespace imagecuda::io::codec
