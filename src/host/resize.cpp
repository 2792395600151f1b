// SPDX-License-Identifier: MIT
/// @file resize.cpp  CPU launchers of the resize module (the formulas live in detail/resize.hpp).
// Built with -ffp-contract=off (CMakeLists.txt): no FMAs beyond the functors' explicit ones.
#include "imagecuda/detail/resize.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
void resize_sample(Pitched<float4> dst, ResizeSample f) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g); });
}
void resize_axis_tables(int nx, ResizeAxisTable x, int ny, ResizeAxisTable y) {
  for (int o = 0; o < nx; ++o) x(o);
  for (int o = 0; o < ny; ++o) y(o);
}
void resize_filtered(Pitched<float4> dst, ResizeFiltered f) { generate(dst, f); }
void resize_area_blocks(Pitched<float4> dst, const AreaBlocks& f) { generate(dst, f); }
void resize_two_pass(Pitched<float4> dst, ResizeFiltered f, Pitched<float4> mid) {
  generate(mid, ResizeRows{f});
  generate(dst, ResizeCols{f, Pitched<const float4>{mid.data, mid.pitch, mid.width, mid.height}});
}
}  // namespace imagecuda::detail::host
