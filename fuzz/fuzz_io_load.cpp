// SPDX-License-Identifier: MIT
/// libFuzzer: io::probe and io::load from memory (PNG through libspng, JPEG through TurboJPEG,
/// EXIF orientation from both) on Device::cpu(). Any imagecuda::Error is an accepted outcome;
/// a crash, a sanitizer report, another exception type or a leak is a finding.
#include <imagecuda/imagecuda.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

using namespace imagecuda;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  // Small limits keep every execution fast; the size checks themselves are exercised too.
  io::LoadParams p{.max_pixels = std::size_t(1) << 20, .device = Device::cpu()};
  try {
    (void)io::probe(bytes, p);
  } catch (const Error&) {
  }
  for (bool strict : {true, false}) {
    p.strict = strict;
    p.autorotate = strict;
    try {
      ImageF32 f = io::load(bytes, p);
      ImageU8 u(f.width(), f.height(), Device::cpu());
      io::load(bytes, u, p);  // the 8-bit path into a destination of the right capacity
    } catch (const Error&) {
      if (!strict) break;
    }
  }
  return 0;
}
