// SPDX-License-Identifier: MIT
/// @file gpu_gl.cpp  gl on a CUDA device: a headless EGL context on the GPU (EGL_EXT_platform_device),
/// a PBO and a texture registered with CUDA, images copied in by the convert + flip kernels (or one
/// DMA copy), read back with glGetBufferSubData / glReadPixels (FBO) and compared exactly with
/// io::download + the same conversion on the host, and with io::convert on the GPU.
/// Needs the GL libraries and the NVIDIA EGL vendor on the GPU machine: see tools/device-gl.sh.
#include "helpers.hpp"

#ifdef IMAGECUDA_HAS_GL
#include "gl_helpers.hpp"

using namespace imagecuda;
namespace tgl = test::gl;

namespace {

const Device gpu = Device::cuda(0);

#define GPU_GL_CONTEXT(ctx)                                                                          \
  REQUIRE(test::has_gpu());                                                                          \
  std::string why_;                                                                                  \
  auto ctx = tgl::try_context(gpu, why_);                                                            \
  if (!ctx) FAIL("no headless OpenGL context on the GPU (run through tools/device-gl.sh): " << why_); \
  INFO("GL: " << ctx->renderer() << " / " << ctx->version() << " via EGL " << ctx->platform())

template <class P>
std::vector<P> random_pixels(int w, int h, std::uint32_t seed) {
  if constexpr (std::is_same_v<P, uchar4>) return test::random_u8(w, h, seed);
  else return test::random_f32(w, h, seed, -0.2f, 1.2f);
}
template <class P>
Image<P> make(int w, int h, const std::vector<P>& px, Device d) {
  if constexpr (std::is_same_v<P, uchar4>) return test::make_u8(w, h, px, d);
  else return test::make_f32(w, h, px, d);
}

/// The pixels a copy of `src` must produce: downloaded, converted on the host (io::convert's
/// formula), flipped; checked against io::convert on the GPU too.
template <class P>
std::vector<uchar4> reference(ConstImageView<P> src, bool flip) {
  const auto host = io::download(src);
  auto want = tgl::expected(host, src.width(), src.height(), flip);
  if constexpr (std::is_same_v<P, float4>) {
    ImageU8 u8(src.width(), src.height(), gpu);
    io::convert(src, u8);
    const auto on_gpu = tgl::expected(io::download(u8.view()), src.width(), src.height(), flip);
    std::string where;
    CHECK(tgl::same(on_gpu, want, where));  // io::convert: the GPU and the host formula agree
    INFO(where);
  }
  return want;
}

template <class P>
void check_pbo(int w, int h, bool flip, std::uint32_t seed, Stream stream) {
  const auto px = random_pixels<P>(w, h, seed);
  const Image<P> img = make(w, h, px, gpu);
  const std::size_t bytes = std::size_t(w) * std::size_t(h) * 4;
  tgl::Buffer buf(bytes);
  gl::PixelBuffer pbo(buf.id, gpu);
  img.stream().synchronize();  // the upload ran on the legacy stream; `stream` may be non-blocking
  pbo.copy_from(img, flip ? gl::Flip::vertical : gl::Flip::none, Exec{stream});
  // no synchronisation: CUDA orders the unmap before the GL read that follows
  const auto got = buf.read_pixels(std::size_t(w) * std::size_t(h));
  std::string where;
  INFO(w << "x" << h << (std::is_same_v<P, float4> ? " f32" : " u8") << (flip ? " flipped" : ""));
  CHECK(tgl::same(got, reference<P>(img.view(), flip), where));
  INFO(where);
}

template <class P>
void check_texture(int tw, int th, int w, int h, bool flip, std::uint32_t seed, Stream stream) {
  const auto px = random_pixels<P>(w, h, seed);
  const Image<P> img = make(w, h, px, gpu);
  tgl::Texture tex(tw, th);
  gl::Texture t(tex.id, gpu);
  img.stream().synchronize();
  t.copy_from(img, flip ? gl::Flip::vertical : gl::Flip::none, Exec{stream});
  const auto all = tex.read();
  std::string where;
  INFO(w << "x" << h << " into " << tw << "x" << th << (std::is_same_v<P, float4> ? " f32" : " u8")
         << (flip ? " flipped" : ""));
  CHECK(tgl::same(tgl::corner(all, tw, w, h), reference<P>(img.view(), flip), where));
  INFO(where);
  bool outside_kept = true;
  for (int y = 0; y < th; ++y)
    for (int x = 0; x < tw; ++x)
      if (x >= w || y >= h) {
        const uchar4 v = all[std::size_t(y) * std::size_t(tw) + std::size_t(x)];
        outside_kept = outside_kept && v.x == 7 && v.y == 7 && v.z == 7 && v.w == 7;
      }
  CHECK(outside_kept);
}

}  // namespace

