// SPDX-License-Identifier: MIT
// text_gallery: text::create with fontconfig names, markup colours, alignment, tracking, word
// wrapping with justify, and a button-style label (text over a rounded rectangle with a shadow).
// Writes text_<name>.png. Usage: text_gallery [output-directory]
#include <cstdio>
#include <filesystem>
#include <imagecuda/imagecuda.hpp>
#include <string>

namespace ic = imagecuda;

#if defined(IMAGECUDA_HAS_TEXT)
namespace text = imagecuda::text;
namespace blend = imagecuda::blend;

namespace {
void save(const ic::ImageF32& img, const std::filesystem::path& dir, const std::string& name) {
  ic::io::save(img, dir / ("text_" + name + ".png"));
  std::printf("wrote %s\n", (dir / ("text_" + name + ".png")).string().c_str());
}

/// A w x h backdrop with `label` centred on it.
ic::ImageF32 card(int w, int h, float4 bg, const ic::ImageF32& label) {
  ic::ImageF32 out(w, h);
  ic::fill::color(out, bg);
  blend::normal(out, label, {.anchor = blend::Anchor::center});
  return out;
}
}  // namespace

int main(int argc, char** argv) try {
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  std::filesystem::create_directories(dir);
  const float4 paper = ic::rgba(0.97f, 0.96f, 0.92f, 1.f);

  // basic: a fontconfig name with style and size.
  save(card(320, 120, paper, text::create("Hello, imagecuda", {.font = "DejaVu Sans Bold 30",
                                                              .color = ic::hex("#1d3557")})),
       dir, "basic");

  // markup: colours, bold, italic and sizes are kept.
  save(card(320, 120, paper,
            text::create("<span color=\"#e63946\">Red</span>, <span color=\"#2a9d8f\"><b>teal</b></span> and "
                         "<i>slanted</i>\n<span size=\"34\" color=\"#f4a261\">big orange</span> &amp; &lt;tags&gt;",
                         {.font = "DejaVu Sans", .size = 22, .color = ic::hex("#264653"), .align = text::TextAlign::center,
                          .markup = true})),
       dir, "markup");

  // alignment: the same three lines left, centred and right.
  {
    ic::ImageF32 out(320, 200);
    ic::fill::color(out, paper);
    const std::string s = "left aligned lines\nshort\na middle one";
    const text::TextAlign aligns[] = {text::TextAlign::left, text::TextAlign::center, text::TextAlign::right};
    const blend::Anchor anchors[] = {blend::Anchor::top_left, blend::Anchor::center, blend::Anchor::bottom_right};
    const char* colours[] = {"#e63946", "#2a9d8f", "#1d3557"};
    for (int i = 0; i < 3; ++i) {
      const ic::ImageF32 t = text::create(s, {.font = "DejaVu Sans", .size = 16, .color = ic::hex(colours[i]),
                                              .align = aligns[i]});
      blend::normal(out, t, {.anchor = anchors[i], .offset_x = i == 0 ? 8 : i == 2 ? -8 : 0,
                             .offset_y = i == 0 ? 8 : i == 2 ? -8 : 0});
    }
    save(out, dir, "alignment");
  }

  // tracking: letter_spacing 0, 4, 10 px.
  {
    ic::ImageF32 out(320, 150);
    ic::fill::color(out, paper);
    for (int i = 0; i < 3; ++i) {
      const float ls = i == 0 ? 0.f : i == 1 ? 4.f : 10.f;
      const ic::ImageF32 t = text::create("TRACKING", {.font = "DejaVu Sans Bold 22", .color = ic::hex("#264653"),
                                                       .letter_spacing = ls});
      blend::normal(out, t, {.anchor = blend::Anchor::top_center, .offset_y = 12 + 45 * i});
    }
    save(out, dir, "tracking");
  }

  // wrap: max_width with justify (the reference cannot wrap).
  save(card(320, 200, paper,
            text::create("Word wrapping at a maximum width, with justified lines: every line but the last "
                         "is stretched to the full width by widening its spaces.",
                         {.font = "DejaVu Serif", .size = 15, .color = ic::hex("#1d3557"),
                          .align = text::TextAlign::justify, .max_width = 280})),
       dir, "wrap");

  // button: a rounded rectangle (fill + effect::rounded_corners), a drop shadow, a label.
  {
    ic::ImageF32 out(320, 140);
    ic::fill::color(out, paper);
    ic::ImageF32 button(220, 64);
    ic::fill::gradient(button, ic::hex("#4f7cff"), ic::hex("#2747c9"), {.direction = ic::fill::GradientDirection::vertical});
    ic::effect::rounded_corners(button, 18.f);
    const ic::ImageF32 label = text::create("Get started", {.font = "DejaVu Sans Bold 24", .color = ic::rgba(1, 1, 1, 1)});
    blend::normal(button, label, {.anchor = blend::Anchor::center, .offset_y = -1});
    ic::ImageF32 shadowed = ic::effect::drop_shadow(button, {.offset_x = 0, .offset_y = 6, .blur = 14,
                                                             .color = ic::rgba(0.1f, 0.15f, 0.4f, 0.45f)});
    blend::normal(out, shadowed, {.anchor = blend::Anchor::center, .offset_y = 3});
    save(out, dir, "button");
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "text_gallery: %s\n", e.what());
  return 1;
}
#else
int main() {
  std::printf("text_gallery: imagecuda was built without the text component\n");
  return 0;
}
#endif
