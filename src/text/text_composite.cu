// SPDX-License-Identifier: MIT
/// @file text_composite.cu  CUDA launcher of the text compositing functor (detail/text.hpp).
#include "cuda/launch.cuh"
#include "imagecuda/detail/text.hpp"

namespace imagecuda::detail::cuda {

void text_composite(Pitched<float4> dst, const TextComposite& f, cudaStream_t stream) {
  generate(dst, f, stream, "text::create");
}

}  // namespace imagecuda::detail::cuda