TEST_CASE("gpu: gl::PixelBuffer writes the exact pixels (u8 as is, f32 converted, flip)", "[gpu][gl]") {
  GPU_GL_CONTEXT(ctx);
  OwningStream stream;
  std::uint32_t seed = 1000;
  for (auto [w, h] : {std::pair{1, 1}, {37, 5}, {1000, 700}, {1920, 1080}})
    for (bool flip : {false, true})
      for (Stream s : {Stream{}, stream.view()}) {
        check_pbo<uchar4>(w, h, flip, ++seed, s);
        check_pbo<float4>(w, h, flip, ++seed, s);
      }
}

TEST_CASE("gpu: gl::PixelBuffer copies pitched crop views", "[gpu][gl]") {
  GPU_GL_CONTEXT(ctx);
  const auto px = test::random_f32(301, 155, 77, -0.1f, 1.1f);
  const ImageF32 img = test::make_f32(301, 155, px, gpu);
  ImageU8 u8(301, 155, gpu);
  io::convert(img, u8);
  tgl::Buffer buf(std::size_t(120) * 70 * 4);
  gl::PixelBuffer pbo(buf.id, gpu);
  for (bool flip : {false, true}) {
    const auto f = flip ? gl::Flip::vertical : gl::Flip::none;
    std::string where;
    pbo.copy_from(img.crop_view(13, 21, 120, 70), f);
    CHECK(tgl::same(buf.read_pixels(120 * 70), reference<float4>(img.crop_view(13, 21, 120, 70), flip), where));
    INFO(where);
    pbo.copy_from(u8.crop_view(13, 21, 120, 70), f);  // u8 unflipped: the cudaMemcpy2D path
    CHECK(tgl::same(buf.read_pixels(120 * 70), reference<uchar4>(u8.crop_view(13, 21, 120, 70), flip), where));
    INFO(where);
  }
}

TEST_CASE("gpu: gl::Texture writes the exact texels through the CUDA array", "[gpu][gl]") {
  GPU_GL_CONTEXT(ctx);
  OwningStream stream;
  std::uint32_t seed = 2000;
  for (bool flip : {false, true})
    for (Stream s : {Stream{}, stream.view()}) {
      check_texture<uchar4>(1, 1, 1, 1, flip, ++seed, s);
      check_texture<float4>(1, 1, 1, 1, flip, ++seed, s);
      check_texture<uchar4>(37, 5, 37, 5, flip, ++seed, s);
      check_texture<float4>(37, 5, 37, 5, flip, ++seed, s);
      check_texture<uchar4>(1000, 700, 1000, 700, flip, ++seed, s);
      check_texture<float4>(1000, 700, 1000, 700, flip, ++seed, s);
      check_texture<uchar4>(64, 48, 37, 5, flip, ++seed, s);   // an image smaller than the texture
      check_texture<float4>(1024, 1024, 1000, 700, flip, ++seed, s);
    }
}

