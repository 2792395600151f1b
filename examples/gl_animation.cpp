// SPDX-License-Identifier: MIT
// gl_animation: render an animated imagecuda composition into an OpenGL texture, the way a window
// would show it, and save a few frames. Runs headless (an EGL context, no window) on the default
// device: the GPU through CUDA-GL interop, or the CPU backend through glMapBufferRange /
// glTexSubImage2D. Usage: gl_animation [output-directory] [frames]
//
// In a real window (GLFW, SDL, Qt) only the context creation and the present step differ: copy
// each frame into the texture with gl::Texture::copy_from(frame, gl::Flip::vertical), draw a
// textured quad with (0,0) at the bottom-left, swap buffers.
#include <imagecuda/gl.hpp>
#include <imagecuda/imagecuda.hpp>

#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace ic = imagecuda;

namespace {

constexpr int W = 640, H = 360;

/// One frame at time t in [0, 1): a drifting perlin sky, a sun on a circular path, a turning
/// hexagon with a soft shadow, all composed on the device.
void compose(ic::ImageF32& frame, float t, const ic::Exec& ex) {
  const float a = 6.2831853f * t;
  ic::fill::gradient(frame, ic::hex("#0b132b"), ic::hex("#3a506b"), {.direction = ic::fill::GradientDirection::vertical}, ex);
  ic::ImageF32 clouds(W, H);
  ic::fill::perlin(clouds, {.scale = 140, .octaves = 4, .offset_x = 400.f * t, .color1 = ic::rgba(1, 1, 1, 0),
                            .color2 = ic::rgba(1, 1, 1, 0.35f)}, ex);
  ic::blend::screen(frame, clouds, {}, ex);
  ic::ImageF32 sun(120, 120);
  ic::fill::circle(sun, {.color = ic::hex("#ffd166"), .bg_color = ic::rgba(1.f, 0.82f, 0.4f, 0.f), .softness = 0.04f}, ex);
  ic::blend::normal(frame, sun, {.anchor = ic::blend::Anchor::center, .offset_x = int(220 * std::cos(a)),
                                 .offset_y = int(-100 * std::sin(a))}, ex);
  ic::ImageF32 hexagon(180, 180);
  ic::fill::ngon(hexagon, {.sides = 6, .color = ic::hex("#ef476f"), .bg_color = ic::rgba(0.937f, 0.278f, 0.435f, 0.f),
                           .rotation = 360.f * t, .softness = 0.01f}, ex);
  const ic::ImageF32 shadowed = ic::effect::drop_shadow(hexagon, {.offset_x = 8, .offset_y = 12, .blur = 16,
                                                                  .color = ic::hex("#00000099")}, ex);
  ic::blend::normal(frame, shadowed, {.anchor = ic::blend::Anchor::center}, ex);
}

/// The "window": an RGBA8 renderbuffer in a framebuffer object, W x H.
struct Window {
  GLuint fbo = 0, color = 0;
  Window() {
    glGenRenderbuffers(1, &color);
    glBindRenderbuffer(GL_RENDERBUFFER, color);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, W, H);
    glGenFramebuffers(1, &fbo);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
    glViewport(0, 0, W, H);
  }
  ~Window() {
    glDeleteFramebuffers(1, &fbo);
    glDeleteRenderbuffers(1, &color);
  }
  /// Present: a full-window quad sampling `texture`, (0,0) at the bottom-left as usual.
  void draw(GLuint texture) const {
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    glEnable(GL_TEXTURE_2D);
    glBindTexture(GL_TEXTURE_2D, texture);
    glTexEnvi(GL_TEXTURE_ENV, GL_TEXTURE_ENV_MODE, GL_REPLACE);
    glBegin(GL_QUADS);
    glTexCoord2f(0, 0), glVertex2f(-1, -1);
    glTexCoord2f(1, 0), glVertex2f(1, -1);
    glTexCoord2f(1, 1), glVertex2f(1, 1);
    glTexCoord2f(0, 1), glVertex2f(-1, 1);
    glEnd();
    glDisable(GL_TEXTURE_2D);
  }
  /// The window's pixels as an image (glReadPixels returns the bottom row first: reverse it).
  [[nodiscard]] ic::ImageU8 screenshot() const {
    std::vector<uchar4> px(std::size_t(W) * H);
    glBindFramebuffer(GL_FRAMEBUFFER, fbo);
    glPixelStorei(GL_PACK_ALIGNMENT, 4);
    glReadPixels(0, 0, W, H, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    std::vector<uchar4> top_down(px.size());
    for (int y = 0; y < H; ++y)
      std::copy_n(px.begin() + std::ptrdiff_t(H - 1 - y) * W, W, top_down.begin() + std::ptrdiff_t(y) * W);
    ic::ImageU8 img(W, H, ic::Device::cpu());
    ic::io::upload(img, top_down);
    return img;
  }
};

}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  const int frames = argc > 2 ? std::atoi(argv[2]) : 4;
  const ic::Device device = ic::default_device();
  ic::gl::HeadlessContext context(device);  // a window library would make its context current instead
  std::printf("GL: %s, %s (EGL %s) for %s\n", context.renderer().c_str(), context.version().c_str(),
              context.platform().c_str(), device.name().c_str());

  // The display texture (RGBA8, storage only), registered once.
  GLuint texture = 0;
  glGenTextures(1, &texture);
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, W, H, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
  int status = 0;
  {
    ic::gl::Texture target(texture, device);
    ic::OwningStream stream;
    const ic::Exec ex{stream};
    ic::ImageF32 frame(W, H, device, stream);
    Window window;
    for (int i = 0; i < frames; ++i) {
      compose(frame, float(i) / float(frames), ex);
      target.copy_from(frame, ic::gl::Flip::vertical, ex);  // f32 -> RGBA8 + flip, straight into the texture
      window.draw(texture);
      char name[64];
      std::snprintf(name, sizeof name, "gl_animation_%03d.png", i);
      ic::io::save(window.screenshot(), dir / name);
      std::printf("wrote %s\n", (dir / name).c_str());
    }

    // The reference's recipe gives the same picture: a PBO, then glTexSubImage2D from it.
    GLuint pbo = 0;
    glGenBuffers(1, &pbo);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, pbo);
    glBufferData(GL_PIXEL_UNPACK_BUFFER, GLsizeiptr(W) * H * 4, nullptr, GL_STREAM_DRAW);
    glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    const ic::ImageU8 direct = window.screenshot();
    {
      ic::gl::PixelBuffer buffer(pbo, device);
      buffer.copy_from(frame, ic::gl::Flip::vertical, ex);
      glBindTexture(GL_TEXTURE_2D, texture);
      glBindBuffer(GL_PIXEL_UNPACK_BUFFER, pbo);
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, W, H, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
      glBindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);
    }
    glDeleteBuffers(1, &pbo);
    window.draw(texture);
    const auto a = ic::io::download(window.screenshot().view()), b = ic::io::download(direct.view());
    const bool same = std::memcmp(a.data(), b.data(), a.size() * sizeof(uchar4)) == 0;
    std::printf("PixelBuffer + glTexSubImage2D %s gl::Texture\n", same ? "==" : "!=");
    status = same ? 0 : 2;
  }
  glDeleteTextures(1, &texture);
  return status;
} catch (const imagecuda::Error& e) {
  std::fprintf(stderr, "gl_animation: %s\n", e.what());
  return 1;
}
