// SPDX-License-Identifier: MIT
/// @file filter.cpp  CPU launchers of the filter module (the formulas live in detail/filter.hpp).
// Built with -ffp-contract=off (CMakeLists.txt): no FMAs beyond the functors' explicit ones.
#include "imagecuda/detail/filter.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
// Point filters: in-place updates.
void filter_sepia(Pitched<float4> img, FilterSepia f) { update_or_fuse(img, f); }
void filter_invert(Pitched<float4> img, FilterInvert f) { update_or_fuse(img, f); }
void filter_threshold(Pitched<float4> img, FilterThreshold f) { update_or_fuse(img, f); }
void filter_solarize(Pitched<float4> img, FilterSolarize f) { update_or_fuse(img, f); }
}  // namespace imagecuda::detail::host
