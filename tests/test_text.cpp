// SPDX-License-Identifier: MIT
/// text: extents, tracking, alignment, kerning, wrapping, markup colours, fonts and every error,
/// checked on the pixels the CPU backend renders (DejaVu fonts from fonts-dejavu-core).
#if defined(IMAGECUDA_HAS_TEXT)

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <cstdlib>

#include "helpers.hpp"

using namespace imagecuda;
using text::TextAlign;
using text::TextParams;

namespace {
const Device cpu = Device::cpu();
// The font file by path: Debian's fonts-dejavu-core, or $IMAGECUDA_TEST_FONT_DIR (the GPU machine
// has no system fonts; tools/device-run.sh points it at the fonts it carries).
const std::string dejavu = [] {
  const char* dir = std::getenv("IMAGECUDA_TEST_FONT_DIR");
  return std::string(dir != nullptr ? dir : "/usr/share/fonts/truetype/dejavu") + "/DejaVuSans.ttf";
}();

struct Rendered {
  int w = 0, h = 0;
  std::vector<float4> px;
  float4 at(int x, int y) const { return px[std::size_t(y) * w + x]; }
};

Rendered render(std::string_view s, const TextParams& p = {}) {
  const text::TextSize sz = text::measure(s, p);
  ImageF32 img(sz.width, sz.height, cpu);
  text::create(s, img, p);
  REQUIRE(img.width() == sz.width);
  REQUIRE(img.height() == sz.height);
  return {img.width(), img.height(), io::download(img)};
}

/// Leftmost and rightmost columns with alpha > t in rows [y0, y1); -1 if none.
std::pair<int, int> ink_columns(const Rendered& r, int y0, int y1, float t = 0.02f) {
  int l = -1, rr = -1;
  for (int y = y0; y < y1; ++y)
    for (int x = 0; x < r.w; ++x)
      if (r.at(x, y).w > t) {
        if (l < 0 || x < l) l = x;
        rr = std::max(rr, x);
      }
  return {l, rr};
}

int ink_pixels(const Rendered& r, float t = 0.5f) {
  return int(std::count_if(r.px.begin(), r.px.end(), [&](float4 p) { return p.w > t; }));
}
}  // namespace

TEST_CASE("text::create renders a line sized to its extents", "[text]") {
  const TextParams p{.font = "DejaVu Sans 32", .color = rgba(1.f, 0.5f, 0.f, 1.f)};
  const Rendered r = render("Hello, world", p);
  CHECK(r.h >= 32);
  CHECK(r.h <= 48);
  CHECK(r.w > 150);
  CHECK(ink_pixels(r) > 500);
  // Covered pixels carry the colour; alpha is coverage in [0, 1].
  bool colour_ok = true, range_ok = true;
  for (const float4 q : r.px) {
    if (q.w < 0.f || q.w > 1.f) range_ok = false;
    if (q.w > 0.f && (std::fabs(q.x - 1.f) > 1e-5f || std::fabs(q.y - 0.5f) > 1e-5f || std::fabs(q.z) > 1e-5f))
      colour_ok = false;
  }
  CHECK(colour_ok);
  CHECK(range_ok);
}

TEST_CASE("text: the documentation example", "[text]") {
  const Device device = cpu;
  Stream stream{};
  Workspace workspace(device);
  // example-begin text
  // A new image sized to the text (fontconfig name: family, style words, size in px):
  ImageF32 title = text::create("Hello, world", {.font = "DejaVu Sans Bold 48", .color = hex("#1d3557")});
  // Markup colours are kept; lines wrap at max_width and can be justified:
  ImageF32 para = text::create("<b>Bold</b>, <span color=\"#e63946\">red</span> &amp; plain text that wraps",
                               {.font = "DejaVu Serif", .size = 18, .align = text::TextAlign::justify,
                                .max_width = 200, .markup = true});
  // The size without rendering, then into a caller's image (no allocation with a workspace):
  const text::TextSize size = text::measure("Score: 42", {.size = 32, .letter_spacing = 2});
  ImageF32 label(size.width, size.height, device);
  text::create("Score: 42", label, {.size = 32, .letter_spacing = 2}, {stream, &workspace});
  // example-end
  CHECK(title.height() >= 48);
  CHECK(para.width() == 200);
  CHECK(label.width() == size.width);
}

