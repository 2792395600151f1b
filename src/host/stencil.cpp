// SPDX-License-Identifier: MIT
/// @file stencil.cpp  CPU launchers of sharpen, sobel, emboss.
#include "imagecuda/detail/stencil.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void sharpen(Sharpen f, Pitched<float4> dst) { generate(dst, f); }
void sobel(Sobel f, Pitched<float4> dst) { generate(dst, f); }
void emboss(Emboss f, Pitched<float4> dst) { generate(dst, f); }
}  // namespace imagecuda::detail::host
