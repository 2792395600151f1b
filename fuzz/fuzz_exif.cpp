// SPDX-License-Identifier: MIT
/// libFuzzer: the EXIF parsers directly (a TIFF block, and a JPEG's APP1 scan). They never throw.
#include "io/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const int a = imagecuda::io::codec::exif_orientation_from_tiff(bytes);
  const int b = imagecuda::io::codec::jpeg_exif_orientation(bytes);
  if (a < 1 || a > 8 || b < 1 || b > 8) std::abort();  // the contract: 1..8 always
  return 0;
}