TEST_CASE("text: extents grow with length and size", "[text]") {
  const auto a = text::measure("Hello", {.font = "DejaVu Sans", .size = 24});
  const auto b = text::measure("Hello world", {.font = "DejaVu Sans", .size = 24});
  const auto c = text::measure("Hello", {.font = "DejaVu Sans", .size = 48});
  CHECK(b.width > a.width);
  CHECK(b.height == a.height);
  CHECK(c.width > a.width * 3 / 2);
  CHECK(c.height > a.height * 3 / 2);
  // Lines stack: two lines are twice as tall, plus the line spacing.
  const auto two = text::measure("Hello\nHello", {.font = "DejaVu Sans", .size = 24});
  CHECK(two.height == 2 * a.height);
  CHECK(two.width == a.width);
  const auto spaced = text::measure("Hello\nHello", {.font = "DejaVu Sans", .size = 24, .spacing = 10});
  CHECK(spaced.height == 2 * a.height + 10);
  // A trailing number in the font name is the size.
  const auto named = text::measure("Hello", {.font = "DejaVu Sans 48", .size = 5});
  CHECK(named.width == c.width);
  CHECK(named.height == c.height);
}

TEST_CASE("text: letter spacing adds exactly (n-1) x spacing", "[text]") {
  for (float ls : {3.f, 7.f, 20.f, -2.f}) {
    INFO("letter_spacing " << ls);
    const auto a = text::measure("HELLO", {.font = "DejaVu Sans", .size = 30});
    const auto b = text::measure("HELLO", {.font = "DejaVu Sans", .size = 30, .letter_spacing = ls});
    CHECK(b.width - a.width == int(4 * ls));
    CHECK(b.height == a.height);
  }
  // A combining mark joins its base: "e" + U+0301 + "e" has two characters, one gap.
  const auto m0 = text::measure("e\xCC\x81" "e", {.font = "DejaVu Sans", .size = 30});
  const auto m1 = text::measure("e\xCC\x81" "e", {.font = "DejaVu Sans", .size = 30, .letter_spacing = 10});
  CHECK(m1.width - m0.width == 10);
  // ...and the mark has no advance of its own.
  CHECK(m0.width == text::measure("ee", {.font = "DejaVu Sans", .size = 30}).width);
  // The rendered ink moves with the tracking too.
  const Rendered r0 = render("II", {.font = "DejaVu Sans", .size = 30});
  const Rendered r1 = render("II", {.font = "DejaVu Sans", .size = 30, .letter_spacing = 9});
  CHECK(ink_columns(r1, 0, r1.h).second - ink_columns(r0, 0, r0.h).second == 9);
}

TEST_CASE("text: a kerned pair is narrower than its glyphs' advances", "[text]") {
  const TextParams p{.font = "DejaVu Sans", .size = 48};
  const int av = text::measure("AV", p).width;
  const int a = text::measure("A", p).width, v = text::measure("V", p).width;
  CHECK(av < a + v - 1);
  // Ink: the V starts over the A's box.
  const Rendered r = render("AV", p);
  CHECK(ink_columns(r, 0, r.h).second < a + v - 2);
}

TEST_CASE("text: alignment", "[text]") {
  const std::string s = "WWWWWWWW\nI";
  const TextParams base{.font = "DejaVu Sans", .size = 30};
  const auto sz = text::measure(s, base);
  const int line = sz.height / 2;
  const Rendered left = render(s, base);
  const Rendered centre = render(s, {.font = "DejaVu Sans", .size = 30, .align = TextAlign::center});
  const Rendered right = render(s, {.font = "DejaVu Sans", .size = 30, .align = TextAlign::right});
  const auto [l0, r0] = ink_columns(left, line, sz.height);
  const auto [l1, r1] = ink_columns(centre, line, sz.height);
  const auto [l2, r2] = ink_columns(right, line, sz.height);
  REQUIRE(l0 >= 0);
  CHECK(l0 < 10);
  // Centre: as much space on each side of the "I" (within a pixel of rounding).
  CHECK(std::abs(l1 - (sz.width - 1 - r1)) <= 1);
  // Right: the "I" ends near the right edge (its right side bearing away).
  CHECK(r2 > sz.width - 10);
  CHECK(r2 - l2 == r0 - l0);
  // The long line fills the box in every alignment.
  CHECK(ink_columns(centre, 0, line) == ink_columns(left, 0, line));
}

