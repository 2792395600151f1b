// SPDX-License-Identifier: MIT
/// @file gl.cpp  gl::PixelBuffer and gl::Texture: registration, checks, and the CPU backend path.
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
// clang-format off
#include <cuda_runtime.h>
#include <cuda_gl_interop.h>
// clang-format on

#include <cstring>
#include <utility>
#include <vector>

#include "host/parallel.hpp"
#include "imagecuda/detail/convert.hpp"
#include "imagecuda/detail/dispatch.hpp"
#include "imagecuda/gl.hpp"
#include "kernels.hpp"

namespace imagecuda::gl {
namespace {

using imagecuda::detail::expects;
using imagecuda::detail::fail;

/// Throws unless a GL context is current on this thread (with none, glvnd's stubs return null).
void require_context(const char* op) {
  expects(glGetString(GL_VERSION) != nullptr, ErrorCode::invalid_argument,
          "{}: no OpenGL context is current on this thread (make the context that owns the object current first)",
          op);
}

[[noreturn]] void fail_cuda(const char* op, const char* call, cudaError_t e, unsigned int id, Device d) {
  (void)cudaGetLastError();  // clear it so that the next CUDA call starts clean
  fail(ErrorCode::cuda, "{}: {} for GL object {} on {} failed: {} ({})", op, call, id, d, cudaGetErrorName(e),
       cudaGetErrorString(e));
}

/// One pixel to RGBA8 with the io::convert formula (u8 as it is).
struct ToU8 {
  uchar4 operator()(uchar4 v) const { return v; }
  uchar4 operator()(float4 v) const { return imagecuda::detail::F32ToU8{}(v); }
};

/// Writes src into `dst` as tightly packed rows (row y to h-1-y when flipped), on the host pool.
template <class P>
void to_packed_host(ConstImageView<P> src, uchar4* dst, bool flip) {
  const int w = src.width(), h = src.height();
  imagecuda::detail::host::parallel_rows(h, std::size_t(w), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const P* s = src.row(y);
      uchar4* d = dst + std::size_t(flip ? h - 1 - y : y) * std::size_t(w);
      for (int x = 0; x < w; ++x) d[x] = ToU8{}(s[x]);
    }
  });
}

