// SPDX-License-Identifier: MIT
/// @file context.cpp  gl::HeadlessContext: an EGL context without a window (device or surfaceless
/// platform), for tests, servers and offline rendering.
#include <EGL/egl.h>
#include <EGL/eglext.h>
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "imagecuda/core/error.hpp"
#include "imagecuda/gl.hpp"

#ifndef EGL_CUDA_DEVICE_NV
#define EGL_CUDA_DEVICE_NV 0x323A
#endif
#ifndef EGL_PLATFORM_SURFACELESS_MESA
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD
#endif

namespace imagecuda::gl {
namespace {

constexpr const char* op = "gl::HeadlessContext";

bool has_extension(const char* list, const char* name) {
  if (list == nullptr) return false;
  const std::size_t n = std::strlen(name);
  for (const char* p = list; (p = std::strstr(p, name)) != nullptr; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) return true;
  return false;
}

template <class F>
F proc(const char* name) {
  return reinterpret_cast<F>(eglGetProcAddress(name));
}

/// The EGL display of the CUDA device `ordinal` (EGL_EXT_device_enumeration + platform_device).
EGLDisplay device_display(int ordinal, bool match_cuda) {
  const char* client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (!has_extension(client, "EGL_EXT_platform_device")) return EGL_NO_DISPLAY;
  auto query_devices = proc<PFNEGLQUERYDEVICESEXTPROC>("eglQueryDevicesEXT");
  auto query_attrib = proc<PFNEGLQUERYDEVICEATTRIBEXTPROC>("eglQueryDeviceAttribEXT");
  auto query_string = proc<PFNEGLQUERYDEVICESTRINGEXTPROC>("eglQueryDeviceStringEXT");
  auto get_display = proc<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
  if (query_devices == nullptr || get_display == nullptr) return EGL_NO_DISPLAY;
  EGLint n = 0;
  if (query_devices(0, nullptr, &n) != EGL_TRUE || n <= 0) return EGL_NO_DISPLAY;
  std::vector<EGLDeviceEXT> devices(std::size_t(n), nullptr);
  if (query_devices(n, devices.data(), &n) != EGL_TRUE) return EGL_NO_DISPLAY;
  for (EGLint i = 0; i < n; ++i) {
    if (match_cuda) {
      const char* ext = query_string != nullptr ? query_string(devices[i], EGL_EXTENSIONS) : nullptr;
      EGLAttrib cuda = -1;
      if (!has_extension(ext, "EGL_NV_device_cuda") || query_attrib == nullptr ||
          query_attrib(devices[i], EGL_CUDA_DEVICE_NV, &cuda) != EGL_TRUE || cuda != ordinal)
        continue;
    }
    EGLDisplay d = get_display(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
    if (d != EGL_NO_DISPLAY) return d;
  }
  return EGL_NO_DISPLAY;
}

EGLDisplay surfaceless_display() {
  const char* client = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
  if (!has_extension(client, "EGL_MESA_platform_surfaceless")) return EGL_NO_DISPLAY;
  auto get_display = proc<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
  if (get_display == nullptr) return EGL_NO_DISPLAY;
  return get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
}

}  // namespace

HeadlessContext::HeadlessContext(Device device) {
  // Candidate displays, best first: the GPU's own EGL device for CUDA (so that CUDA can register
  // the context's objects), Mesa's surfaceless platform for the CPU, then whatever is there.
  std::vector<std::pair<EGLDisplay, const char*>> candidates;
  if (device.is_cuda()) {
    candidates.emplace_back(device_display(device.ordinal(), true), "device");
    candidates.emplace_back(device_display(0, false), "device (not matched to the CUDA device)");
  } else {
    candidates.emplace_back(surfaceless_display(), "surfaceless");
    candidates.emplace_back(device_display(0, false), "device");
  }
  candidates.emplace_back(eglGetDisplay(EGL_DEFAULT_DISPLAY), "default");

  std::string tried;
  // Displays that fail are left initialised: EGL displays are per process, and eglTerminate
  // would also end contexts that other HeadlessContexts made on the same display.
  for (auto [display, platform] : candidates) {
    if (display == EGL_NO_DISPLAY) {
      tried += fmt::format("{}{}: no display", tried.empty() ? "" : "; ", platform);
      continue;
    }
    EGLint major = 0, minor = 0;
    if (eglInitialize(display, &major, &minor) != EGL_TRUE) {
      tried += fmt::format("{}{}: eglInitialize failed (0x{:04x})", tried.empty() ? "" : "; ", platform,
                           unsigned(eglGetError()));
      continue;
    }
    if (eglBindAPI(EGL_OPENGL_API) != EGL_TRUE) {
      tried += fmt::format("{}{}: no desktop OpenGL", tried.empty() ? "" : "; ", platform);
      continue;
    }
    // A 1x1 pbuffer when a config offers one; else no surface at all (EGL_KHR_surfaceless_context).
    const EGLint pbuffer_attribs[] = {EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
                                      EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_NONE};
    const EGLint any_attribs[] = {EGL_SURFACE_TYPE, 0, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE};
    EGLConfig config = nullptr;
    EGLint count = 0;
    bool pbuffer = eglChooseConfig(display, pbuffer_attribs, &config, 1, &count) == EGL_TRUE && count > 0;
    if (!pbuffer && (eglChooseConfig(display, any_attribs, &config, 1, &count) != EGL_TRUE || count == 0)) {
      tried += fmt::format("{}{}: no OpenGL config", tried.empty() ? "" : "; ", platform);
      continue;
    }
    EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, nullptr);
    if (context == EGL_NO_CONTEXT) {
      tried += fmt::format("{}{}: eglCreateContext failed (0x{:04x})", tried.empty() ? "" : "; ", platform,
                           unsigned(eglGetError()));
      continue;
    }
    EGLSurface surface = EGL_NO_SURFACE;
    if (pbuffer) {
      const EGLint size[] = {EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE};
      surface = eglCreatePbufferSurface(display, config, size);
    }
    if (eglMakeCurrent(display, surface, surface, context) != EGL_TRUE) {
      tried += fmt::format("{}{}: eglMakeCurrent failed (0x{:04x})", tried.empty() ? "" : "; ", platform,
                           unsigned(eglGetError()));
      if (surface != EGL_NO_SURFACE) eglDestroySurface(display, surface);
      eglDestroyContext(display, context);
      continue;
    }
    display_ = display;
    context_ = context;
    surface_ = surface;
    platform_ = platform;
    const auto* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
    const auto* v = reinterpret_cast<const char*>(glGetString(GL_VERSION));
    renderer_ = r != nullptr ? r : "";
    version_ = v != nullptr ? v : "";
    return;
  }
  detail::fail(ErrorCode::unsupported, "{}: no headless OpenGL context for {} ({})", op, device, tried);
}

HeadlessContext::~HeadlessContext() { destroy(); }

HeadlessContext::HeadlessContext(HeadlessContext&& o) noexcept
    : display_(std::exchange(o.display_, nullptr)),
      context_(std::exchange(o.context_, nullptr)),
      surface_(std::exchange(o.surface_, nullptr)),
      renderer_(std::move(o.renderer_)),
      version_(std::move(o.version_)),
      platform_(std::move(o.platform_)) {}

HeadlessContext& HeadlessContext::operator=(HeadlessContext&& o) noexcept {
  if (this != &o) {
    destroy();
    display_ = std::exchange(o.display_, nullptr);
    context_ = std::exchange(o.context_, nullptr);
    surface_ = std::exchange(o.surface_, nullptr);
    renderer_ = std::move(o.renderer_);
    version_ = std::move(o.version_);
    platform_ = std::move(o.platform_);
  }
  return *this;
}

void HeadlessContext::make_current() const {
  detail::expects(context_ != nullptr, ErrorCode::invalid_argument, "{}::make_current: the context is empty (moved-from)", op);
  detail::expects(eglMakeCurrent(display_, surface_, surface_, context_) == EGL_TRUE, ErrorCode::unsupported,
                  "{}::make_current: eglMakeCurrent failed (0x{:04x})", op, unsigned(eglGetError()));
}

void HeadlessContext::release() const {
  detail::expects(context_ != nullptr, ErrorCode::invalid_argument, "{}::release: the context is empty (moved-from)", op);
  detail::expects(eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT) == EGL_TRUE,
                  ErrorCode::unsupported, "{}::release: eglMakeCurrent failed (0x{:04x})", op, unsigned(eglGetError()));
}

void HeadlessContext::destroy() noexcept {
  if (context_ == nullptr) return;
  if (eglGetCurrentContext() == context_) eglMakeCurrent(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  if (surface_ != nullptr) eglDestroySurface(display_, surface_);
  eglDestroyContext(display_, context_);
  // The display stays initialised: EGL displays are per process and another context may use it.
  display_ = context_ = surface_ = nullptr;
}

}  // namespace imagecuda::gl