TEST_CASE("text: max_width wraps words and no line exceeds it", "[text]") {
  const std::string s = "The quick brown fox jumps over the lazy dog, again and again and again.";
  const TextParams one{.font = "DejaVu Sans", .size = 20};
  const auto single = text::measure(s, one);
  for (int mw : {120, 200, 333}) {
    INFO("max_width " << mw);
    TextParams p = one;
    p.max_width = mw;
    const Rendered r = render(s, p);
    CHECK(r.w <= mw);
    CHECK(r.h % single.height == 0);
    const int lines = r.h / single.height;
    CHECK(lines >= (single.width + mw - 1) / mw);
    // Every line has ink and stays inside the box.
    for (int k = 0; k < lines; ++k) {
      const auto [l, rr] = ink_columns(r, k * single.height, (k + 1) * single.height);
      CHECK(l >= 0);
      CHECK(rr < mw);
    }
  }
  // A word wider than the line breaks between characters.
  const auto longword = text::measure("Supercalifragilistic", {.font = "DejaVu Sans", .size = 20, .max_width = 60});
  CHECK(longword.width <= 60);
  CHECK(longword.height > 2 * single.height);
  // Justify: wrapped lines reach the right edge; the box is max_width wide.
  const Rendered j = render(s, {.font = "DejaVu Sans", .size = 20, .align = TextAlign::justify, .max_width = 200});
  CHECK(j.w == 200);
  const auto [jl, jr] = ink_columns(j, 0, single.height);
  CHECK(jl < 5);
  CHECK(jr > 190);
  // Without wrapping, nothing changes.
  CHECK(text::measure(s, {.font = "DejaVu Sans", .size = 20, .max_width = 100000}).width == single.width);
}

TEST_CASE("text: markup keeps colours, bold, italic, sizes and entities", "[text]") {
  const Rendered r = render("<span color=\"#ff0000\">RR</span><span color='#00ff0080'>GG</span>",
                            {.font = "DejaVu Sans", .size = 30, .color = rgba(0, 0, 1, 1), .markup = true});
  int red = 0, green = 0, other = 0;
  for (const float4 q : r.px) {
    if (q.w <= 0.f) continue;
    if (q.x == 1.f && q.y == 0.f && q.z == 0.f)
      ++red;
    else if (q.x == 0.f && q.y == 1.f && q.z == 0.f && q.w <= 128.f / 255.f + 1e-6f)
      ++green;
    else
      ++other;
  }
  CHECK(red > 100);
  CHECK(green > 100);
  CHECK(other == 0);
  // Red glyphs on the left half, green on the right.
  for (int y = 0; y < r.h; ++y) {
    CHECK(r.at(r.w / 8, y).y == 0.f);
    CHECK(r.at(r.w - 1 - r.w / 8, y).x == 0.f);
  }
  // Entities decode; the same text without markup gives the same pixels.
  const Rendered e = render("a &lt;b&gt; &amp; c", {.font = "DejaVu Sans", .size = 20, .markup = true});
  const Rendered plain = render("a <b> & c", {.font = "DejaVu Sans", .size = 20});
  REQUIRE(e.w == plain.w);
  REQUIRE(e.h == plain.h);
  CHECK(test::max_abs_diff(e.px, plain.px) == 0.f);
  // Without markup, tags are text.
  CHECK(text::measure("<b>x</b>", {.font = "DejaVu Sans", .size = 20}).width >
        text::measure("x", {.font = "DejaVu Sans", .size = 20}).width * 4);
  // <b> picks the Bold face (wider, more ink), <i> the Oblique one, size= changes the size.
  const TextParams m{.font = "DejaVu Sans", .size = 30, .markup = true};
  CHECK(text::measure("<b>Hello</b>", m).width > text::measure("Hello", m).width);
  CHECK(ink_pixels(render("<b>Hello</b>", m)) > ink_pixels(render("Hello", m)) * 11 / 10);
  CHECK(text::measure("<b>Hello</b>", m).width == text::measure("Hello", {.font = "DejaVu Sans Bold", .size = 30}).width);
  const Rendered it = render("<i>I</i>", m), up = render("I", m);
  CHECK(test::max_abs_diff(it.px, up.px) > 0.5f);
  const auto big = text::measure("a<span size=\"60\">b</span>", m);
  CHECK(big.height == text::measure("b", {.font = "DejaVu Sans", .size = 60}).height);
}

