// SPDX-License-Identifier: MIT
/// libFuzzer: text::create with markup on Device::cpu() (built only with the text component).
/// The input is UTF-8 text with Pango-like markup; invalid UTF-8 or markup must be an Error.
#include <imagecuda/imagecuda.hpp>
#include <imagecuda/text.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace imagecuda;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 512) return 0;  // long inputs only cost time
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  for (bool markup : {true, false}) {
    try {
      text::TextParams p{.size = 10.f, .max_width = 120, .markup = markup};
      ImageF32 img = text::create(s, p, {});
      (void)img;
    } catch (const Error&) {
    }
  }
  return 0;
}
