// SPDX-License-Identifier: MIT
/// @file transform.cpp  CPU launchers of the transform module (the formulas live in detail/transform.hpp).
// Built with -ffp-contract=off (CMakeLists.txt): no FMAs beyond the functors' explicit ones.
#include "imagecuda/detail/transform.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void flip(Pitched<float4> dst, Flip f) { generate(dst, f); }
void rotate_fixed(Pitched<float4> dst, RotateFixed f) { generate(dst, f); }
void rotate_arbitrary(Pitched<float4> dst, RotateArbitrary f) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g); });
}
void crop(Pitched<float4> dst, CropPad f) { generate(dst, f); }
void zoom(Pitched<float4> dst, Zoom f) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g); });
}
}  // namespace imagecuda::detail::host