TEST_CASE("text: fonts by name, style words and file path", "[text]") {
  const auto sans = render("Hag", {.font = "DejaVu Sans", .size = 24});
  const auto serif = render("Hag", {.font = "DejaVu Serif", .size = 24});
  const auto bold = render("Hag", {.font = "DejaVu Sans Bold", .size = 24});
  const auto file = render("Hag", {.font = dejavu, .size = 24});
  const auto generic = render("Hag", {.font = "Sans", .size = 24});
  CHECK((sans.w != serif.w || test::max_abs_diff(sans.px, serif.px) > 0.5f));
  CHECK(bold.w > sans.w);
  REQUIRE(file.w == sans.w);
  CHECK(test::max_abs_diff(file.px, sans.px) == 0.f);
  CHECK(generic.w > 0);
  CHECK(text::measure("Hag", {.font = dejavu + " 48"}).height == text::measure("Hag", {.font = "DejaVu Sans 48"}).height);
  // Right-to-left text shapes and renders (DejaVu Sans covers Hebrew).
  const Rendered rtl = render("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", {.font = "DejaVu Sans", .size = 24});
  CHECK(ink_pixels(rtl) > 50);
}

TEST_CASE("text: background, destination reuse and empty text", "[text]") {
  const float4 bg = rgba(0.2f, 0.3f, 0.4f, 1.f);
  const Rendered r = render("Hi", {.font = "DejaVu Sans", .size = 24, .color = rgba(1, 1, 1, 1), .bg_color = bg});
  CHECK(r.at(0, 0).x == bg.x);
  CHECK(r.at(0, 0).w == 1.f);
  bool opaque = std::all_of(r.px.begin(), r.px.end(), [](float4 q) { return q.w == 1.f; });
  CHECK(opaque);
  float maxr = 0.f;
  for (const float4 q : r.px) maxr = std::max(maxr, q.x);
  CHECK(maxr > 0.99f);
  // Into a bigger destination: logical size set to the text's.
  ImageF32 dst(500, 200, cpu);
  text::create("Hi", dst, {.font = "DejaVu Sans", .size = 24});
  CHECK(dst.width() == r.w);
  CHECK(dst.height() == r.h);
  // Empty text: one empty line, 1 px wide.
  const auto e = text::measure("", {.font = "DejaVu Sans", .size = 24});
  CHECK(e.width == 1);
  CHECK(e.height == r.h);
}

TEST_CASE("text: concurrent calls from several threads agree", "[text]") {
  const Rendered ref = render("Thread safe 123", {.font = "DejaVu Sans", .size = 22});
  std::vector<float> diff(4, -1.f);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      float d = 0.f;
      for (int k = 0; k < 5; ++k) {
        ImageF32 img(ref.w, ref.h, cpu);
        // Other sizes in between force new glyphs into the shared atlas.
        text::measure("xyz", {.font = "DejaVu Sans", .size = float(10 + t * 5 + k)});
        text::create("Thread safe 123", img, {.font = "DejaVu Sans", .size = 22});
        d = std::max(d, test::max_abs_diff(io::download(img), ref.px));
      }
      diff[std::size_t(t)] = d;
    });
  for (auto& th : ts) th.join();
  for (float d : diff) CHECK(d == 0.f);
}

