// SPDX-License-Identifier: MIT
/// @file gl.hpp  gl: OpenGL interop (the optional component imagecuda::gl, library imagecuda_gl).
///
/// Copies images straight into OpenGL objects for display: `gl::PixelBuffer` (a pixel buffer
/// object, PyImageCUDA's GLResource) and `gl::Texture` (a 2-D RGBA8 texture). On a CUDA device the
/// object is registered with CUDA once and every copy is one kernel (or one DMA copy) into the
/// mapped GL memory; on the CPU backend the copy maps the buffer with glMapBufferRange (or uploads
/// with glTexSubImage2D) and converts on the host, so the same code runs without CUDA.
///
/// **Threading rule:** construct, copy into and destroy these objects on a thread where the GL
/// context that owns the object is current (for a context shared between threads, the thread
/// that made it current last). Nothing here makes a context current except HeadlessContext.
///
/// This header does not include any GL header: GL names are `unsigned int` (GLuint).
#pragma once

#include <cstddef>
#include <string>

#include "core/device.hpp"
#include "core/image.hpp"
#include "core/stream.hpp"
#include "core/view.hpp"
#include "core/workspace.hpp"

namespace imagecuda::gl {

/// Row order of a copy. GL's texture origin is the bottom-left corner, an image's the top-left:
/// `Flip::vertical` writes image row y to row (h - 1 - y), so the picture shows upright in a GL
/// texture sampled with the usual (0,0)-bottom-left coordinates.
enum class Flip { none, vertical };

/// A GL pixel buffer object registered for writing (CUDA: cudaGraphicsRegisterFlagsWriteDiscard).
///
/// The buffer must exist (created with glGenBuffers and given storage with glBufferData) and have
/// at least width*height*4 bytes; a copy writes width*height tightly packed RGBA8 pixels from
/// byte 0, rows top to bottom (or bottom to top with Flip::vertical), and leaves the rest alone.
/// Move-only; the destructor (or reset()) unregisters. Destroy it before glDeleteBuffers.
class PixelBuffer {
 public:
  /// An empty handle (registers nothing); assign a real one to it.
  PixelBuffer() noexcept = default;
  /// Registers the buffer object `pbo_id` of the GL context current on this thread for
  /// `device` (a CUDA device, or Device::cpu() for the host path). Throws Error{invalid_argument}
  /// for id 0, for a name that is not a buffer of the current context, or with no current context;
  /// Error{cuda} when CUDA refuses the registration (e.g. the context is not on that GPU).
  explicit PixelBuffer(unsigned int pbo_id, Device device = default_device());
  ~PixelBuffer();
  PixelBuffer(PixelBuffer&& o) noexcept;
  PixelBuffer& operator=(PixelBuffer&& o) noexcept;
  PixelBuffer(const PixelBuffer&) = delete;
  PixelBuffer& operator=(const PixelBuffer&) = delete;

