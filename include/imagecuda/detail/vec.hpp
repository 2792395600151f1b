// SPDX-License-Identifier: MIT
/// @file vec.hpp  float4 arithmetic and the tiny pitched accessor that kernels and host loops share.
#pragma once

#include <cmath>
#include <cstddef>

#include <type_traits>

#include "../core/config.hpp"

namespace imagecuda::detail {

IMAGECUDA_HD inline float4 make4(float r, float g, float b, float a) {
  float4 v;
  v.x = r; v.y = g; v.z = b; v.w = a;
  return v;
}
IMAGECUDA_HD inline float4 add4(float4 a, float4 b) { return make4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w); }
IMAGECUDA_HD inline float4 sub4(float4 a, float4 b) { return make4(a.x - b.x, a.y - b.y, a.z - b.z, a.w - b.w); }
IMAGECUDA_HD inline float4 mul4(float4 a, float s) { return make4(a.x * s, a.y * s, a.z * s, a.w * s); }
/// PyImageCUDA's lerp: a*(1-t) + b*t on all four channels.
IMAGECUDA_HD inline float4 lerp4(float4 a, float4 b, float t) {
  return make4(a.x * (1.f - t) + b.x * t, a.y * (1.f - t) + b.y * t, a.z * (1.f - t) + b.z * t,
               a.w * (1.f - t) + b.w * t);
}
IMAGECUDA_HD inline float clamp01(float v) { return fminf(fmaxf(v, 0.f), 1.f); }

/// Pitched pixel access usable in kernels and host loops (CV-CUDA's TensorWrap idea).
template <class P>
struct Pitched {
  P* data;
  std::size_t pitch;  // bytes
  int width;
  int height;

  IMAGECUDA_HD P* row(int y) const {
    using B = std::conditional_t<std::is_const_v<P>, const unsigned char, unsigned char>;
    return reinterpret_cast<P*>(reinterpret_cast<B*>(data) + std::size_t(y) * pitch);
  }
  IMAGECUDA_HD P& at(int x, int y) const { return row(y)[x]; }
};

}  // namespace imagecuda::detail
