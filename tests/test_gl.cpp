// SPDX-License-Identifier: MIT
/// @file test_gl.cpp  gl on the CPU backend, for real: a headless Mesa (llvmpipe) EGL context, a
/// PBO and a texture, copies in, read-backs with glGetBufferSubData / glReadPixels, exact pixels.
/// Also every error path that needs no GPU. Skips (with the reason) only where EGL has no display.
#include "helpers.hpp"

#ifdef IMAGECUDA_HAS_GL
#include <thread>

#include "gl_helpers.hpp"

using namespace imagecuda;
namespace tgl = test::gl;

namespace {

#define GL_CONTEXT_OR_SKIP(ctx)                                              \
  std::string why_;                                                          \
  auto ctx = tgl::try_context(Device::cpu(), why_);                          \
  if (!ctx) {                                                                \
    WARN("no headless OpenGL context here, gl test skipped: " << why_);      \
    return;                                                                  \
  }                                                                          \
  INFO("GL: " << ctx->renderer() << " / " << ctx->version() << " via EGL " << ctx->platform())

template <class P>
std::vector<P> random_pixels(int w, int h, std::uint32_t seed);
template <>
std::vector<uchar4> random_pixels<uchar4>(int w, int h, std::uint32_t seed) { return test::random_u8(w, h, seed); }
template <>
std::vector<float4> random_pixels<float4>(int w, int h, std::uint32_t seed) {
  return test::random_f32(w, h, seed, -0.2f, 1.2f);  // outside [0, 1] too: the clamp is part of it
}
template <class P>
Image<P> make(int w, int h, const std::vector<P>& px, Device d) {
  if constexpr (std::is_same_v<P, uchar4>) return test::make_u8(w, h, px, d);
  else return test::make_f32(w, h, px, d);
}

template <class P>
void check_pbo(int w, int h, bool flip, std::uint32_t seed) {
  const auto px = random_pixels<P>(w, h, seed);
  const Image<P> img = make(w, h, px, Device::cpu());
  const std::size_t bytes = std::size_t(w) * std::size_t(h) * 4;
  tgl::Buffer buf(bytes + 64, 0x5a);  // 64 more bytes than needed: they stay as they were
  gl::PixelBuffer pbo(buf.id, Device::cpu());
  pbo.copy_from(img, flip ? gl::Flip::vertical : gl::Flip::none);
  const auto got = buf.read(bytes + 64);
  std::vector<uchar4> pixels(std::size_t(w) * std::size_t(h));
  std::memcpy(pixels.data(), got.data(), bytes);
  std::string where;
  INFO(w << "x" << h << (std::is_same_v<P, float4> ? " f32" : " u8") << (flip ? " flipped" : ""));
  CHECK(tgl::same(pixels, tgl::expected(px, w, h, flip), where));
  INFO(where);
  for (std::size_t i = bytes; i < bytes + 64; ++i) REQUIRE(got[i] == 0x5a);
}

template <class P>
void check_texture(int tw, int th, int w, int h, bool flip, std::uint32_t seed) {
  const auto px = random_pixels<P>(w, h, seed);
  const Image<P> img = make(w, h, px, Device::cpu());
  tgl::Texture tex(tw, th);
  gl::Texture t(tex.id, Device::cpu());
  CHECK(t.width() == tw);
  CHECK(t.height() == th);
  t.copy_from(img, flip ? gl::Flip::vertical : gl::Flip::none);
  const auto all = tex.read();
  std::string where;
  INFO(w << "x" << h << " into " << tw << "x" << th << (std::is_same_v<P, float4> ? " f32" : " u8")
         << (flip ? " flipped" : ""));
  CHECK(tgl::same(tgl::corner(all, tw, w, h), tgl::expected(px, w, h, flip), where));
  INFO(where);
  // texels outside the copied rectangle keep their initial value
  for (int y = 0; y < th; ++y)
    for (int x = 0; x < tw; ++x)
      if (x >= w || y >= h) {
        const uchar4 v = all[std::size_t(y) * std::size_t(tw) + std::size_t(x)];
        REQUIRE((v.x == 7 && v.y == 7 && v.z == 7 && v.w == 7));
      }
}

}  // namespace

