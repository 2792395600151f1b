// SPDX-License-Identifier: MIT
/// @file stb_write.cpp  Radiance HDR (.hdr) encoder: stb_image_write, written to memory.
///
/// The only translation unit that compiles stb_image_write: its functions are static here and
/// only the to-memory writer is called: imagecuda writes files itself so that every failure
/// becomes an Error naming the path and the reason. (STBI_WRITE_NO_STDIO cannot be used: the
/// stb_image_write of Debian 12 and others compiles the HDR writer only without it.) (PNG goes through libspng
/// and JPEG through TurboJPEG: both are faster than stb's encoders at the same output.)
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

}  // namespace

std::vector<std::byte> hdr_encode(const float* rgb, int w, int h, const Origin& o) {
  Sink sink;
  const int ok = stbi_write_hdr_to_func(&Sink::write, &sink, w, h, 3, rgb);
  if (sink.failed) fail(o, ErrorCode::out_of_memory, "cannot allocate memory for the HDR output");
  if (ok == 0) fail(o, ErrorCode::out_of_memory, "stb_image_write could not encode the HDR image (out of memory)");
  return std::move(sink.bytes);
}

}  // namespace imagecuda::io::codec
