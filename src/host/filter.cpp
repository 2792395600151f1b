// SPDX-License-Identifier: MIT
/// @file filter.cpp  CPU launchers of the filter module (the formulas live in detail/filter.hpp).
// The functors must not be contracted into FMAs beyond their explicit fp::fma calls, or the CPU
// backend would differ from the CUDA one in the last bit (g++ contracts across inlined calls in
// C++ whenever the target has FMA: aarch64, x86-64 with -mfma); so is clang, for safety.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "imagecuda/detail/filter.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
// Point filters: in-place updates.
void filter_sepia(Pitched<float4> img, FilterSepia f) { update(img, f); }
void filter_invert(Pitched<float4> img, FilterInvert f) { update(img, f); }
void filter_threshold(Pitched<float4> img, FilterThreshold f) { update(img, f); }
void filter_solarize(Pitched<float4> img, FilterSolarize f) { update(img, f); }
}  // namespace imagecuda::detail::host