TEST_CASE("gl: PixelBuffer on the CPU backend writes the exact pixels (u8, f32, flip)", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  std::uint32_t seed = 100;
  for (auto [w, h] : {std::pair{1, 1}, {37, 5}, {1000, 700}, {3, 64}})
    for (bool flip : {false, true}) {
      check_pbo<uchar4>(w, h, flip, ++seed);
      check_pbo<float4>(w, h, flip, ++seed);
    }
}

TEST_CASE("gl: PixelBuffer copies a pitched crop view and restores GL's buffer binding", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  const int w = 61, h = 40;
  const auto px = test::random_f32(w, h, 7);
  const ImageF32 img = test::make_f32(w, h, px, Device::cpu());
  const auto view = img.crop_view(5, 3, 33, 21);
  std::vector<float4> sub;
  for (int y = 3; y < 24; ++y)
    for (int x = 5; x < 38; ++x) sub.push_back(px[std::size_t(y) * w + x]);
  tgl::Buffer buf(33 * 21 * 4), other(16);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, other.id);
  gl::PixelBuffer pbo(buf.id, Device::cpu());
  pbo.copy_from(view, gl::Flip::vertical);
  GLint bound = 0;
  glGetIntegerv(GL_PIXEL_UNPACK_BUFFER_BINDING, &bound);
  CHECK(GLuint(bound) == other.id);
  glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
  std::string where;
  CHECK(tgl::same(buf.read_pixels(33 * 21), tgl::expected(sub, 33, 21, true), where));
  INFO(where);
}

TEST_CASE("gl: Texture on the CPU backend writes the exact texels (u8, f32, flip, smaller image)", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  std::uint32_t seed = 300;
  for (bool flip : {false, true}) {
    check_texture<uchar4>(1, 1, 1, 1, flip, ++seed);
    check_texture<float4>(37, 5, 37, 5, flip, ++seed);
    check_texture<uchar4>(1000, 700, 1000, 700, flip, ++seed);
    check_texture<float4>(1000, 700, 1000, 700, flip, ++seed);
    check_texture<float4>(64, 48, 37, 5, flip, ++seed);
  }
}

TEST_CASE("gl: the same Texture takes many copies, GL state is restored", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  tgl::Texture tex(50, 30), other(4, 4);
  gl::Texture t(tex.id, Device::cpu());
  glBindTexture(GL_TEXTURE_2D, other.id);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  for (std::uint32_t s = 1; s <= 3; ++s) {
    const auto px = test::random_u8(50, 30, s);
    t.copy_from(test::make_u8(50, 30, px, Device::cpu()));
    std::string where;
    CHECK(tgl::same(tex.read(), px, where));
    INFO(where);
  }
  GLint bound = 0, align = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &bound);
  glGetIntegerv(GL_UNPACK_ALIGNMENT, &align);
  CHECK(GLuint(bound) == other.id);
  CHECK(align == 1);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
}

