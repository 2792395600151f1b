// SPDX-License-Identifier: MIT
/// @file fill.cpp  CPU launchers of the fill module.
#include "imagecuda/detail/fill.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void fill_color(Pitched<float4> dst, FillColor f) { generate(dst, f); }
}  // namespace imagecuda::detail::host
