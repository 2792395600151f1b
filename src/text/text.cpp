// SPDX-License-Identifier: MIT
/// @file text.cpp  text::create / text::measure: UTF-8 and markup parsing, fontconfig name
/// resolution, HarfBuzz shaping, line breaking and alignment, FreeType rasterisation into a glyph
/// atlas (host bytes mirrored into a device buffer per GPU), and the per-call quad list that the
/// compositing functor of detail/text.hpp draws.
///
/// Thread safety: one process-wide mutex guards the font, glyph and atlas caches; it is held for
/// a whole call (layout, atlas upload and the launch), so an atlas buffer is never freed while a
/// launch that reads it is being enqueued (cudaFree waits for kernels already queued).
#include <ft2build.h>
#include FT_FREETYPE_H
#include <cuda_runtime.h>
#include <fontconfig/fontconfig.h>
#include <hb-ft.h>
#include <hb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "imagecuda/detail/cuda_check.hpp"
#include "imagecuda/detail/text.hpp"
#include "imagecuda/text.hpp"

namespace imagecuda::text::detail {
namespace {

using imagecuda::detail::expects;
using imagecuda::detail::fail;
using imagecuda::detail::GlyphQuad;

// ---------------------------------------------------------------------------------------------
// UTF-8

/// Byte offset of the first invalid sequence, or npos (rejects overlongs, surrogates, > U+10FFFF).
std::size_t utf8_error(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len = 0;
    unsigned cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > n) return i;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// Markup

struct Style {
  bool bold = false;
  bool italic = false;
  float size = 12.f;
  float4 color{};
  bool operator==(const Style& o) const {
    return bold == o.bold && italic == o.italic && size == o.size && color.x == o.color.x && color.y == o.color.y &&
           color.z == o.color.z && color.w == o.color.w;
  }
};

struct Run {
  std::size_t begin, end;  ///< byte range in the plain text
  Style style;
};

struct Styled {
  std::string text;
  std::vector<Run> runs;
};

void append(Styled& s, std::string_view chars, const Style& st) {
  if (chars.empty()) return;
  const std::size_t b = s.text.size();
  s.text.append(chars);
  if (!s.runs.empty() && s.runs.back().end == b && s.runs.back().style == st)
    s.runs.back().end = s.text.size();
  else
    s.runs.push_back({b, s.text.size(), st});
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool parse_color(std::string_view v, float4& out) {
  if (!v.empty() && v.front() == '#') v.remove_prefix(1);
  if (v.size() != 6 && v.size() != 8) return false;
  float c[4] = {0, 0, 0, 1};
  for (std::size_t i = 0; i < v.size() / 2; ++i) {
    const int hi = hex_digit(v[2 * i]), lo = hex_digit(v[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    c[i] = float(hi * 16 + lo) / 255.f;
  }
  out = float4{c[0], c[1], c[2], c[3]};
  return true;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Styled parse_markup(std::string_view in, const Style& base) {
  constexpr const char* op = "text::create";
  Styled out;
  struct Open {
    std::string name;
    std::size_t at;
    Style saved;
  };
  std::vector<Open> stack;
  Style cur = base;
  std::size_t i = 0, text_start = 0;
  auto flush = [&](std::size_t upto) { append(out, in.substr(text_start, upto - text_start), cur); };
  while (i < in.size()) {
    const char c = in[i];
    if (c == '&') {
      flush(i);
      const std::size_t semi = in.find(';', i);
      expects(semi != std::string_view::npos && semi - i <= 6, ErrorCode::invalid_argument,
              "{}: markup: '&' at byte {} starts no entity (write &amp;)", op, i);
      const std::string_view name = in.substr(i + 1, semi - i - 1);
      const char* rep = name == "lt" ? "<" : name == "gt" ? ">" : name == "amp" ? "&" : name == "quot" ? "\"" : name == "apos" ? "'" : nullptr;
      expects(rep != nullptr, ErrorCode::invalid_argument, "{}: markup: unknown entity '&{};' at byte {}", op, name, i);
      append(out, rep, cur);
      i = semi + 1;
      text_start = i;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    flush(i);
    const std::size_t close = in.find('>', i);
    expects(close != std::string_view::npos, ErrorCode::invalid_argument, "{}: markup: tag at byte {} is not closed by '>'",
            op, i);
    std::string_view tag = in.substr(i + 1, close - i - 1);
    if (!tag.empty() && tag.front() == '/') {
      std::string_view name = tag.substr(1);
      while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
      expects(!stack.empty(), ErrorCode::invalid_argument, "{}: markup: closing tag </{}> at byte {} has no opening tag",
              op, name, i);
      expects(stack.back().name == name, ErrorCode::invalid_argument,
              "{}: markup: closing tag </{}> at byte {} does not match <{}> at byte {}", op, name, i, stack.back().name,
              stack.back().at);
      cur = stack.back().saved;
      stack.pop_back();
    } else {
      std::size_t k = 0;
      while (k < tag.size() && std::isalpha(static_cast<unsigned char>(tag[k]))) ++k;
      const std::string name(tag.substr(0, k));
      Open o{name, i, cur};
      if (name == "b") {
        cur.bold = true;
      } else if (name == "i") {
        cur.italic = true;
      } else if (name != "span") {
        fail(ErrorCode::invalid_argument, "{}: markup: unknown tag <{}> at byte {} (known: b, i, span)", op, name, i);
      }
      // Attributes: name="value" or name='value'.
      std::string_view rest = tag.substr(k);
      for (;;) {
        while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
        if (rest.empty()) break;
        const std::size_t at = close - rest.size();  // byte offset of this attribute in the input
        const std::size_t eq = rest.find('=');
        expects(name == "span" && eq != std::string_view::npos && eq + 1 < rest.size() &&
                    (rest[eq + 1] == '"' || rest[eq + 1] == '\''),
                ErrorCode::invalid_argument, "{}: markup: malformed attribute in <{}> at byte {}", op, name, at);
        std::string_view an = rest.substr(0, eq);
        while (!an.empty() && is_space(an.back())) an.remove_suffix(1);
        const char q = rest[eq + 1];
        const std::size_t end = rest.find(q, eq + 2);
        expects(end != std::string_view::npos, ErrorCode::invalid_argument,
                "{}: markup: unterminated attribute value at byte {}", op, at);
        const std::string_view val = rest.substr(eq + 2, end - eq - 2);
        if (an == "color" || an == "foreground" || an == "fgcolor") {
          expects(parse_color(val, cur.color), ErrorCode::invalid_argument,
                  "{}: markup: color must be #rrggbb or #rrggbbaa, got '{}' at byte {}", op, val, at);
        } else if (an == "size") {
          std::string sv(val);
          if (sv.size() > 2 && (sv.ends_with("px") || sv.ends_with("pt"))) sv.resize(sv.size() - 2);
          char* e = nullptr;
          const float s = std::strtof(sv.c_str(), &e);
          expects(!sv.empty() && e == sv.c_str() + sv.size() && std::isfinite(s) && s > 0.f,
                  ErrorCode::invalid_argument, "{}: markup: size must be a number > 0, got '{}' at byte {}", op, val,
                  at);
          cur.size = s;
        } else {
          fail(ErrorCode::invalid_argument, "{}: markup: unknown attribute '{}' at byte {} (known: color, size)", op, an,
               at);
        }
        rest = rest.substr(end + 1);
      }
      stack.push_back(std::move(o));
    }
    i = close + 1;
    text_start = i;
  }
  flush(in.size());
  expects(stack.empty(), ErrorCode::invalid_argument, "{}: markup: <{}> at byte {} is never closed", op,
          stack.empty() ? std::string() : stack.back().name, stack.empty() ? 0 : stack.back().at);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Font names

struct FontSpec {
  std::string family;  ///< fontconfig family (empty for a file)
  std::string path;    ///< font file (empty for a family)
  int weight = FC_WEIGHT_REGULAR;
  int slant = FC_SLANT_ROMAN;
  int width = -1;
  float size = 0.f;  ///< from the name; 0 if none
};

std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = char(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool looks_like_path(std::string_view s) {
  const std::string l = lower(s);
  return s.find('/') != std::string_view::npos || l.ends_with(".ttf") || l.ends_with(".otf") ||
         l.ends_with(".ttc") || l.ends_with(".otc") || l.ends_with(".pfb") || l.ends_with(".woff") ||
         l.ends_with(".woff2");
}

FontSpec parse_font_name(std::string_view name) {
  FontSpec f;
  std::string s(name);
  auto trim = [](std::string& t) {
    while (!t.empty() && is_space(t.back())) t.pop_back();
    std::size_t b = 0;
    while (b < t.size() && is_space(t[b])) ++b;
    t.erase(0, b);
  };
  trim(s);
  // A trailing number is the size.
  const std::size_t sp = s.find_last_of(" \t");
  if (sp != std::string::npos) {
    const std::string last = s.substr(sp + 1);
    char* e = nullptr;
    const float v = std::strtof(last.c_str(), &e);
    if (!last.empty() && e == last.c_str() + last.size()) {
      expects(std::isfinite(v) && v > 0.f, ErrorCode::invalid_argument, "text::create: size in font '{}' must be > 0, got {}",
              name, last);
      f.size = v;
      s.resize(sp);
      trim(s);
    }
  }
  if (looks_like_path(s)) {
    f.path = s;
    return f;
  }
  // Style words at the end (Pango's description syntax).
  static const std::map<std::string, std::pair<int, int>> words = {
      // {kind: 0 weight, 1 slant, 2 width, 3 ignore}, value
      {"bold", {0, FC_WEIGHT_BOLD}},           {"semi-bold", {0, FC_WEIGHT_DEMIBOLD}},
      {"semibold", {0, FC_WEIGHT_DEMIBOLD}},   {"demibold", {0, FC_WEIGHT_DEMIBOLD}},
      {"ultra-bold", {0, FC_WEIGHT_EXTRABOLD}}, {"extrabold", {0, FC_WEIGHT_EXTRABOLD}},
      {"heavy", {0, FC_WEIGHT_HEAVY}},         {"black", {0, FC_WEIGHT_BLACK}},
      {"light", {0, FC_WEIGHT_LIGHT}},         {"ultra-light", {0, FC_WEIGHT_EXTRALIGHT}},
      {"extralight", {0, FC_WEIGHT_EXTRALIGHT}}, {"thin", {0, FC_WEIGHT_THIN}},
      {"medium", {0, FC_WEIGHT_MEDIUM}},       {"book", {0, FC_WEIGHT_BOOK}},
      {"italic", {1, FC_SLANT_ITALIC}},        {"oblique", {1, FC_SLANT_OBLIQUE}},
      {"condensed", {2, FC_WIDTH_CONDENSED}},  {"expanded", {2, FC_WIDTH_EXPANDED}},
      {"regular", {3, 0}},                     {"normal", {3, 0}},
      {"roman", {3, 0}},
  };
  for (;;) {
    const std::size_t p = s.find_last_of(" \t");
    if (p == std::string::npos) break;
    const auto it = words.find(lower(s.substr(p + 1)));
    if (it == words.end()) break;
    if (it->second.first == 0) f.weight = it->second.second;
    if (it->second.first == 1) f.slant = it->second.second;
    if (it->second.first == 2) f.width = it->second.second;
    s.resize(p);
    trim(s);
  }
  expects(!s.empty(), ErrorCode::invalid_argument, "text::create: font '{}' names no family", name);
  f.family = s;
  return f;
}

bool is_generic(const std::string& fam) {
  static const char* generic[] = {"sans", "sans-serif", "serif", "monospace", "mono", "system-ui", "cursive", "fantasy", "emoji", "math"};
  const std::string l = lower(fam);
  return std::any_of(std::begin(generic), std::end(generic), [&](const char* g) { return l == g; });
}

// ---------------------------------------------------------------------------------------------
// Caches

struct GlyphEntry {
  int left = 0, top = 0, w = 0, h = 0;
  unsigned offset = 0;
};

struct SizedFont {
  FT_Face face = nullptr;
  hb_font_t* hb = nullptr;
  float ascender = 0, descender = 0;  ///< px, both >= 0 (descender measured downwards)
  std::unordered_map<unsigned, GlyphEntry> glyphs;
};

struct FaceFile {
  std::string path;
  int index = 0;
  bool operator<(const FaceFile& o) const { return std::tie(path, index) < std::tie(o.path, o.index); }
};

struct DeviceAtlas {
  unsigned char* data = nullptr;
  std::size_t capacity = 0, uploaded = 0;
  void* staging = nullptr;  ///< pinned host buffer for the per-call quad lists
  std::size_t staging_capacity = 0;
  cudaEvent_t staging_done = nullptr;
};

struct Cache {
  std::mutex mutex;
  FT_Library ft = nullptr;
  bool fc_ready = false;
  std::map<std::string, FaceFile> resolved;               // (family|weight|slant|width) -> file
  std::map<std::pair<FaceFile, long>, std::unique_ptr<SizedFont>> fonts;  // (file, size 26.6)
  std::vector<unsigned char> atlas;                        // glyph coverage bytes
  std::unordered_map<int, DeviceAtlas> device;             // per CUDA device
  hb_buffer_t* buffer = nullptr;
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: FreeType/CUDA teardown order at exit is not ours
  return *c;
}

/// Past this many atlas bytes the glyph caches are dropped and rebuilt on demand.
constexpr std::size_t atlas_limit = std::size_t(64) << 20;

FT_Library library(Cache& c) {
  if (c.ft == nullptr) {
    const FT_Error e = FT_Init_FreeType(&c.ft);
    expects(e == 0, ErrorCode::unsupported, "text::create: FreeType failed to initialise (error {})", int(e));
  }
  return c.ft;
}

FaceFile resolve(Cache& c, const std::string& family, int weight, int slant, int width, std::string_view shown) {
  const std::string key = family + "|" + std::to_string(weight) + "|" + std::to_string(slant) + "|" + std::to_string(width);
  if (auto it = c.resolved.find(key); it != c.resolved.end()) return it->second;
  if (!c.fc_ready) {
    expects(FcInit() == FcTrue, ErrorCode::unsupported, "text::create: fontconfig failed to initialise");
    c.fc_ready = true;
    std::atexit([] { FcFini(); });  // fontconfig's own caches (LeakSanitizer reports them otherwise)
  }
  FcPattern* pat = FcPatternCreate();
  FcPatternAddString(pat, FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcPatternAddInteger(pat, FC_WEIGHT, weight);
  FcPatternAddInteger(pat, FC_SLANT, slant);
  if (width >= 0) FcPatternAddInteger(pat, FC_WIDTH, width);
  FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
  FcConfigSubstitute(nullptr, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult r = FcResultNoMatch;
  FcPattern* m = FcFontMatch(nullptr, pat, &r);
  FcPatternDestroy(pat);
  expects(m != nullptr, ErrorCode::invalid_argument, "text::create: font '{}' not found (fontconfig has no fonts)", shown);
  FcChar8* file = nullptr;
  int index = 0;
  FcPatternGetString(m, FC_FILE, 0, &file);
  FcPatternGetInteger(m, FC_INDEX, 0, &index);
  // fontconfig never fails: it substitutes silently. The family must match what was asked for.
  bool same = is_generic(family);
  std::string matched;
  FcChar8* fam = nullptr;
  for (int k = 0; FcPatternGetString(m, FC_FAMILY, k, &fam) == FcResultMatch; ++k) {
    const std::string fs = reinterpret_cast<const char*>(fam);
    if (k == 0) matched = fs;
    if (lower(fs) == lower(family)) same = true;
  }
  const std::string path = file != nullptr ? reinterpret_cast<const char*>(file) : "";
  FcPatternDestroy(m);
  expects(!path.empty(), ErrorCode::invalid_argument, "text::create: font '{}' not found", shown);
  expects(same, ErrorCode::invalid_argument, "text::create: font '{}' not found (family '{}' is not installed; fontconfig would substitute '{}')",
          shown, family, matched);
  FaceFile ff{path, index};
  c.resolved.emplace(key, ff);
  return ff;
}

SizedFont& sized_font(Cache& c, const FaceFile& file, float size) {
  const long s26 = std::lround(double(size) * 64.0);
  const auto key = std::make_pair(file, s26);
  if (auto it = c.fonts.find(key); it != c.fonts.end()) return *it->second;
  auto f = std::make_unique<SizedFont>();
  std::error_code ec;
  expects(std::filesystem::is_regular_file(file.path, ec), ErrorCode::io, "text::create: cannot read font file '{}'",
          file.path);
  FT_Error e = FT_New_Face(library(c), file.path.c_str(), file.index, &f->face);
  expects(e == 0, ErrorCode::io, "text::create: cannot read font file '{}' (FreeType error {}: not a font?)", file.path,
          int(e));
  e = FT_Set_Char_Size(f->face, 0, FT_F26Dot6(std::max(1L, s26)), 72, 72);
  if (e != 0) {
    FT_Done_Face(f->face);
    fail(ErrorCode::unsupported, "text::create: font file '{}' cannot be scaled to {} px (FreeType error {})", file.path,
         size, int(e));
  }
  f->hb = hb_ft_font_create_referenced(f->face);
  hb_ft_font_set_load_flags(f->hb, FT_LOAD_NO_HINTING);
  f->ascender = std::ceil(float(f->face->size->metrics.ascender) / 64.f);
  f->descender = std::ceil(float(-f->face->size->metrics.descender) / 64.f);
  FT_Done_Face(f->face);  // hb font holds a reference
  SizedFont& ref = *f;
  c.fonts.emplace(key, std::move(f));
  return ref;
}

const GlyphEntry& glyph(Cache& c, SizedFont& f, unsigned gid) {
  if (auto it = f.glyphs.find(gid); it != f.glyphs.end()) return it->second;
  GlyphEntry g;
  if (FT_Load_Glyph(f.face, gid, FT_LOAD_NO_HINTING | FT_LOAD_RENDER) == 0) {
    const FT_Bitmap& bm = f.face->glyph->bitmap;
    if ((bm.pixel_mode == FT_PIXEL_MODE_GRAY || bm.pixel_mode == FT_PIXEL_MODE_MONO) && bm.width > 0 && bm.rows > 0) {
      g.left = f.face->glyph->bitmap_left;
      g.top = f.face->glyph->bitmap_top;
      g.w = int(bm.width);
      g.h = int(bm.rows);
      g.offset = unsigned(c.atlas.size());
      c.atlas.resize(c.atlas.size() + std::size_t(g.w) * g.h);
      unsigned char* dst = c.atlas.data() + g.offset;
      for (int y = 0; y < g.h; ++y) {
        const unsigned char* row = bm.buffer + std::ptrdiff_t(y) * bm.pitch;
        for (int x = 0; x < g.w; ++x)
          dst[y * g.w + x] = bm.pixel_mode == FT_PIXEL_MODE_GRAY
                                 ? row[x]
                                 : ((row[x >> 3] >> (7 - (x & 7))) & 1) != 0 ? 255 : 0;
      }
    }
  }
  return f.glyphs.emplace(gid, g).first->second;
}

// ---------------------------------------------------------------------------------------------
// Layout

struct Shaped {  // one glyph, logical order
  SizedFont* font;
  unsigned gid;
  float adv, xoff, yoff;
  float4 color;
};

struct Cluster {
  int first, count;  // glyph range
  float adv;
  bool space;
  bool rtl;
  float asc, desc;
};

struct Line {
  int first, last;  // cluster range [first, last)
  float width;
  bool justify;     // stretch spaces (wrapped line, not the paragraph's last)
  float asc, desc;
};

struct Layout {
  int width = 1, height = 1;
  std::vector<GlyphQuad> quads;
};

struct Fonts {
  FaceFile regular, bold, italic, bold_italic;
  FontSpec spec;
};

Fonts resolve_fonts(Cache& c, const TextParams& p, float& size) {
  Fonts f;
  f.spec = parse_font_name(p.font);
  if (f.spec.size > 0.f) size = f.spec.size;
  if (!f.spec.path.empty()) {
    f.regular = FaceFile{f.spec.path, 0};
    SizedFont& sf = sized_font(c, f.regular, size);  // checks the file
    f.bold = f.italic = f.bold_italic = f.regular;
    // <b>/<i> with a font file: the same family's faces through fontconfig, when installed.
    const char* fam = sf.face->family_name;
    if (fam != nullptr && p.markup) {
      auto try_resolve = [&](int w, int s) {
        try {
          return resolve(c, fam, w, s, -1, fam);
        } catch (const Error&) {
          return f.regular;
        }
      };
      f.bold = try_resolve(FC_WEIGHT_BOLD, FC_SLANT_ROMAN);
      f.italic = try_resolve(FC_WEIGHT_REGULAR, FC_SLANT_ITALIC);
      f.bold_italic = try_resolve(FC_WEIGHT_BOLD, FC_SLANT_ITALIC);
    }
    return f;
  }
  const FontSpec& s = f.spec;
  f.regular = resolve(c, s.family, s.weight, s.slant, s.width, p.font);
  f.bold = f.italic = f.bold_italic = f.regular;
  if (p.markup) {
    const int bw = std::max(s.weight, int(FC_WEIGHT_BOLD));
    const int is = s.slant == FC_SLANT_ROMAN ? FC_SLANT_ITALIC : s.slant;
    f.bold = resolve(c, s.family, bw, s.slant, s.width, p.font);
    f.italic = resolve(c, s.family, s.weight, is, s.width, p.font);
    f.bold_italic = resolve(c, s.family, bw, is, s.width, p.font);
  }
  return f;
}

/// Shapes, breaks and places the text; with `render`, also rasterises glyphs and lists quads.
Layout layout(Cache& c, std::string_view utf8, const TextParams& p, bool render, const char* op) {
  if (const std::size_t bad = utf8_error(utf8); bad != std::string_view::npos)
    fail(ErrorCode::invalid_argument, "{}: text is not valid UTF-8 at byte {}", op, bad);
  if (c.atlas.size() > atlas_limit) {  // drop every glyph; the device copies restart too
    for (auto& [k, f] : c.fonts) f->glyphs.clear();
    c.atlas.clear();
    for (auto& [dev, a] : c.device) {  // cudaFree waits for kernels still reading the old bytes
      if (a.data != nullptr) {
        imagecuda::detail::DeviceGuard guard(Device::cuda(dev));
        IMAGECUDA_CUDA_TRY(cudaFree(a.data), op);
      }
      a.data = nullptr;
      a.capacity = a.uploaded = 0;
    }
  }
  float size = p.size;
  const Fonts fonts = resolve_fonts(c, p, size);
  Style base;
  base.size = size;
  base.color = p.color;
  Styled st;
  if (p.markup)
    st = parse_markup(utf8, base);
  else
    append(st, utf8, base);

  if (c.buffer == nullptr) c.buffer = hb_buffer_create();
  hb_buffer_t* buf = c.buffer;
  hb_feature_t features[2];
  unsigned n_features = 0;
  if (p.letter_spacing != 0.f) {  // as Pango: no ligatures when letters are spaced out
    hb_feature_from_string("liga=0", -1, &features[n_features++]);
    hb_feature_from_string("clig=0", -1, &features[n_features++]);
  }
  SizedFont& base_font = sized_font(c, fonts.regular, size);

  const float ls = p.letter_spacing;
  const float maxw = float(p.max_width);
  std::vector<Shaped> glyphs;
  std::vector<Cluster> clusters;
  std::vector<Line> lines;
  const std::string& text = st.text;

  std::size_t pb = 0;
  while (pb <= text.size()) {
    std::size_t pe = text.find('\n', pb);
    if (pe == std::string::npos) pe = text.size();
    const int c0 = int(clusters.size());
    for (const Run& r : st.runs) {
      std::size_t b = std::max(r.begin, pb), e = std::min(r.end, pe);
      if (b >= e) continue;
      if (text[e - 1] == '\r') --e;
      if (b >= e) continue;
      const FaceFile& ff = r.style.bold && r.style.italic ? fonts.bold_italic
                           : r.style.bold                 ? fonts.bold
                           : r.style.italic               ? fonts.italic
                                                          : fonts.regular;
      SizedFont& sf = sized_font(c, ff, r.style.size);
      hb_buffer_clear_contents(buf);
      hb_buffer_add_utf8(buf, text.data(), int(text.size()), unsigned(b), int(e - b));
      hb_buffer_guess_segment_properties(buf);
      const bool rtl = HB_DIRECTION_IS_BACKWARD(hb_buffer_get_direction(buf));
      hb_shape(sf.hb, buf, n_features > 0 ? features : nullptr, n_features);
      unsigned n = 0;
      const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buf, &n);
      const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buf, nullptr);
      std::vector<unsigned> order(n);
      for (unsigned k = 0; k < n; ++k) order[k] = rtl ? n - 1 - k : k;  // logical order
      for (unsigned k = 0; k < n; ++k) {
        const unsigned g = order[k];
        const bool new_cluster = k == 0 || info[g].cluster != info[order[k - 1]].cluster;
        if (new_cluster) {
          const char ch = text[info[g].cluster];
          clusters.push_back({int(glyphs.size()), 0, 0.f, ch == ' ' || ch == '\t', rtl, sf.ascender, sf.descender});
        }
        Cluster& cl = clusters.back();
        cl.count++;
        cl.adv += float(pos[g].x_advance) / 64.f;
        glyphs.push_back({&sf, info[g].codepoint, float(pos[g].x_advance) / 64.f, float(pos[g].x_offset) / 64.f,
                          float(pos[g].y_offset) / 64.f, r.style.color});
      }
    }
    const int c1 = int(clusters.size());
    // Break the paragraph [c0, c1) into lines.
    // prefix[k - c0] = sum of the advances of clusters [c0, k) (double: long lines stay exact).
    std::vector<double> prefix(std::size_t(c1 - c0) + 1, 0.0);
    for (int k = c0; k < c1; ++k) prefix[std::size_t(k - c0 + 1)] = prefix[std::size_t(k - c0)] + clusters[std::size_t(k)].adv;
    auto width_of = [&](int a, int b) {
      if (b <= a) return 0.f;
      return float(prefix[std::size_t(b - c0)] - prefix[std::size_t(a - c0)]) + ls * float(b - a - 1);
    };
    auto content_end = [&](int a, int b) {
      while (b > a && clusters[std::size_t(b - 1)].space) --b;
      return b;
    };
    auto push_line = [&](int a, int b, bool justify) {
      Line l{a, b, width_of(a, b), justify, 0.f, 0.f};
      for (int k = a; k < b; ++k) {
        l.asc = std::max(l.asc, clusters[std::size_t(k)].asc);
        l.desc = std::max(l.desc, clusters[std::size_t(k)].desc);
      }
      if (b == a) {
        l.asc = base_font.ascender;
        l.desc = base_font.descender;
      }
      lines.push_back(l);
    };
    if (p.max_width <= 0) {
      push_line(c0, c1, false);
    } else {
      int s = c0;
      bool first = true;
      while (s < c1 || first) {
        first = false;
        if (s >= c1) {
          push_line(s, s, false);
          break;
        }
        int brk = -1;  // a space cluster index where the line may end
        int e = c1;
        bool wrapped = false;
        for (int j = s; j < c1; ++j) {
          if (clusters[std::size_t(j)].space) {
            if (j > s && !clusters[std::size_t(j - 1)].space) brk = j;
            continue;
          }
          if (width_of(s, j + 1) > maxw) {
            wrapped = true;
            if (brk > s)
              e = brk;
            else
              e = j > s ? j : j + 1;  // a word wider than the line: break between characters
            break;
          }
        }
        if (!wrapped) {
          push_line(s, content_end(s, c1), false);
          break;
        }
        push_line(s, content_end(s, e), true);
        s = e;
        while (s < c1 && clusters[std::size_t(s)].space) ++s;
        if (s >= c1) break;
      }
    }
    if (pe >= text.size()) break;
    pb = pe + 1;
  }

  // Box.
  float max_line = 0.f;
  for (const Line& l : lines) max_line = std::max(max_line, l.width);
  double h = 0.0;
  for (const Line& l : lines) h += double(l.asc) + double(l.desc);
  h += double(p.spacing) * double(lines.size() - 1);
  Layout out;
  const double w = p.align == TextAlign::justify && p.max_width > 0 ? double(p.max_width) : std::ceil(double(max_line));
  expects(w <= 32768.0 && std::ceil(h) <= 32768.0, ErrorCode::invalid_argument,
          "{}: the text would be {}x{} px, more than 32768 on a side", op, std::ceil(w), std::ceil(h));
  out.width = std::max(1, int(w));
  out.height = std::max(1, int(std::ceil(h)));
  if (!render) return out;

  // Place.
  float top = 0.f;
  for (const Line& l : lines) {
    const float W = float(out.width);
    float pen = 0.f, extra = 0.f;
    switch (p.align) {
      case TextAlign::left: break;
      case TextAlign::center: pen = (W - l.width) * 0.5f; break;
      case TextAlign::right: pen = W - l.width; break;
      case TextAlign::justify:
        if (l.justify) {
          int spaces = 0;
          for (int k = l.first; k < l.last; ++k) spaces += clusters[std::size_t(k)].space ? 1 : 0;
          if (spaces > 0) extra = std::max(0.f, W - l.width) / float(spaces);
        }
        break;
    }
    const float baseline = top + l.asc;
    // Visual order: runs of right-to-left clusters are drawn reversed.
    int k = l.first;
    bool first_cluster = true;
    while (k < l.last) {
      int e = k + 1;
      while (e < l.last && clusters[std::size_t(e)].rtl == clusters[std::size_t(k)].rtl) ++e;
      const bool rtl = clusters[std::size_t(k)].rtl;
      for (int q = 0; q < e - k; ++q) {
        const Cluster& cl = clusters[std::size_t(rtl ? e - 1 - q : k + q)];
        if (!first_cluster) pen += ls;
        first_cluster = false;
        for (int gi = 0; gi < cl.count; ++gi) {
          const Shaped& g = glyphs[std::size_t(rtl ? cl.first + cl.count - 1 - gi : cl.first + gi)];
          const GlyphEntry& ge = glyph(c, *g.font, g.gid);
          if (ge.w > 0 && ge.h > 0) {
            GlyphQuad quad{};
            quad.x = int(std::floor(pen + g.xoff + 0.5f)) + ge.left;
            quad.y = int(std::floor(baseline - g.yoff + 0.5f)) - ge.top;
            quad.w = ge.w;
            quad.h = ge.h;
            quad.offset = ge.offset;
            quad.color = g.color;
            if (quad.x < out.width && quad.y < out.height && quad.x + quad.w > 0 && quad.y + quad.h > 0)
              out.quads.push_back(quad);
          }
          pen += g.adv;
        }
        if (cl.space) pen += extra;
      }
      k = e;
    }
    top += l.asc + l.desc + float(p.spacing);
  }
  return out;
}

/// CSR lists of quads per tile.
struct Bins {
  int tiles_x = 0, tiles_y = 0;
  std::vector<int> start, items;
};

Bins bin(const Layout& L) {
  using imagecuda::detail::text_tile_h;
  using imagecuda::detail::text_tile_w;
  Bins b;
  b.tiles_x = (L.width + text_tile_w - 1) / text_tile_w;
  b.tiles_y = (L.height + text_tile_h - 1) / text_tile_h;
  const std::size_t tiles = std::size_t(b.tiles_x) * std::size_t(b.tiles_y);
  b.start.assign(tiles + 1, 0);
  auto range = [&](const GlyphQuad& q, int& x0, int& x1, int& y0, int& y1) {
    x0 = std::max(0, q.x) / text_tile_w;
    x1 = std::min(L.width - 1, q.x + q.w - 1) / text_tile_w;
    y0 = std::max(0, q.y) / text_tile_h;
    y1 = std::min(L.height - 1, q.y + q.h - 1) / text_tile_h;
  };
  int x0, x1, y0, y1;
  for (const GlyphQuad& q : L.quads) {
    range(q, x0, x1, y0, y1);
    for (int ty = y0; ty <= y1; ++ty)
      for (int tx = x0; tx <= x1; ++tx) b.start[std::size_t(ty) * b.tiles_x + tx + 1]++;
  }
  for (std::size_t t = 0; t < tiles; ++t) b.start[t + 1] += b.start[t];
  b.items.resize(std::size_t(b.start[tiles]));
  std::vector<int> fill(b.start.begin(), b.start.end() - 1);
  for (std::size_t i = 0; i < L.quads.size(); ++i) {
    range(L.quads[i], x0, x1, y0, y1);
    for (int ty = y0; ty <= y1; ++ty)
      for (int tx = x0; tx <= x1; ++tx) b.items[std::size_t(fill[std::size_t(ty) * b.tiles_x + tx]++)] = int(i);
  }
  return b;
}

/// Frees the device atlases and staging buffers at exit. Registered after the first CUDA
/// allocation, so it runs before the CUDA runtime's own exit handler (atexit is LIFO); this keeps
/// compute-sanitizer's leak check clean.
void release_device_memory() {
  Cache& c = cache();
  for (auto& [dev, a] : c.device) {
    if (cudaSetDevice(dev) != cudaSuccess) continue;
    if (a.data != nullptr) (void)cudaFree(a.data);
    if (a.staging != nullptr) (void)cudaFreeHost(a.staging);
    if (a.staging_done != nullptr) (void)cudaEventDestroy(a.staging_done);
    a = DeviceAtlas{};
  }
  (void)cudaGetLastError();
}

/// Brings the device copy of the atlas up to date (cold path: blocking copies; warm: nothing).
const unsigned char* device_atlas(Cache& c, int dev) {
  constexpr const char* op = "text::create";
  DeviceAtlas& a = c.device[dev];
  const std::size_t need = std::max<std::size_t>(c.atlas.size(), 1);
  if (need > a.capacity) {
    std::size_t cap = std::max<std::size_t>({need, a.capacity * 2, std::size_t(1) << 20});
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, cap);
    if (e != cudaSuccess) {
      (void)cudaGetLastError();
      fail(ErrorCode::out_of_memory, "{}: cannot allocate the {} byte glyph atlas ({})", op, cap, cudaGetErrorName(e));
    }
    if (a.data != nullptr) IMAGECUDA_CUDA_TRY(cudaFree(a.data), op);  // waits for kernels that read it
    static const bool registered = [] { return std::atexit(release_device_memory) == 0; }();
    (void)registered;
    a.data = static_cast<unsigned char*>(p);
    a.capacity = cap;
    a.uploaded = 0;
  }
  if (c.atlas.size() > a.uploaded) {
    IMAGECUDA_CUDA_TRY(cudaMemcpy(a.data + a.uploaded, c.atlas.data() + a.uploaded, c.atlas.size() - a.uploaded,
                                  cudaMemcpyHostToDevice),
                       op);
    a.uploaded = c.atlas.size();
  }
  return a.data;
}

void render(Cache& c, const Layout& L, ImageF32& dst, const TextParams& p, const Exec& ex) {
  constexpr const char* op = "text::create";
  using namespace imagecuda::detail;
  const Bins b = bin(L);
  TextComposite f{};
  f.bg = p.bg_color;
  f.tiles_x = b.tiles_x;
  const ImageView<float4> view = dst.view();
  if (!dst.device().is_cuda()) {
    f.quads = L.quads.data();
    f.tile_start = b.start.data();
    f.tile_quads = b.items.data();
    f.atlas = c.atlas.data();
    host::text_composite(pitched(view), f);
    return;
  }
  DeviceGuard guard(dst.device());
  const int dev = dst.device().ordinal();
  f.atlas = device_atlas(c, dev);
  WorkspaceLayout lay;
  const std::size_t o_quads = lay.add<GlyphQuad>(std::max<std::size_t>(L.quads.size(), 1));
  const std::size_t o_start = lay.add<int>(b.start.size());
  const std::size_t o_items = lay.add<int>(std::max<std::size_t>(b.items.size(), 1));
  const std::size_t bytes = lay.total();
  // Stage the lists in pinned memory (reused; waits for the previous call's copy only).
  DeviceAtlas& a = c.device[dev];
  if (a.staging_done == nullptr) IMAGECUDA_CUDA_TRY(cudaEventCreateWithFlags(&a.staging_done, cudaEventDisableTiming), op);
  IMAGECUDA_CUDA_TRY(cudaEventSynchronize(a.staging_done), op);
  if (bytes > a.staging_capacity) {
    if (a.staging != nullptr) IMAGECUDA_CUDA_TRY(cudaFreeHost(a.staging), op);
    a.staging = nullptr;
    a.staging_capacity = 0;
    const std::size_t cap = std::max<std::size_t>(bytes * 2, 64 << 10);
    IMAGECUDA_CUDA_TRY(cudaMallocHost(&a.staging, cap), op);
    a.staging_capacity = cap;
  }
  auto* host = static_cast<std::byte*>(a.staging);
  if (!L.quads.empty()) std::memcpy(host + o_quads, L.quads.data(), L.quads.size() * sizeof(GlyphQuad));
  std::memcpy(host + o_start, b.start.data(), b.start.size() * sizeof(int));
  if (!b.items.empty()) std::memcpy(host + o_items, b.items.data(), b.items.size() * sizeof(int));
  Scratch scratch(op, dst.device(), bytes, ex);
  const cudaStream_t s = ex.stream.value();
  IMAGECUDA_CUDA_TRY(cudaMemcpyAsync(scratch.data(), host, bytes, cudaMemcpyHostToDevice, s), op);
  IMAGECUDA_CUDA_TRY(cudaEventRecord(a.staging_done, s), op);
  f.quads = scratch.at<GlyphQuad>(o_quads);
  f.tile_start = scratch.at<int>(o_start);
  f.tile_quads = scratch.at<int>(o_items);
  cuda::text_composite(pitched(view), f, s);
}

}  // namespace

TextSize measure_impl(std::string_view utf8, const TextParams& p) {
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  const Layout L = layout(c, utf8, p, false, "text::measure");
  return {L.width, L.height};
}

void create_impl(std::string_view utf8, ImageF32* dst, ImageF32* out, Device device, const TextParams& p,
                 const Exec& ex) {
  constexpr const char* op = "text::create";
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  const Layout L = layout(c, utf8, p, true, op);
  if (dst != nullptr) {
    imagecuda::detail::prepare_dst(op, *dst, L.width, L.height, device, ex.stream);
    render(c, L, *dst, p, ex);
  } else {
    ImageF32 img(L.width, L.height, device, ex.stream);
    render(c, L, img, p, ex);
    *out = std::move(img);
  }
}

}  // namespace imagecuda::text::detail