TEST_CASE("gl: PixelBuffer and Texture are move-only RAII handles", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  static_assert(!std::is_copy_constructible_v<gl::PixelBuffer> && std::is_nothrow_move_constructible_v<gl::PixelBuffer>);
  static_assert(!std::is_copy_constructible_v<gl::Texture> && std::is_nothrow_move_constructible_v<gl::Texture>);
  static_assert(!std::is_copy_constructible_v<gl::HeadlessContext>);
  tgl::Buffer buf(16);
  gl::PixelBuffer a(buf.id, Device::cpu());
  gl::PixelBuffer b(std::move(a));
  CHECK(b.id() == buf.id);
  CHECK(b.registered());
  CHECK_FALSE(a.registered());  // NOLINT: moved-from on purpose
  const auto px = test::random_u8(2, 2, 9);
  b.copy_from(test::make_u8(2, 2, px, Device::cpu()));
  CHECK(buf.read_pixels(4)[3].x == px[3].x);
  REQUIRE_IMAGECUDA_ERROR(a.copy_from(test::make_u8(2, 2, px, Device::cpu())), ErrorCode::invalid_argument,
                          "PixelBuffer is empty");
  gl::PixelBuffer c;
  c = std::move(b);
  CHECK(c.id() == buf.id);
  c.reset();
  c.reset();  // idempotent
  CHECK_FALSE(c.registered());
  REQUIRE_IMAGECUDA_ERROR(c.copy_from(test::make_u8(2, 2, px, Device::cpu())), ErrorCode::freed, "was reset");
}

TEST_CASE("gl: errors name the op, the argument and the value", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  const Device cpu = Device::cpu();
  REQUIRE_IMAGECUDA_ERROR(gl::PixelBuffer(0, cpu), ErrorCode::invalid_argument, "gl::PixelBuffer: pbo_id must name a GL buffer object, got 0");
  REQUIRE_IMAGECUDA_ERROR(gl::PixelBuffer(4242, cpu), ErrorCode::invalid_argument, "pbo_id 4242 is not a buffer object");
  REQUIRE_IMAGECUDA_ERROR(gl::Texture(0, cpu), ErrorCode::invalid_argument, "texture_id must name a GL texture, got 0");
  REQUIRE_IMAGECUDA_ERROR(gl::Texture(4243, cpu), ErrorCode::invalid_argument, "texture_id 4243 is not a texture");
  {
    tgl::Texture f32(8, 8, GL_RGBA32F);
    REQUIRE_IMAGECUDA_ERROR(gl::Texture(f32.id, cpu), ErrorCode::invalid_argument, "need GL_RGBA8");
  }
  {
    GLuint bare = 0;  // a name with no storage
    glGenTextures(1, &bare);
    glBindTexture(GL_TEXTURE_2D, bare);
    glBindTexture(GL_TEXTURE_2D, 0);
    REQUIRE_IMAGECUDA_ERROR(gl::Texture(bare, cpu), ErrorCode::invalid_argument, "has no storage at level 0");
    glDeleteTextures(1, &bare);
  }

  // The PBO is too small: "PBO has N bytes, need M"
  tgl::Buffer small(100);
  gl::PixelBuffer pbo(small.id, cpu);
  const ImageU8 img = test::make_u8(10, 10, test::random_u8(10, 10, 3), cpu);
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(img), ErrorCode::invalid_argument,
                          fmt::format("gl::PixelBuffer::copy_from: PBO {} has 100 bytes, need 400 (10x10 RGBA8)", small.id));
  CHECK(small.read(100) == std::vector<unsigned char>(100, 0x5a));  // untouched

  // The texture is too small
  tgl::Texture tex(8, 8);
  gl::Texture t(tex.id, cpu);
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(img), ErrorCode::invalid_argument, "has 8x8 texels, need 10x10");

  // Freed and empty images
  ImageU8 freed = test::make_u8(2, 2, test::random_u8(2, 2, 4), cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(freed), ErrorCode::freed, "gl::PixelBuffer::copy_from: src was freed");
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(freed), ErrorCode::freed, "gl::Texture::copy_from: src was freed");
  ImageF32 empty;
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(empty), ErrorCode::invalid_argument, "src is empty");
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(ConstImageView<float4>{}), ErrorCode::invalid_argument, "src is empty");
}

