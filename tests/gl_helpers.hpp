// SPDX-License-Identifier: MIT
/// @file gl_helpers.hpp  GL objects and read-backs for tests/test_gl.cpp and tests/gpu_gl.cpp.
#pragma once

#include <imagecuda/gl.hpp>
#include <imagecuda/imagecuda.hpp>

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "helpers.hpp"

namespace test::gl {

/// A headless context for `device`, or nullopt (with the reason in `why`) when EGL has none.
inline std::optional<imagecuda::gl::HeadlessContext> try_context(imagecuda::Device device, std::string& why) {
  try {
    return imagecuda::gl::HeadlessContext(device);
  } catch (const imagecuda::Error& e) {
    why = e.what();
    return std::nullopt;
  }
}

/// A GL pixel buffer object of `bytes` bytes (GL_STREAM_DRAW, filled with `fill`), deleted at scope exit.
struct Buffer {
  GLuint id = 0;
  explicit Buffer(std::size_t bytes, unsigned char fill = 0x5a) {
    glGenBuffers(1, &id);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, id);
    std::vector<unsigned char> init(bytes, fill);
    glBufferData(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(bytes), init.data(), GL_STREAM_DRAW);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  }
  ~Buffer() { glDeleteBuffers(1, &id); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  /// `bytes` bytes from offset 0, read with glGetBufferSubData.
  [[nodiscard]] std::vector<unsigned char> read(std::size_t bytes) const {
    std::vector<unsigned char> out(bytes);
    glBindBuffer(GL_COPY_READ_BUFFER, id);
    glGetBufferSubData(GL_COPY_READ_BUFFER, 0, GLsizeiptr(bytes), out.data());
    glBindBuffer(GL_COPY_READ_BUFFER, 0);
    return out;
  }
  [[nodiscard]] std::vector<uchar4> read_pixels(std::size_t n) const {
    const auto bytes = read(n * sizeof(uchar4));
    std::vector<uchar4> px(n);
    std::memcpy(px.data(), bytes.data(), bytes.size());
    return px;
  }
};

/// A GL_TEXTURE_2D of w x h texels with `internal_format` (GL_RGBA8 unless told), deleted at scope exit.
struct Texture {
  GLuint id = 0;
  int w, h;
  Texture(int w_, int h_, GLint internal_format = GL_RGBA8) : w(w_), h(h_) {
    glGenTextures(1, &id);
    glBindTexture(GL_TEXTURE_2D, id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    std::vector<uchar4> init(std::size_t(w) * std::size_t(h), uchar4{7, 7, 7, 7});
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, internal_format, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, init.data());
    glBindTexture(GL_TEXTURE_2D, 0);
  }
  ~Texture() { glDeleteTextures(1, &id); }
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;

  /// All texels, row 0 first (GL's t = 0 row), read with glReadPixels from an FBO.
  [[nodiscard]] std::vector<uchar4> read() const;
};

inline std::vector<uchar4> read_texture(GLuint id, int w, int h) {
  GLuint fbo = 0;
  glGenFramebuffers(1, &fbo);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, id, 0);
  std::vector<uchar4> out(std::size_t(w) * std::size_t(h), uchar4{0, 0, 0, 0});
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) == GL_FRAMEBUFFER_COMPLETE) {
    glBindBuffer(GL_PIXEL_PACK_BUFFER, 0);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadBuffer(GL_COLOR_ATTACHMENT0);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, out.data());
  }
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glDeleteFramebuffers(1, &fbo);
  return out;
}
inline std::vector<uchar4> Texture::read() const { return read_texture(id, w, h); }

/// What a copy must write: the pixels (converted with io::convert's formula), rows reversed when flipped.
inline uchar4 to_u8(uchar4 v) { return v; }
inline uchar4 to_u8(float4 v) { return imagecuda::detail::F32ToU8{}(v); }
template <class P>
std::vector<uchar4> expected(const std::vector<P>& px, int w, int h, bool flip) {
  std::vector<uchar4> out(px.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      out[std::size_t(flip ? h - 1 - y : y) * std::size_t(w) + std::size_t(x)] = to_u8(px[std::size_t(y) * std::size_t(w) + std::size_t(x)]);
  return out;
}

/// The w x h top-left corner of a texture read-back of width tw.
inline std::vector<uchar4> corner(const std::vector<uchar4>& tex, int tw, int w, int h) {
  std::vector<uchar4> out;
  out.reserve(std::size_t(w) * std::size_t(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) out.push_back(tex[std::size_t(y) * std::size_t(tw) + std::size_t(x)]);
  return out;
}

/// Exact equality of pixel vectors; the first difference in the failure message.
inline bool same(const std::vector<uchar4>& a, const std::vector<uchar4>& b, std::string& where) {
  if (a.size() != b.size()) {
    where = "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].x != b[i].x || a[i].y != b[i].y || a[i].z != b[i].z || a[i].w != b[i].w) {
      where = "pixel " + std::to_string(i) + ": (" + std::to_string(a[i].x) + "," + std::to_string(a[i].y) + "," +
              std::to_string(a[i].z) + "," + std::to_string(a[i].w) + ") vs (" + std::to_string(b[i].x) + "," +
              std::to_string(b[i].y) + "," + std::to_string(b[i].z) + "," + std::to_string(b[i].w) + ")";
      return false;
    }
  return true;
}

}  // namespace test::gl
