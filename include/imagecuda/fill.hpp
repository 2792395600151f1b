// SPDX-License-Identifier: MIT
/// @file fill.hpp  fill: in-place generators (color, ...). Each writes every pixel of the view.
#pragma once

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/fill.hpp"

namespace imagecuda::fill {

/// Sets every pixel of `dst` to `rgba` (straight alpha, any values kept as given).
inline void color(ImageView<float4> dst, float4 rgba, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  check_view("fill::color", "dst", dst);
  const FillColor f{rgba};
  dispatch(dst.device(), [&] { cuda::fill_color(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_color(pitched(dst), f); });
}

}  // namespace imagecuda::fill
