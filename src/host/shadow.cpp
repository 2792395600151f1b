// SPDX-License-Identifier: MIT
/// @file shadow.cpp  CPU launchers of effect::drop_shadow (the blur is filter's).
#include "imagecuda/detail/shadow.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void shadow_mask(ShadowMask f, Pitched<float4> dst) { generate(dst, f); }
void shadow_composite(ShadowComposite f, Pitched<float4> dst) { generate(dst, f); }
}  // namespace imagecuda::detail::host
