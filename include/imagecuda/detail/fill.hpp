// SPDX-License-Identifier: MIT
/// @file fill.hpp  Per-pixel formulas of the fill module, and their launchers.
#pragma once

#include <driver_types.h>

#include "vec.hpp"

namespace imagecuda::detail {

/// fill::color: px = rgba.
struct FillColor {
  float4 c;
  IMAGECUDA_HD float4 operator()(int, int) const { return c; }
};

namespace cuda {
void fill_color(Pitched<float4> dst, FillColor f, cudaStream_t stream);
}
namespace host {
void fill_color(Pitched<float4> dst, FillColor f);
}

}  // namespace imagecuda::detail