/// Maps the image's CUDA resource on a stream; unmaps on scope exit unless done() ran.
class Mapping {
 public:
  Mapping(cudaGraphicsResource_t r, cudaStream_t s, const char* op, unsigned int id, Device d)
      : r_(r), s_(s), op_(op), id_(id), d_(d) {
    const cudaError_t e = cudaGraphicsMapResources(1, &r_, s_);
    if (e != cudaSuccess) fail_cuda(op, "cudaGraphicsMapResources", e, id, d);
  }
  ~Mapping() {
    if (r_ != nullptr) {
      (void)cudaGraphicsUnmapResources(1, &r_, s_);
      (void)cudaGetLastError();
    }
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  void done() {
    const cudaError_t e = cudaGraphicsUnmapResources(1, &r_, s_);
    r_ = nullptr;
    if (e != cudaSuccess) fail_cuda(op_, "cudaGraphicsUnmapResources", e, id_, d_);
  }

 private:
  cudaGraphicsResource_t r_;
  cudaStream_t s_;
  const char* op_;
  unsigned int id_;
  Device d_;
};

/// Saves a GL integer binding/state and restores it on scope exit.
struct SavedInt {
  GLenum query;
  GLint value = 0;
  void (*restore)(GLenum, GLint);
  GLenum target;
  SavedInt(GLenum q, GLenum t, void (*r)(GLenum, GLint)) : query(q), restore(r), target(t) { glGetIntegerv(q, &value); }
  ~SavedInt() { restore(target, value); }
  SavedInt(const SavedInt&) = delete;
  SavedInt& operator=(const SavedInt&) = delete;
};
/// Drops pending GL errors so that the next glGetError reports ours (bounded: a lost context
/// may keep reporting).
void clear_gl_errors() {
  for (int i = 0; i < 16 && glGetError() != GL_NO_ERROR; ++i) {
  }
}
void bind_buffer(GLenum t, GLint v) { glBindBuffer(t, GLuint(v)); }
void bind_texture(GLenum t, GLint v) { glBindTexture(t, GLuint(v)); }
void pixel_store(GLenum t, GLint v) { glPixelStorei(t, v); }

void unregister(cudaGraphicsResource_t& r, Device d) noexcept {
  if (r != nullptr) {
    if (d.is_cuda()) {
      int prev = -1;
      (void)cudaGetDevice(&prev);
      (void)cudaSetDevice(d.ordinal());
      (void)cudaGraphicsUnregisterResource(r);
      (void)cudaGetLastError();
      if (prev >= 0) (void)cudaSetDevice(prev);
    }
    r = nullptr;
  }
}

template <class P>
void check_src_image(const char* op, const Image<P>& src) {
  imagecuda::detail::check_image(op, "src", src);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PixelBuffer
// ---------------------------------------------------------------------------------------------

PixelBuffer::PixelBuffer(unsigned int pbo_id, Device device) : device_(device) {
  constexpr const char* op = "gl::PixelBuffer";
  expects(pbo_id != 0, ErrorCode::invalid_argument, "{}: pbo_id must name a GL buffer object, got 0", op);
  require_context(op);
  expects(glIsBuffer(pbo_id) == GL_TRUE, ErrorCode::invalid_argument,
          "{}: pbo_id {} is not a buffer object of the current GL context (create it with glGenBuffers, "
          "glBindBuffer and glBufferData)",
          op, pbo_id);
  if (device.is_cuda()) {
    imagecuda::detail::DeviceGuard guard(device);
    const cudaError_t e = cudaGraphicsGLRegisterBuffer(&resource_, pbo_id, cudaGraphicsRegisterFlagsWriteDiscard);
    if (e != cudaSuccess) {
      resource_ = nullptr;
      fail_cuda(op, "cudaGraphicsGLRegisterBuffer", e, pbo_id, device);
    }
  }
  id_ = pbo_id;
}

PixelBuffer::~PixelBuffer() { reset(); }

PixelBuffer::PixelBuffer(PixelBuffer&& o) noexcept
    : id_(std::exchange(o.id_, 0)),
      device_(o.device_),
      resource_(std::exchange(o.resource_, nullptr)),
      was_reset_(std::exchange(o.was_reset_, false)) {}

PixelBuffer& PixelBuffer::operator=(PixelBuffer&& o) noexcept {
  if (this != &o) {
    unregister(resource_, device_);
    id_ = std::exchange(o.id_, 0);
    device_ = o.device_;
    resource_ = std::exchange(o.resource_, nullptr);
    was_reset_ = std::exchange(o.was_reset_, false);
  }
  return *this;
}

void PixelBuffer::reset() noexcept {
  if (id_ != 0) {
    unregister(resource_, device_);
    id_ = 0;
    was_reset_ = true;
  }
}

template <class P>
void PixelBuffer::copy_impl(ConstImageView<P> src, Flip flip, const Exec& ex) {
  constexpr const char* op = "gl::PixelBuffer::copy_from";
  expects(!was_reset_, ErrorCode::freed, "{}: the PixelBuffer was reset (unregistered)", op);
  expects(id_ != 0, ErrorCode::invalid_argument, "{}: the PixelBuffer is empty (default-constructed or moved-from)", op);
  imagecuda::detail::check_view(op, "src", src);
  imagecuda::detail::expects(src.device() == device_, ErrorCode::device_mismatch,
                             "{}: src is on {} but PBO {} is registered for {}", op, src.device(), id_, device_);
  const std::size_t need = src.pixels() * sizeof(uchar4);
  const bool flipped = flip == Flip::vertical;

  if (device_.is_cuda()) {
    imagecuda::detail::DeviceGuard guard(device_);
    Mapping map(resource_, ex.stream.value(), op, id_, device_);
    void* ptr = nullptr;
    std::size_t size = 0;
    const cudaError_t e = cudaGraphicsResourceGetMappedPointer(&ptr, &size, resource_);
    if (e != cudaSuccess) fail_cuda(op, "cudaGraphicsResourceGetMappedPointer", e, id_, device_);
    expects(size >= need, ErrorCode::invalid_argument, "{}: PBO {} has {} bytes, need {} ({}x{} RGBA8)", op, id_, size,
            need, src.width(), src.height());
    imagecuda::detail::gl_cuda::to_linear(imagecuda::detail::pitched(src), ptr, flipped, ex.stream.value());
    map.done();
    return;
  }

  // CPU backend: map the buffer for writing and convert on the host.
  require_context(op);
  SavedInt binding(GL_PIXEL_UNPACK_BUFFER_BINDING, GL_PIXEL_UNPACK_BUFFER, bind_buffer);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, id_);
  GLint64 size = 0;
  glGetBufferParameteri64v(GL_PIXEL_UNPACK_BUFFER, GL_BUFFER_SIZE, &size);
  expects(size >= 0 && std::size_t(size) >= need, ErrorCode::invalid_argument,
          "{}: PBO {} has {} bytes, need {} ({}x{} RGBA8)", op, id_, size, need, src.width(), src.height());
  void* ptr = glMapBufferRange(GL_PIXEL_UNPACK_BUFFER, 0, GLsizeiptr(need), GL_MAP_WRITE_BIT | GL_MAP_INVALIDATE_RANGE_BIT);
  if (ptr == nullptr)
    fail(ErrorCode::invalid_argument, "{}: glMapBufferRange of PBO {} ({} bytes) failed: GL error 0x{:04x}", op, id_,
         need, unsigned(glGetError()));
  try {
    to_packed_host(src, static_cast<uchar4*>(ptr), flipped);
  } catch (...) {
    glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER);
    throw;
  }
  expects(glUnmapBuffer(GL_PIXEL_UNPACK_BUFFER) == GL_TRUE, ErrorCode::io,
          "{}: glUnmapBuffer of PBO {} reported a corrupted data store; copy again", op, id_);
}

