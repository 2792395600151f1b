// SPDX-License-Identifier: MIT
/// @file filter.cu  CUDA launchers of the filter module (the formulas live in detail/filter.hpp).
#include "imagecuda/detail/filter.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {
// Point filters: in-place updates, or a stage of the pending fused pass (Graph recordings).
template <class F>
void point(Pitched<float4> img, const F& f, cudaStream_t s, const char* op) {
  if (!fusion::take(s, img, Stage::of(UpdateStage<F>{f}))) update(img, f, s, op);
}
}  // namespace
void filter_sepia(Pitched<float4> img, FilterSepia f, cudaStream_t s) { point(img, f, s, "filter::sepia"); }
void filter_invert(Pitched<float4> img, FilterInvert f, cudaStream_t s) { point(img, f, s, "filter::invert"); }
void filter_threshold(Pitched<float4> img, FilterThreshold f, cudaStream_t s) {
  point(img, f, s, "filter::threshold");
}
void filter_solarize(Pitched<float4> img, FilterSolarize f, cudaStream_t s) {
  point(img, f, s, "filter::solarize");
}
}  // namespace imagecuda::detail::cuda
