// SPDX-License-Identifier: MIT
/// @file fill.cu  CUDA launchers of the fill module (the formulas live in detail/fill.hpp).
#include "imagecuda/detail/fill.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void fill_color(Pitched<float4> dst, FillColor f, cudaStream_t s) { generate(dst, f, s, "fill::color"); }
void fill_gradient(Pitched<float4> dst, FillGradient f, cudaStream_t s) { generate(dst, f, s, "fill::gradient"); }
void fill_checkerboard(Pitched<float4> dst, FillCheckerboard f, cudaStream_t s) {
  generate(dst, f, s, "fill::checkerboard");
}
void fill_grid(Pitched<float4> dst, FillGrid f, cudaStream_t s) { generate(dst, f, s, "fill::grid"); }
void fill_stripes(Pitched<float4> dst, FillStripes f, cudaStream_t s) { generate(dst, f, s, "fill::stripes"); }
void fill_dots(Pitched<float4> dst, FillDots f, cudaStream_t s) { generate(dst, f, s, "fill::dots"); }
void fill_circle(Pitched<float4> dst, FillCircle f, cudaStream_t s) { generate(dst, f, s, "fill::circle"); }
void fill_noise(Pitched<float4> dst, FillNoise f, cudaStream_t s) { generate(dst, f, s, "fill::noise"); }
void fill_perlin(Pitched<float4> dst, const FillPerlin& f, cudaStream_t s) { generate(dst, f, s, "fill::perlin"); }
void fill_ngon(Pitched<float4> dst, FillNgon f, cudaStream_t s) { generate(dst, f, s, "fill::ngon"); }
}  // namespace imagecuda::detail::cuda
