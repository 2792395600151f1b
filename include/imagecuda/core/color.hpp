// SPDX-License-Identifier: MIT
/// @file color.hpp  Colour helpers: rgba(r, g, b, a) and hex("#rrggbb[aa]").
#pragma once

#include <string_view>

#include "config.hpp"
#include "error.hpp"

namespace imagecuda {

/// A straight-alpha colour with channels in 0..1.
constexpr float4 rgba(float r, float g, float b, float a = 1.f) noexcept { return float4{r, g, b, a}; }

/// Parses "#rrggbb" or "#rrggbbaa" (the '#' is optional); throws Error{invalid_argument}.
inline float4 hex(std::string_view s) {
  const std::string_view original = s;
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  auto nibble = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    detail::fail(ErrorCode::invalid_argument, "hex: '{}' has a non-hex digit '{}'", original, c);
  };
  detail::expects(s.size() == 6 || s.size() == 8, ErrorCode::invalid_argument,
                  "hex: colour must be #rrggbb or #rrggbbaa, got '{}'", original);
  float v[4] = {0, 0, 0, 1};
  for (std::size_t i = 0; i < s.size() / 2; ++i)
    v[i] = float(nibble(s[2 * i]) * 16 + nibble(s[2 * i + 1])) / 255.f;
  return float4{v[0], v[1], v[2], v[3]};
}

}  // namespace imagecuda