void PixelBuffer::copy_from(ConstImageView<uchar4> src, Flip flip, const Exec& ex) { copy_impl(src, flip, ex); }
void PixelBuffer::copy_from(ConstImageView<float4> src, Flip flip, const Exec& ex) { copy_impl(src, flip, ex); }
void PixelBuffer::copy_from(const ImageU8& src, Flip flip, const Exec& ex) {
  check_src_image("gl::PixelBuffer::copy_from", src);
  copy_impl(src.view(), flip, ex);
}
void PixelBuffer::copy_from(const ImageF32& src, Flip flip, const Exec& ex) {
  check_src_image("gl::PixelBuffer::copy_from", src);
  copy_impl(src.view(), flip, ex);
}

// ---------------------------------------------------------------------------------------------
// Texture
// ---------------------------------------------------------------------------------------------

Texture::Texture(unsigned int texture_id, Device device) : device_(device) {
  constexpr const char* op = "gl::Texture";
  expects(texture_id != 0, ErrorCode::invalid_argument, "{}: texture_id must name a GL texture, got 0", op);
  require_context(op);
  expects(glIsTexture(texture_id) == GL_TRUE, ErrorCode::invalid_argument,
          "{}: texture_id {} is not a texture of the current GL context (create it with glGenTextures, "
          "glBindTexture(GL_TEXTURE_2D) and glTexImage2D)",
          op, texture_id);
  {
    SavedInt binding(GL_TEXTURE_BINDING_2D, GL_TEXTURE_2D, bind_texture);
    clear_gl_errors();
    glBindTexture(GL_TEXTURE_2D, texture_id);
    expects(glGetError() == GL_NO_ERROR, ErrorCode::invalid_argument,
            "{}: texture {} is not a GL_TEXTURE_2D (glBindTexture failed)", op, texture_id);
    GLint w = 0, h = 0, format = 0;
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &w);
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_HEIGHT, &h);
    glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_INTERNAL_FORMAT, &format);
    expects(w > 0 && h > 0, ErrorCode::invalid_argument,
            "{}: texture {} has no storage at level 0 (call glTexImage2D or glTexStorage2D first)", op, texture_id);
    // Unsized GL_RGBA is RGBA8 on every driver (Mesa reports it as given); CUDA checks the bits again.
    expects(format == GL_RGBA8 || format == GL_RGBA, ErrorCode::invalid_argument,
            "{}: texture {} has internal format 0x{:04x}, need GL_RGBA8 (0x{:04x})", op, texture_id, unsigned(format),
            unsigned(GL_RGBA8));
    width_ = w;
    height_ = h;
  }
  if (device.is_cuda()) {
    imagecuda::detail::DeviceGuard guard(device);
    const cudaError_t e =
        cudaGraphicsGLRegisterImage(&resource_, texture_id, GL_TEXTURE_2D, cudaGraphicsRegisterFlagsSurfaceLoadStore);
    if (e != cudaSuccess) {
      resource_ = nullptr;
      fail_cuda(op, "cudaGraphicsGLRegisterImage", e, texture_id, device);
    }
  }
  id_ = texture_id;
}

