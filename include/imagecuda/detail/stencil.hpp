// SPDX-License-Identifier: MIT
/// @file stencil.hpp  3x3 neighbourhood formulas: sharpen, sobel, emboss (the reference's kernels),
/// evaluated on premultiplied colour so transparent pixels do not bleed.
#pragma once

#include <driver_types.h>

#include "blur.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

/// sharpen: rgb = clamp01((1+4s)*C - s*(N+S+W+E)), neighbours outside the image omitted (not
/// clamped, as the reference); A = C.A. Computed premultiplied, un-premultiplied by C.A.
struct Sharpen {
  Pitched<const float4> src;
  float s;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float4 c = src.at(x, y);
    const float4 pc = premultiply(c);
    float4 n = make4(0.f, 0.f, 0.f, 0.f);
    if (x > 0) n = add4(n, premultiply(src.at(x - 1, y)));
    if (x + 1 < src.width) n = add4(n, premultiply(src.at(x + 1, y)));
    if (y > 0) n = add4(n, premultiply(src.at(x, y - 1)));
    if (y + 1 < src.height) n = add4(n, premultiply(src.at(x, y + 1)));
    const float k = 1.f + 4.f * s;
    float4 o = make4(k * pc.x - s * n.x, k * pc.y - s * n.y, k * pc.z - s * n.z, c.w);
    o = unpremultiply(o);
    return make4(clamp01(o.x), clamp01(o.y), clamp01(o.z), c.w);
  }
};

/// The premultiplied RGB of the clamped-to-edge 3x3 neighbourhood, row-major (dy, dx).
IMAGECUDA_HD inline void neighbourhood3(const Pitched<const float4>& src, int x, int y, float4 (&n)[9]) {
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx) {
      const int xx = clampi(x + dx, 0, src.width - 1), yy = clampi(y + dy, 0, src.height - 1);
      n[(dy + 1) * 3 + (dx + 1)] = premultiply(src.at(xx, yy));
    }
}

/// sobel: per RGB channel sqrt(Gx^2 + Gy^2), unclamped, in colour; A = 1.
struct Sobel {
  Pitched<const float4> src;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    float4 n[9];
    neighbourhood3(src, x, y, n);
    auto mag = [&](float a0, float a1, float a2, float a3, float a5, float a6, float a7, float a8) {
      const float gx = -a0 + a2 - 2.f * a3 + 2.f * a5 - a6 + a8;
      const float gy = -a0 - 2.f * a1 - a2 + a6 + 2.f * a7 + a8;
      return sqrtf(gx * gx + gy * gy);
    };
    return make4(mag(n[0].x, n[1].x, n[2].x, n[3].x, n[5].x, n[6].x, n[7].x, n[8].x),
                 mag(n[0].y, n[1].y, n[2].y, n[3].y, n[5].y, n[6].y, n[7].y, n[8].y),
                 mag(n[0].z, n[1].z, n[2].z, n[3].z, n[5].z, n[6].z, n[7].z, n[8].z), 1.f);
  }
};

/// emboss: kernel [[-2,-1,0],[-1,1,1],[0,1,2]], rgb = sum*strength + 0.5 (unclamped); A = 1.
struct Emboss {
  Pitched<const float4> src;
  float strength;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    float4 n[9];
    neighbourhood3(src, x, y, n);
    constexpr float k[9] = {-2.f, -1.f, 0.f, -1.f, 1.f, 1.f, 0.f, 1.f, 2.f};
    float4 s = make4(0.f, 0.f, 0.f, 0.f);
    for (int i = 0; i < 9; ++i) fma4(s, n[i], k[i]);
    return make4(s.x * strength + 0.5f, s.y * strength + 0.5f, s.z * strength + 0.5f, 1.f);
  }
};

namespace cuda {
void sharpen(Sharpen f, Pitched<float4> dst, cudaStream_t stream);
void sobel(Sobel f, Pitched<float4> dst, cudaStream_t stream);
void emboss(Emboss f, Pitched<float4> dst, cudaStream_t stream);
}  // namespace cuda
namespace host {
void sharpen(Sharpen f, Pitched<float4> dst);
void sobel(Sobel f, Pitched<float4> dst);
void emboss(Emboss f, Pitched<float4> dst);
}  // namespace host

}  // namespace imagecuda::detail