TEST_CASE("text: errors", "[text]") {
  using E = ErrorCode;
  const TextParams ok{.font = "DejaVu Sans", .size = 20};
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.font = "No Such Family Xyzzy 20"}), E::invalid_argument,
                          "font 'No Such Family Xyzzy 20' not found");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.font = "/nonexistent/dir/font.ttf"}), E::io, "cannot read font file");
  const auto junk = std::filesystem::temp_directory_path() / "imagecuda_text_junk.ttf";
  { std::ofstream(junk) << "this is not a font"; }
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.font = junk.string()}), E::io, "cannot read font file");
  std::filesystem::remove(junk);
  REQUIRE_IMAGECUDA_ERROR(text::measure("ab\xff" "c", ok), E::invalid_argument, "not valid UTF-8 at byte 2");
  REQUIRE_IMAGECUDA_ERROR(text::measure("a\xC0\x80", ok), E::invalid_argument, "at byte 1");      // overlong
  REQUIRE_IMAGECUDA_ERROR(text::measure("\xED\xA0\x80", ok), E::invalid_argument, "at byte 0");   // surrogate
  REQUIRE_IMAGECUDA_ERROR(text::measure("abc\xE2\x82", ok), E::invalid_argument, "at byte 3");    // truncated
  TextParams m = ok;
  m.markup = true;
  REQUIRE_IMAGECUDA_ERROR(text::measure("<b>bold", m), E::invalid_argument, "<b> at byte 0 is never closed");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x<u>y</u>", m), E::invalid_argument, "unknown tag <u> at byte 1");
  REQUIRE_IMAGECUDA_ERROR(text::measure("a & b", m), E::invalid_argument, "'&' at byte 2");
  REQUIRE_IMAGECUDA_ERROR(text::measure("a &nbsp; b", m), E::invalid_argument, "unknown entity '&nbsp;' at byte 2");
  REQUIRE_IMAGECUDA_ERROR(text::measure("ab</i>", m), E::invalid_argument, "</i> at byte 2 has no opening tag");
  REQUIRE_IMAGECUDA_ERROR(text::measure("<b><i>x</b></i>", m), E::invalid_argument,
                          "</b> at byte 7 does not match <i> at byte 3");
  REQUIRE_IMAGECUDA_ERROR(text::measure("a <b", m), E::invalid_argument, "tag at byte 2 is not closed");
  REQUIRE_IMAGECUDA_ERROR(text::measure("<span color=\"red\">x</span>", m), E::invalid_argument,
                          "color must be #rrggbb or #rrggbbaa, got 'red' at byte 6");
  REQUIRE_IMAGECUDA_ERROR(text::measure("<span size=\"0\">x</span>", m), E::invalid_argument, "size must be a number > 0");
  REQUIRE_IMAGECUDA_ERROR(text::measure("<span weight=\"bold\">x</span>", m), E::invalid_argument,
                          "unknown attribute 'weight'");
  REQUIRE_IMAGECUDA_ERROR(text::measure("<span color=#fff>x</span>", m), E::invalid_argument, "malformed attribute");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.size = 0.f}), E::invalid_argument, "size must be > 0, got 0");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.size = -3.f}), E::invalid_argument, "size must be > 0, got -3");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.size = NAN}), E::invalid_argument, "size must be finite");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.font = "DejaVu Sans 0"}), E::invalid_argument, "must be > 0");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.color = rgba(NAN, 0, 0, 1)}), E::invalid_argument, "color must be finite");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.max_width = -1}), E::invalid_argument, "max_width must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.letter_spacing = INFINITY}), E::invalid_argument,
                          "letter_spacing must be finite");
  REQUIRE_IMAGECUDA_ERROR(text::measure("x", {.align = TextAlign(9)}), E::invalid_argument, "align must be");
  REQUIRE_IMAGECUDA_ERROR(text::measure(std::string(3000, 'W'), {.size = 100}), E::invalid_argument, "more than 32768");
  // A destination too small is left untouched.
  ImageF32 small(4, 4, cpu);
  REQUIRE_IMAGECUDA_ERROR(text::create("Hello", small, ok), E::invalid_argument, "capacity");
  CHECK(small.width() == 4);
  ImageF32 freed(4, 4, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(text::create("Hello", freed, ok), E::freed, "dst was freed");
}

#endif  // IMAGECUDA_HAS_TEXT
