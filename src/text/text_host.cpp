// SPDX-License-Identifier: MIT
/// @file text_host.cpp  CPU launcher of the text compositing functor (detail/text.hpp).
#include "host/parallel.hpp"
#include "imagecuda/detail/text.hpp"

namespace imagecuda::detail::host {

void text_composite(Pitched<float4> dst, const TextComposite& f) { generate(dst, f); }

}  // namespace imagecuda::detail::host