  /// Copies the 8-bit image (its pixels as they are) into the buffer. Asynchronous on
  /// `ex.stream` (CUDA): GL commands issued afterwards see the data, as CUDA orders the unmap.
  void copy_from(ConstImageView<uchar4> src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(ConstImageView<uchar4> src, Flip flip, const Exec& ex = {});
  /// Converts the float image to 8 bit while copying (io::convert's formula, one pass, no
  /// intermediate image).
  void copy_from(ConstImageView<float4> src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(ConstImageView<float4> src, Flip flip, const Exec& ex = {});
  /// The same for whole images (a freed or empty image throws).
  void copy_from(const ImageU8& src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(const ImageU8& src, Flip flip, const Exec& ex = {});
  void copy_from(const ImageF32& src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(const ImageF32& src, Flip flip, const Exec& ex = {});

  /// Unregisters now (PyImageCUDA's free); idempotent. Later copies throw Error{freed}.
  void reset() noexcept;

  /// The GL buffer name (0 for an empty handle).
  [[nodiscard]] unsigned int id() const noexcept { return id_; }
  [[nodiscard]] Device device() const noexcept { return device_; }
  /// True while registered (not empty, not reset).
  [[nodiscard]] bool registered() const noexcept { return id_ != 0; }

 private:
  template <class P>
  void copy_impl(ConstImageView<P> src, Flip flip, const Exec& ex);

  unsigned int id_ = 0;
  Device device_ = Device::cpu();
  cudaGraphicsResource_t resource_ = nullptr;  // CUDA only
  bool was_reset_ = false;
};

/// A GL 2-D texture with internal format GL_RGBA8, registered for writing through a CUDA array
/// (cudaGraphicsGLRegisterImage for surface stores; mapped write-discard when a copy covers the
/// whole texture, else preserving the other texels).
///
/// A copy writes the image into the texture's level 0 at texel (0, 0); the image must fit in the
/// texture (it is usually exactly its size). With Flip::vertical, image row y goes to texture
/// row (h - 1 - y). Move-only; the destructor (or reset()) unregisters. Destroy it before
/// glDeleteTextures. On the CPU backend the copy is a glTexSubImage2D of converted host pixels
/// (GL's bindings and unpack state are restored afterwards).
class Texture {
 public:
  Texture() noexcept = default;
  /// Registers the GL_TEXTURE_2D `texture_id` (RGBA8, storage already given with glTexImage2D or
  /// glTexStorage2D). Errors as for PixelBuffer, and Error{invalid_argument} for another format.
  explicit Texture(unsigned int texture_id, Device device = default_device());
  ~Texture();
  Texture(Texture&& o) noexcept;
  Texture& operator=(Texture&& o) noexcept;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;

  void copy_from(ConstImageView<uchar4> src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(ConstImageView<uchar4> src, Flip flip, const Exec& ex = {});
  void copy_from(ConstImageView<float4> src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(ConstImageView<float4> src, Flip flip, const Exec& ex = {});
  void copy_from(const ImageU8& src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(const ImageU8& src, Flip flip, const Exec& ex = {});
  void copy_from(const ImageF32& src, const Exec& ex = {}) { copy_from(src, Flip::none, ex); }
  void copy_from(const ImageF32& src, Flip flip, const Exec& ex = {});

  void reset() noexcept;

  [[nodiscard]] unsigned int id() const noexcept { return id_; }
  [[nodiscard]] Device device() const noexcept { return device_; }
  [[nodiscard]] bool registered() const noexcept { return id_ != 0; }
  /// Texture size (level 0) when registered.
  [[nodiscard]] int width() const noexcept { return width_; }
  [[nodiscard]] int height() const noexcept { return height_; }

 private:
  template <class P>
  void copy_impl(ConstImageView<P> src, Flip flip, const Exec& ex);

  unsigned int id_ = 0;
  Device device_ = Device::cpu();
  cudaGraphicsResource_t resource_ = nullptr;  // CUDA only
  int width_ = 0;
  int height_ = 0;
  bool was_reset_ = false;
  bool discard_ = false;  // CUDA map flags: write-discard only when a copy covers the whole texture
};

/// A headless OpenGL context (EGL, no window, no display server), current on the creating
/// thread: for tests, servers and offline rendering. For a CUDA device it uses the EGL device of
/// that GPU (EGL_EXT_platform_device, matched by EGL_CUDA_DEVICE_NV); for the CPU it prefers
/// Mesa's surfaceless platform. Throws Error{unsupported} when no EGL display or context can be
/// made (no driver). Move-only; the destructor releases and destroys the context.
class HeadlessContext {
 public:
  explicit HeadlessContext(Device device = default_device());
  ~HeadlessContext();
  HeadlessContext(HeadlessContext&& o) noexcept;
  HeadlessContext& operator=(HeadlessContext&& o) noexcept;
  HeadlessContext(const HeadlessContext&) = delete;
  HeadlessContext& operator=(const HeadlessContext&) = delete;

  /// Makes the context current on the calling thread (it already is on the creating thread).
  void make_current() const;
  /// Makes no context current on the calling thread (to hand this one to another thread).
  void release() const;
  /// GL_RENDERER and GL_VERSION of the context, and the EGL platform used
  /// ("device", "surfaceless" or "default").
  [[nodiscard]] const std::string& renderer() const noexcept { return renderer_; }
  [[nodiscard]] const std::string& version() const noexcept { return version_; }
  [[nodiscard]] const std::string& platform() const noexcept { return platform_; }

 private:
  void destroy() noexcept;
  void* display_ = nullptr;
  void* context_ = nullptr;
  void* surface_ = nullptr;
  std::string renderer_, version_, platform_;
};

}  // namespace imagecuda::gl
