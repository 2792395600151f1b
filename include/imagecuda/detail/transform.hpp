// SPDX-License-Identifier: MIT
/// @file transform.hpp  Per-pixel formulas of the transform module (flip, rotate, crop, zoom) and
/// the launchers' declarations. Rotate and zoom sample through sampler.hpp.
#pragma once

#include <driver_types.h>

#include "sampler.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// flip: mode 0 horizontal (src_x = w-1-x), 1 vertical (src_y = h-1-y), 2 both.
struct Flip {
  Pitched<const float4> src;
  int mode;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int sx = mode != 1 ? src.width - 1 - x : x;
    const int sy = mode != 0 ? src.height - 1 - y : y;
    return src.row(sy)[sx];
  }
};

/// The reference's lossless 90/180/270 rotation: mode 0 = 90 CW, 1 = 180, 2 = 270 CW;
/// (rot_w, rot_h) the rotated size, placed at (off_x, off_y) in the output; outside it (0,0,0,0).
struct RotateFixed {
  Pitched<const float4> src;
  int mode, off_x, off_y, rot_w, rot_h;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int rx = x - off_x, ry = y - off_y;
    if (rx < 0 || ry < 0 || rx >= rot_w || ry >= rot_h) return make4(0.f, 0.f, 0.f, 0.f);
    const int W = src.width, H = src.height;
    int sx, sy;
    if (mode == 0) { sx = ry; sy = H - 1 - rx; }
    else if (mode == 1) { sx = W - 1 - rx; sy = H - 1 - ry; }
    else { sx = W - 1 - ry; sy = rx; }
    return src.row(sy)[sx];
  }
};

/// Arbitrary rotation by inverse mapping about the centres (dim/2 - 0.5):
/// sx = dx cos + dy sin + scx, sy = -dx sin + dy cos + scy (clockwise on screen for a positive
/// angle); sampled when -0.5 < sx < W-0.5 and -0.5 < sy < H-0.5, else (0,0,0,0).
/// cos/sin come from the host and the products are explicit fmaf, so both backends agree.
struct RotateArbitrary {
  Sampler s;
  float cs, sn, dcx, dcy, scx, scy;
  template <SampleMode M>
  IMAGECUDA_HD float4 at(int x, int y) const {
    const float dx = float(x) - dcx, dy = float(y) - dcy;
    const float sx = fmaf(dx, cs, fmaf(dy, sn, scx));
    const float sy = fmaf(-dx, sn, fmaf(dy, cs, scy));
    const float W = float(s.src.width), H = float(s.src.height);
    if (sx > -0.5f && sx < W - 0.5f && sy > -0.5f && sy < H - 0.5f) return s.template sample<M>(sx, sy);
    return make4(0.f, 0.f, 0.f, 0.f);
  }
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    switch (s.mode) {
      case SampleMode::nearest: return at<SampleMode::nearest>(x, y);
      case SampleMode::bilinear: return at<SampleMode::bilinear>(x, y);
      case SampleMode::bicubic: return at<SampleMode::bicubic>(x, y);
      default: return at<SampleMode::lanczos>(x, y);
    }
  }
};

/// crop: output (x, y) reads source (x + ox, y + oy); outside the source (0,0,0,0).
struct CropPad {
  Pitched<const float4> src;
  int ox, oy;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int sx = x + ox, sy = y + oy;
    if (sx < 0 || sy < 0 || sx >= src.width || sy >= src.height) return make4(0.f, 0.f, 0.f, 0.f);
    return src.row(sy)[sx];
  }
};

/// zoom: sx = vx + (x / dW) * vw, sy = vy + (y / dH) * vh (no half-pixel offset, as the
/// reference); outside [0, W) x [0, H) gives (0,0,0,0).
struct Zoom {
  Sampler s;
  float dw, dh, vx, vy, vw, vh;
  template <SampleMode M>
  IMAGECUDA_HD float4 at(int x, int y) const {
    const float sx = fmaf(float(x) / dw, vw, vx);
    const float sy = fmaf(float(y) / dh, vh, vy);
    if (sx < 0.f || sx >= float(s.src.width) || sy < 0.f || sy >= float(s.src.height)) return make4(0.f, 0.f, 0.f, 0.f);
    return s.template sample<M>(sx, sy);
  }
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    switch (s.mode) {
      case SampleMode::nearest: return at<SampleMode::nearest>(x, y);
      case SampleMode::bilinear: return at<SampleMode::bilinear>(x, y);
      case SampleMode::bicubic: return at<SampleMode::bicubic>(x, y);
      default: return at<SampleMode::lanczos>(x, y);
    }
  }
};

namespace cuda {
void flip(Pitched<float4> dst, Flip f, cudaStream_t stream);
void rotate_fixed(Pitched<float4> dst, RotateFixed f, cudaStream_t stream);
void rotate_arbitrary(Pitched<float4> dst, RotateArbitrary f, cudaStream_t stream);
void crop(Pitched<float4> dst, CropPad f, cudaStream_t stream);
void zoom(Pitched<float4> dst, Zoom f, cudaStream_t stream);
}  // namespace cuda
namespace host {
void flip(Pitched<float4> dst, Flip f);
void rotate_fixed(Pitched<float4> dst, RotateFixed f);
void rotate_arbitrary(Pitched<float4> dst, RotateArbitrary f);
void crop(Pitched<float4> dst, CropPad f);
void zoom(Pitched<float4> dst, Zoom f);
}  // namespace host

}  // namespace imagecuda::detail
