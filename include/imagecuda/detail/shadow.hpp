// SPDX-License-Identifier: MIT
/// @file shadow.hpp  Per-pixel formulas of effect::drop_shadow, and their launchers.
///
/// The shadow layer is (color.rgb, alpha of the image), blurred premultiplied — so its colour is
/// exactly color.rgb wherever it has coverage (PyImageCUDA stores color*alpha in a straight-alpha
/// image, which darkens coloured shadows and glows) — then its alpha is scaled by color.a, and
/// the image is composited over it with the blend module's `normal` formula.
///
/// Since the layer's colour is constant, its premultiplied blur is (color.rgb * B, B) with B the
/// blur of the alpha alone, and un-premultiplied it is (color.rgb, B) where B != 0. So only the
/// coverage is blurred, as one channel (a quarter of the data and of the arithmetic of a
/// four-channel blur), with the same formulas as filter's blur (blur.hpp, V = float: the same
/// method, segments and operations as the alpha channel of gaussian_blur); the unblurred
/// coverage is read straight from the image by the blur's first pass (no mask layer is written).
#pragma once

#include <driver_types.h>

#include "blend.hpp"
#include "blur.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// The unblurred shadow coverage on the layer: the image alpha at (x - ix, y - iy), 0 outside.
struct ShadowAlpha {
  Pitched<const float4> img;
  int ix, iy;
  IMAGECUDA_HD float operator()(int x, int y) const {
    const int sx = x - ix, sy = y - iy;
    const bool inside = sx >= 0 && sy >= 0 && sx < img.width && sy < img.height;
    return inside ? img.at(sx, sy).w : 0.f;
  }
};

/// The shadow layer's pixel from its blurred coverage `a`: (color.rgb, a * color.a), or
/// transparent black where the coverage is (near) zero — the un-premultiply rule of blur.hpp.
IMAGECUDA_HD inline float4 shadow_pixel(float a, float4 color) {
  if (!(fabsf(a) > 1e-12f)) return make4(0.f, 0.f, 0.f, 0.f);
  return make4(color.x, color.y, color.z, a * color.w);
}

/// The result: the image (at ix, iy) over the shadow layer (coverage `shadow` at sx, sy), both
/// over transparent black, with blend's normal (W3C source-over) formula.
struct ShadowComposite {
  Pitched<const float> shadow;
  Pitched<const float4> img;
  int ix, iy, sx, sy;
  float4 color;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const BlendOp<blend::Mode::normal> over{1.f};
    float4 s = make4(0.f, 0.f, 0.f, 0.f);
    const int qx = x - sx, qy = y - sy;
    if (qx >= 0 && qy >= 0 && qx < shadow.width && qy < shadow.height) s = shadow_pixel(shadow.at(qx, qy), color);
    float4 base = over(make4(0.f, 0.f, 0.f, 0.f), s);
    const int px = x - ix, py = y - iy;
    if (px >= 0 && py >= 0 && px < img.width && py < img.height) base = over(base, img.at(px, py));
    return base;
  }
};

namespace cuda {
/// The blurred coverage (`plan`, any method; copy = unblurred) into `layer` (layer-sized);
/// `temp` holds layer.width * layer.height floats.
void shadow_coverage(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan, cudaStream_t stream);
void shadow_composite(ShadowComposite f, Pitched<float4> dst, cudaStream_t stream);
}  // namespace cuda
namespace host {
void shadow_coverage(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan);
void shadow_composite(ShadowComposite f, Pitched<float4> dst);
}  // namespace host

}  // namespace imagecuda::detail
