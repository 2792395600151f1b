// SPDX-License-Identifier: MIT
/// @file blend.cpp  CPU launchers of the blend module: the same shape as the CUDA kernel, over rows.
#include "imagecuda/detail/blend.hpp"

#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {

/// base(x, y) = f(base(x, y), overlay(x, y)) over the placed, clipped region.
template <class F>
void composite_rows(Pitched<float4> base, Pitched<const float4> overlay, const F& f) {
  parallel_rows(base.height, std::size_t(base.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float4* b = base.row(y);
      const float4* o = overlay.row(y);
      for (int x = 0; x < base.width; ++x) b[x] = f(b[x], o[x]);
    }
  });
}

}  // namespace

void blend_composite(Pitched<float4> base, Pitched<const float4> overlay, blend::Mode mode, float opacity) {
  if (fusion::take(base, Stage::of(CompositeStage{overlay, mode, opacity}))) return;
  visit_mode(mode, [&](auto m) { composite_rows(base, overlay, BlendOp<decltype(m)::value>{opacity}); });
}

void blend_mask(Pitched<float4> base, Pitched<const float4> mask, MaskOp f) {
  if (!fusion::take(base, Stage::of(MaskStage{mask, f}))) composite_rows(base, mask, f);
}
}  // namespace imagecuda::detail::host
