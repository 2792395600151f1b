// SPDX-License-Identifier: MIT
/// @file text.hpp  text: render UTF-8 text (HarfBuzz shaping, FreeType glyphs, fontconfig names)
/// into an image sized to the text, composited from a glyph atlas on the GPU or the CPU.
///
/// Optional component: declared only when the library was built with FreeType, HarfBuzz and
/// Fontconfig (IMAGECUDA_HAS_TEXT). None of their headers is included here.
#pragma once

#include <string>
#include <string_view>

#include "core/color.hpp"
#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"

#if defined(IMAGECUDA_HAS_TEXT)

namespace imagecuda::text {

/// Horizontal alignment of each line inside the text's box. `justify` stretches the spaces of
/// every wrapped line (not the last line of a paragraph) to `max_width`.
enum class TextAlign { left, center, right, justify };

/// Parameters of text::create / text::measure (PyImageCUDA's Text.create defaults).
struct TextParams {
  /// A fontconfig family with optional style words and size, Pango-style ("Sans",
  /// "DejaVu Sans Bold 48", "DejaVu Serif Italic"), or a path to a font file (may also end with
  /// a size: "/path/font.ttf 20"). A trailing number is the size in px and replaces `size`.
  std::string font = "Sans";
  /// Font size in px (1 pt = 1 px, as the reference's dpi = 72). Must be > 0.
  float size = 12.f;
  float4 color = float4{0.f, 0.f, 0.f, 1.f};
  float4 bg_color = float4{0.f, 0.f, 0.f, 0.f};
  TextAlign align = TextAlign::left;
  /// Extra px between lines (the reference's `spacing`).
  int spacing = 0;
  /// Extra px between consecutive characters (grapheme clusters) of a line (tracking).
  float letter_spacing = 0.f;
  /// > 0: wrap words so that no line is wider than this many px (a word wider than the whole
  /// line is broken between characters). 0: lines break only at '\n' (the reference).
  int max_width = 0;
  /// Parse the markup subset: <b>, <i>, <span color="#rrggbb[aa]" size="N">, &lt; &gt; &amp;
  /// &quot; &apos;.
  bool markup = false;
};

/// The size of the rendered text in px.
struct TextSize {
  int width = 0;
  int height = 0;
};

namespace detail {
TextSize measure_impl(std::string_view utf8, const TextParams& p);
void create_impl(std::string_view utf8, ImageF32* dst, ImageF32* out, Device device, const TextParams& p,
                 const Exec& ex);

inline void validate(const char* op, const TextParams& p) {
  using namespace imagecuda::detail;
  check_finite(op, "size", p.size);
  expects(p.size > 0.f, ErrorCode::invalid_argument, "{}: size must be > 0, got {}", op, p.size);
  check_finite(op, "color", p.color);
  check_finite(op, "bg_color", p.bg_color);
  check_finite(op, "letter_spacing", p.letter_spacing);
  expects(p.max_width >= 0, ErrorCode::invalid_argument, "{}: max_width must be >= 0, got {}", op, p.max_width);
  expects(p.spacing > -32768 && p.spacing < 32768, ErrorCode::invalid_argument,
          "{}: spacing must be within +-32767, got {}", op, p.spacing);
  const int a = static_cast<int>(p.align);
  expects(a >= 0 && a <= 3, ErrorCode::invalid_argument,
          "{}: align must be left, center, right or justify, got {}", op, a);
}
}  // namespace detail

/// The size text::create would give, without rendering (shapes the text; rasterises nothing).
inline TextSize measure(std::string_view utf8, const TextParams& p = {}) {
  detail::validate("text::measure", p);
  return detail::measure_impl(utf8, p);
}

/// Renders `utf8` into `dst` (its logical size set to the text's size; Error if its capacity is
/// too small). Lines break at '\n' (and at `max_width`); glyphs are composited over bg_color.
inline void create(std::string_view utf8, ImageF32& dst, const TextParams& p = {}, const Exec& ex = {}) {
  detail::validate("text::create", p);
  imagecuda::detail::check_image("text::create", "dst", dst);
  detail::create_impl(utf8, &dst, nullptr, dst.device(), p, ex);
}

/// Renders `utf8` into a new image on `default_device()`, sized to the text.
inline ImageF32 create(std::string_view utf8, const TextParams& p = {}, const Exec& ex = {}) {
  detail::validate("text::create", p);
  ImageF32 out;
  detail::create_impl(utf8, nullptr, &out, default_device(), p, ex);
  return out;
}

}  // namespace imagecuda::text

#endif  // IMAGECUDA_HAS_TEXT