TEST_CASE("gl: an image on another device than the buffer is refused", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  tgl::Buffer buf(64);
  gl::PixelBuffer pbo(buf.id, Device::cpu());
  // A view that claims to live on cuda:0 (no GPU needed: the check comes before any access).
  std::vector<uchar4> px(4);
  const ConstImageView<uchar4> on_gpu(px.data(), 2, 2, 8, Device::cuda(0));
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(on_gpu), ErrorCode::device_mismatch,
                          fmt::format("src is on cuda:0 but PBO {} is registered for cpu", buf.id));
  tgl::Texture tex(2, 2);
  gl::Texture t(tex.id, Device::cpu());
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(on_gpu), ErrorCode::device_mismatch, "is registered for cpu");
  if (cuda_device_count() == 0) {
    // Registering for a CUDA device where there is none names the device.
    REQUIRE_IMAGECUDA_ERROR(gl::PixelBuffer(buf.id, Device::cuda(0)), ErrorCode::invalid_argument, "cuda:0 does not exist");
    REQUIRE_IMAGECUDA_ERROR(gl::Texture(tex.id, Device::cuda(0)), ErrorCode::invalid_argument, "cuda:0 does not exist");
  }
}

TEST_CASE("gl: without a current context (another thread) registration is refused", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  tgl::Buffer buf(9 * 4 * 4);
  std::string message;
  ErrorCode code{};
  std::thread([&] {
    try {
      gl::PixelBuffer pbo(buf.id, Device::cpu());
    } catch (const Error& e) {
      message = e.what();
      code = e.code();
    }
  }).join();
  CHECK(code == ErrorCode::invalid_argument);
  CHECK(message.find("gl::PixelBuffer: no OpenGL context is current on this thread") != std::string::npos);
  // Handed over (released here, made current there), the context and its objects work there.
  const auto px = test::random_f32(9, 4, 11);
  std::vector<uchar4> got;
  ctx->release();
  std::string thread_error;
  std::thread([&] {
    try {
      ctx->make_current();
      gl::PixelBuffer pbo(buf.id, Device::cpu());
      pbo.copy_from(test::make_f32(9, 4, px, Device::cpu()), gl::Flip::vertical);
      got = buf.read_pixels(9 * 4);
      ctx->release();
    } catch (const std::exception& e) {
      thread_error = e.what();
    }
  }).join();
  CHECK(thread_error.empty());
  INFO(thread_error);
  ctx->make_current();
  std::string where;
  CHECK(tgl::same(got, tgl::expected(px, 9, 4, true), where));
  INFO(where);
}

TEST_CASE("gl: the docs' example runs on the CPU backend", "[gl]") {
  GL_CONTEXT_OR_SKIP(ctx);
  const Device device = Device::cpu();
  OwningStream stream;
  const Exec ex{stream};
  tgl::Buffer pbo_storage(640 * 360 * 4);
  const GLuint pbo_id = pbo_storage.id;
  GLuint tex = 0;
  {
    // example-begin gl
    // Once, with the GL context current: a texture with RGBA8 storage, registered for copies.
    glGenTextures(1, &tex);
    glBindTexture(GL_TEXTURE_2D, tex);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 640, 360, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    gl::Texture target(tex, device);
    // Every frame: compose, then convert + flip straight into the texture (no intermediate image).
    ImageF32 frame(640, 360, device);
    fill::gradient(frame, hex("#0b132b"), hex("#3a506b"), {.direction = fill::GradientDirection::vertical}, ex);
    target.copy_from(frame, gl::Flip::vertical, ex);
    // ... then draw a textured quad and swap buffers. Or into a pixel buffer object (GLResource):
    gl::PixelBuffer pbo(pbo_id, device);  // glBufferData'd with at least 640*360*4 bytes
    pbo.copy_from(frame, ex);
    // example-end
    stream.synchronize();
    std::string where;
    const auto px = io::download(frame.view());
    CHECK(tgl::same(pbo_storage.read_pixels(640 * 360), tgl::expected(px, 640, 360, false), where));
    INFO(where);
    CHECK(tgl::same(tgl::read_texture(tex, 640, 360), tgl::expected(px, 640, 360, true), where));
    INFO(where);
  }
  glDeleteTextures(1, &tex);
}

#endif  // IMAGECUDA_HAS_GL