Texture::~Texture() { reset(); }

Texture::Texture(Texture&& o) noexcept
    : id_(std::exchange(o.id_, 0)),
      device_(o.device_),
      resource_(std::exchange(o.resource_, nullptr)),
      width_(std::exchange(o.width_, 0)),
      height_(std::exchange(o.height_, 0)),
      was_reset_(std::exchange(o.was_reset_, false)),
      discard_(std::exchange(o.discard_, false)) {}

Texture& Texture::operator=(Texture&& o) noexcept {
  if (this != &o) {
    unregister(resource_, device_);
    id_ = std::exchange(o.id_, 0);
    device_ = o.device_;
    resource_ = std::exchange(o.resource_, nullptr);
    width_ = std::exchange(o.width_, 0);
    height_ = std::exchange(o.height_, 0);
    was_reset_ = std::exchange(o.was_reset_, false);
    discard_ = std::exchange(o.discard_, false);
  }
  return *this;
}

void Texture::reset() noexcept {
  if (id_ != 0) {
    unregister(resource_, device_);
    id_ = 0;
    width_ = height_ = 0;
    was_reset_ = true;
  }
}

template <class P>
void Texture::copy_impl(ConstImageView<P> src, Flip flip, const Exec& ex) {
  constexpr const char* op = "gl::Texture::copy_from";
  expects(!was_reset_, ErrorCode::freed, "{}: the Texture was reset (unregistered)", op);
  expects(id_ != 0, ErrorCode::invalid_argument, "{}: the Texture is empty (default-constructed or moved-from)", op);
  imagecuda::detail::check_view(op, "src", src);
  expects(src.device() == device_, ErrorCode::device_mismatch, "{}: src is on {} but texture {} is registered for {}",
          op, src.device(), id_, device_);
  const bool flipped = flip == Flip::vertical;

  if (device_.is_cuda()) {
    imagecuda::detail::DeviceGuard guard(device_);
    // Write-discard lets the driver skip preserving the old texels: only when all are rewritten.
    const bool discard = src.width() == width_ && src.height() == height_;
    if (discard != discard_) {
      const cudaError_t f = cudaGraphicsResourceSetMapFlags(
          resource_, discard ? cudaGraphicsMapFlagsWriteDiscard : cudaGraphicsMapFlagsNone);
      if (f != cudaSuccess) fail_cuda(op, "cudaGraphicsResourceSetMapFlags", f, id_, device_);
      discard_ = discard;
    }
    Mapping map(resource_, ex.stream.value(), op, id_, device_);
    cudaArray_t array = nullptr;
    cudaError_t e = cudaGraphicsSubResourceGetMappedArray(&array, resource_, 0, 0);
    if (e != cudaSuccess) fail_cuda(op, "cudaGraphicsSubResourceGetMappedArray", e, id_, device_);
    cudaChannelFormatDesc desc{};
    cudaExtent extent{};
    unsigned int flags = 0;
    e = cudaArrayGetInfo(&desc, &extent, &flags, array);
    if (e != cudaSuccess) fail_cuda(op, "cudaArrayGetInfo", e, id_, device_);
    expects(desc.x == 8 && desc.y == 8 && desc.z == 8 && desc.w == 8, ErrorCode::invalid_argument,
            "{}: texture {} is not RGBA8 any more (channel bits {},{},{},{})", op, id_, desc.x, desc.y, desc.z, desc.w);
    expects(std::size_t(src.width()) <= extent.width && std::size_t(src.height()) <= extent.height,
            ErrorCode::invalid_argument, "{}: texture {} has {}x{} texels, need {}x{}", op, id_, extent.width,
            extent.height, src.width(), src.height());
    imagecuda::detail::gl_cuda::to_array(imagecuda::detail::pitched(src), array, flipped, ex.stream.value());
    map.done();
    return;
  }

  // CPU backend: convert into packed host rows, then glTexSubImage2D from client memory.
  require_context(op);
  SavedInt tex(GL_TEXTURE_BINDING_2D, GL_TEXTURE_2D, bind_texture);
  SavedInt unpack(GL_PIXEL_UNPACK_BUFFER_BINDING, GL_PIXEL_UNPACK_BUFFER, bind_buffer);
  SavedInt align(GL_UNPACK_ALIGNMENT, GL_UNPACK_ALIGNMENT, pixel_store);
  SavedInt row_length(GL_UNPACK_ROW_LENGTH, GL_UNPACK_ROW_LENGTH, pixel_store);
  SavedInt skip_rows(GL_UNPACK_SKIP_ROWS, GL_UNPACK_SKIP_ROWS, pixel_store);
  SavedInt skip_pixels(GL_UNPACK_SKIP_PIXELS, GL_UNPACK_SKIP_PIXELS, pixel_store);
  glBindTexture(GL_TEXTURE_2D, id_);
  GLint w = 0, h = 0;
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_WIDTH, &w);
  glGetTexLevelParameteriv(GL_TEXTURE_2D, 0, GL_TEXTURE_HEIGHT, &h);
  expects(src.width() <= w && src.height() <= h, ErrorCode::invalid_argument, "{}: texture {} has {}x{} texels, need {}x{}",
          op, id_, w, h, src.width(), src.height());
  std::vector<uchar4> packed(src.pixels());
  to_packed_host(src, packed.data(), flipped);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glPixelStorei(GL_UNPACK_SKIP_ROWS, 0);
  glPixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
  clear_gl_errors();
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, src.width(), src.height(), GL_RGBA, GL_UNSIGNED_BYTE, packed.data());
  const GLenum err = glGetError();
  expects(err == GL_NO_ERROR, ErrorCode::invalid_argument, "{}: glTexSubImage2D into texture {} failed: GL error 0x{:04x}",
          op, id_, unsigned(err));
}

void Texture::copy_from(ConstImageView<uchar4> src, Flip flip, const Exec& ex) { copy_impl(src, flip, ex); }
void Texture::copy_from(ConstImageView<float4> src, Flip flip, const Exec& ex) { copy_impl(src, flip, ex); }
void Texture::copy_from(const ImageU8& src, Flip flip, const Exec& ex) {
  check_src_image("gl::Texture::copy_from", src);
  copy_impl(src.view(), flip, ex);
}
void Texture::copy_from(const ImageF32& src, Flip flip, const Exec& ex) {
  check_src_image("gl::Texture::copy_from", src);
  copy_impl(src.view(), flip, ex);
}

}  // namespace imagecuda::gl