TEST_CASE("gpu: gl objects are registered once and copied into many times; re-registration is clean", "[gpu][gl]") {
  GPU_GL_CONTEXT(ctx);
  const int w = 256, h = 144;
  tgl::Buffer buf(std::size_t(w) * h * 4);
  tgl::Texture tex(w, h);
  gl::PixelBuffer pbo(buf.id, gpu);
  gl::Texture t(tex.id, gpu);
  for (std::uint32_t frame = 0; frame < 20; ++frame) {
    const ImageF32 img = test::make_f32(w, h, test::random_f32(w, h, 5000 + frame), gpu);
    pbo.copy_from(img, gl::Flip::vertical);
    t.copy_from(img);
    const auto want = reference<float4>(img.view(), false);
    std::string where;
    CHECK(tgl::same(tex.read(), want, where));
    INFO(where);
    CHECK(tgl::same(buf.read_pixels(std::size_t(w) * h), tgl::expected(io::download(img.view()), w, h, true), where));
    INFO(where);
  }
  // unregister, then register / unregister many times (no leak, no stale mapping)
  pbo.reset();
  t.reset();
  for (int i = 0; i < 50; ++i) {
    gl::PixelBuffer p(buf.id, gpu);
    gl::Texture q(tex.id, gpu);
    gl::PixelBuffer moved = std::move(p);
    moved.reset();
  }
  gl::PixelBuffer again(buf.id, gpu);
  gl::Texture tex_again(tex.id, gpu);
  const ImageU8 last = test::make_u8(w, h, test::random_u8(w, h, 9), gpu);
  again.copy_from(last);
  tex_again.copy_from(last, gl::Flip::vertical);
  std::string where;
  CHECK(tgl::same(buf.read_pixels(std::size_t(w) * h), io::download(last.view()), where));
  INFO(where);
  CHECK(tgl::same(tex.read(), tgl::expected(io::download(last.view()), w, h, true), where));
  INFO(where);
}

TEST_CASE("gpu: gl errors on the GPU: too small, wrong device, freed, reset", "[gpu][gl]") {
  GPU_GL_CONTEXT(ctx);
  tgl::Buffer small(100);
  gl::PixelBuffer pbo(small.id, gpu);
  const ImageU8 img = test::make_u8(10, 10, test::random_u8(10, 10, 3), gpu);
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(img), ErrorCode::invalid_argument,
                          fmt::format("gl::PixelBuffer::copy_from: PBO {} has 100 bytes, need 400", small.id));
  // the failed copy left no mapping behind: a copy that fits works at once
  const ImageU8 fits = test::make_u8(5, 5, test::random_u8(5, 5, 4), gpu);
  pbo.copy_from(fits);
  std::string where;
  CHECK(tgl::same(small.read_pixels(25), io::download(fits.view()), where));
  INFO(where);

  tgl::Texture tex(8, 8);
  gl::Texture t(tex.id, gpu);
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(img), ErrorCode::invalid_argument, "has 8x8 texels, need 10x10");

  const ImageU8 on_cpu = test::make_u8(2, 2, test::random_u8(2, 2, 5), Device::cpu());
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(on_cpu), ErrorCode::device_mismatch,
                          fmt::format("src is on cpu but PBO {} is registered for cuda:0", small.id));
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(on_cpu), ErrorCode::device_mismatch, "is registered for cuda:0");

  ImageF32 freed(4, 4, gpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(pbo.copy_from(freed), ErrorCode::freed, "src was freed");
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(freed), ErrorCode::freed, "src was freed");

  REQUIRE_IMAGECUDA_ERROR(gl::PixelBuffer(0, gpu), ErrorCode::invalid_argument, "got 0");
  REQUIRE_IMAGECUDA_ERROR(gl::PixelBuffer(4242, gpu), ErrorCode::invalid_argument, "pbo_id 4242 is not a buffer object");
  REQUIRE_IMAGECUDA_ERROR(gl::Texture(4243, gpu), ErrorCode::invalid_argument, "texture_id 4243 is not a texture");

  t.reset();
  REQUIRE_IMAGECUDA_ERROR(t.copy_from(fits), ErrorCode::freed, "was reset");
  // CUDA is still healthy after all of that
  ImageU8 check(3, 3, gpu);
  io::copy(fits.crop_view(0, 0, 3, 3), check);
  CHECK(io::download(check.view()).size() == 9);
}

#endif  // IMAGECUDA_HAS_GL
