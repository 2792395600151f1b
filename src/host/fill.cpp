// SPDX-License-Identifier: MIT
/// @file fill.cpp  CPU launchers of the fill module (the formulas live in detail/fill.hpp).
// Built with -ffp-contract=off (CMakeLists.txt): no FMAs beyond the functors' explicit ones.
#include <algorithm>

#include "imagecuda/detail/fill.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void fill_color(Pitched<float4> dst, FillColor f) { generate_or_fuse(dst, f); }
void fill_gradient(Pitched<float4> dst, FillGradient f) { generate_or_fuse(dst, f); }
void fill_checkerboard(Pitched<float4> dst, FillCheckerboard f) { generate_or_fuse(dst, f); }
void fill_grid(Pitched<float4> dst, FillGrid f) { generate_or_fuse(dst, f); }
void fill_stripes(Pitched<float4> dst, FillStripes f) { generate_or_fuse(dst, f); }
void fill_dots(Pitched<float4> dst, FillDots f) { generate_or_fuse(dst, f); }
void fill_circle(Pitched<float4> dst, FillCircle f) { generate_or_fuse(dst, f); }
void fill_noise(Pitched<float4> dst, FillNoise f) { generate_or_fuse(dst, f); }
void fill_perlin(Pitched<float4> dst, const FillPerlin& f) {
  // The same spans of 8 as the CUDA backend (FillPerlin::span equals operator() bit for bit).
  constexpr int span = 8;
  parallel_rows(dst.height, std::size_t(dst.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float4* row = dst.row(y);
      for (int x = 0; x < dst.width; x += span) f.span<span>(x, y, std::min(span, dst.width - x), row + x);
    }
  });
}
void fill_ngon(Pitched<float4> dst, FillNgon f) { generate_or_fuse(dst, f); }
}  // namespace imagecuda::detail::host
