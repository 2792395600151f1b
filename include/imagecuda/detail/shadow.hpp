// SPDX-License-Identifier: MIT
/// @file shadow.hpp  Per-pixel formulas of effect::drop_shadow, and their launchers.
///
/// The shadow layer is (color.rgb, alpha of the image), blurred premultiplied — so its colour is
/// exactly color.rgb wherever it has coverage (PyImageCUDA stores color*alpha in a straight-alpha
/// image, which darkens coloured shadows and glows) — then its alpha is scaled by color.a, and
/// the image is composited over it with the blend module's `normal` formula.
#pragma once

#include <driver_types.h>

#include "blend.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// The unblurred shadow layer on the canvas: (color.rgb, image alpha at (x - ix, y - iy), 0 outside).
struct ShadowMask {
  Pitched<const float4> img;
  int ix, iy;
  float4 color;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int sx = x - ix, sy = y - iy;
    const bool inside = sx >= 0 && sy >= 0 && sx < img.width && sy < img.height;
    return make4(color.x, color.y, color.z, inside ? img.at(sx, sy).w : 0.f);
  }
};

/// The result: the image (at ix, iy) over the blurred shadow layer (at sx, sy, alpha * color.a),
/// both over transparent black, with blend's normal (W3C source-over) formula.
struct ShadowComposite {
  Pitched<const float4> shadow;
  Pitched<const float4> img;
  int ix, iy, sx, sy;
  float shadow_alpha;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const BlendOp<blend::Mode::normal> over{1.f};
    float4 s = make4(0.f, 0.f, 0.f, 0.f);
    const int qx = x - sx, qy = y - sy;
    if (qx >= 0 && qy >= 0 && qx < shadow.width && qy < shadow.height) {
      s = shadow.at(qx, qy);
      s.w *= shadow_alpha;
    }
    float4 base = over(make4(0.f, 0.f, 0.f, 0.f), s);
    const int px = x - ix, py = y - iy;
    if (px >= 0 && py >= 0 && px < img.width && py < img.height) base = over(base, img.at(px, py));
    return base;
  }
};

namespace cuda {
void shadow_mask(ShadowMask f, Pitched<float4> dst, cudaStream_t stream);
void shadow_composite(ShadowComposite f, Pitched<float4> dst, cudaStream_t stream);
}  // namespace cuda
namespace host {
void shadow_mask(ShadowMask f, Pitched<float4> dst);
void shadow_composite(ShadowComposite f, Pitched<float4> dst);
}  // namespace host

}  // namespace imagecuda::detail
