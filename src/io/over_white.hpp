// SPDX-License-Identifier: MIT
/// @file over_white.hpp  JPEG has no alpha: io::encode (host) and io::GpuJpegEncoder (device)
/// composite an 8-bit channel over white with this one formula.
#pragma once

#include "imagecuda/core/config.hpp"

namespace imagecuda::io::codec {

/// C' = (C*A + 255*(255-A) + 127) / 255: exact for A = 255 (C unchanged), white for A = 0.
IMAGECUDA_HD inline unsigned char over_white(unsigned c, unsigned a) {
  return static_cast<unsigned char>((c * a + 255u * (255u - a) + 127u) / 255u);
}

}  // namespace imagecuda::io::codec
