// SPDX-License-Identifier: MIT
/// @file filter.cu  CUDA launchers of the filter module (the formulas live in detail/filter.hpp).
#include "imagecuda/detail/filter.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
// Point filters: in-place updates (in a fused Graph recording, stages of the pending pass).
void filter_sepia(Pitched<float4> img, FilterSepia f, cudaStream_t s) { update_or_fuse(img, f, s, "filter::sepia"); }
void filter_invert(Pitched<float4> img, FilterInvert f, cudaStream_t s) { update_or_fuse(img, f, s, "filter::invert"); }
void filter_threshold(Pitched<float4> img, FilterThreshold f, cudaStream_t s) {
  update_or_fuse(img, f, s, "filter::threshold");
}
void filter_solarize(Pitched<float4> img, FilterSolarize f, cudaStream_t s) {
  update_or_fuse(img, f, s, "filter::solarize");
}
}  // namespace imagecuda::detail::cuda
