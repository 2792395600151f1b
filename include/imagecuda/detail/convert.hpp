// SPDX-License-Identifier: MIT
/// @file convert.hpp  Per-pixel formulas of io::convert, and its two launchers.
#pragma once

#include <driver_types.h>

#include "vec.hpp"

namespace imagecuda::detail {

/// u8 -> f32: v / 255 on all four channels (PyImageCUDA's convert_u8_to_float).
struct U8ToF32 {
  IMAGECUDA_HD float4 operator()(uchar4 v) const {
    return make4(float(v.x) / 255.f, float(v.y) / 255.f, float(v.z) / 255.f, float(v.w) / 255.f);
  }
};

/// f32 -> u8: (uint8)(clamp(v, 0, 1) * 255 + 0.5) (PyImageCUDA's convert_float_to_u8; NaN -> 0).
struct F32ToU8 {
  IMAGECUDA_HD static unsigned char one(float v) { return static_cast<unsigned char>(clamp01(v) * 255.f + 0.5f); }
  IMAGECUDA_HD uchar4 operator()(float4 v) const {
    uchar4 r;
    r.x = one(v.x); r.y = one(v.y); r.z = one(v.z); r.w = one(v.w);
    return r;
  }
};

namespace cuda {
void convert(Pitched<const uchar4> src, Pitched<float4> dst, cudaStream_t stream);
void convert(Pitched<const float4> src, Pitched<uchar4> dst, cudaStream_t stream);
}  // namespace cuda
namespace host {
void convert(Pitched<const uchar4> src, Pitched<float4> dst);
void convert(Pitched<const float4> src, Pitched<uchar4> dst);
}  // namespace host

}  // namespace imagecuda::detail
