// SPDX-License-Identifier: MIT
/// @file transform.cu  CUDA launchers of the transform module (the formulas live in detail/transform.hpp).
#include "imagecuda/detail/transform.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
void flip(Pitched<float4> dst, Flip f, cudaStream_t s) { generate(dst, f, s, "transform::flip"); }
void rotate_fixed(Pitched<float4> dst, RotateFixed f, cudaStream_t s) { generate(dst, f, s, "transform::rotate"); }
void rotate_arbitrary(Pitched<float4> dst, RotateArbitrary f, cudaStream_t s) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g, s, "transform::rotate"); });
}
void crop(Pitched<float4> dst, CropPad f, cudaStream_t s) { generate(dst, f, s, "transform::crop"); }
void zoom(Pitched<float4> dst, Zoom f, cudaStream_t s) {
  with_fixed_mode(f, f.s.mode, [&](const auto& g) { generate(dst, g, s, "transform::zoom"); });
}
}  // namespace imagecuda::detail::cuda
