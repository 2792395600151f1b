// SPDX-License-Identifier: MIT
/// @file text.hpp  The per-pixel compositing formula of the text module and its two launchers.
///
/// A layout (built on the host by src/text/text.cpp) is a list of glyph quads: an 8-bit coverage
/// bitmap in the glyph atlas, its top-left corner in the output and its colour. The quads are
/// binned into tiles of text_tile_w x text_tile_h pixels (a CSR list per tile, quads kept in
/// drawing order), so that every output pixel visits only the glyphs that can touch it:
///   out = bg;  for each quad q over (x, y), in order:  out = normal(out, q.color * (1,1,1,cov))
/// with cov = atlas byte / 255 and `normal` the blend module's straight-alpha "over"
/// (BlendOp<Mode::normal>, opacity 1). The CUDA kernel and the CPU loop run this same functor.
#pragma once

#include <driver_types.h>

#include "blend.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

inline constexpr int text_tile_w = 32;
inline constexpr int text_tile_h = 8;

/// One glyph to draw: its coverage bitmap is atlas[offset + gy * w + gx], 0 <= gx < w, 0 <= gy < h.
struct alignas(16) GlyphQuad {
  int x, y, w, h;
  unsigned offset;
  int pad_[3];
  float4 color;
};

/// out(x, y): the background with every covering glyph composited over it, in order.
struct TextComposite {
  float4 bg;
  const GlyphQuad* quads;       ///< all quads of the layout
  const int* tile_start;        ///< tiles_x * tiles_y + 1 offsets into tile_quads
  const int* tile_quads;        ///< quad indices per tile, in drawing order
  const unsigned char* atlas;   ///< glyph coverage bytes
  int tiles_x;

  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int t = (y / text_tile_h) * tiles_x + x / text_tile_w;
    float4 out = bg;
    const BlendOp<blend::Mode::normal> over{1.f};
    const int end = tile_start[t + 1];
    for (int i = tile_start[t]; i < end; ++i) {
      const GlyphQuad& q = quads[tile_quads[i]];
      const int gx = x - q.x, gy = y - q.y;
      if (gx < 0 || gy < 0 || gx >= q.w || gy >= q.h) continue;
      const unsigned char c = atlas[q.offset + unsigned(gy) * unsigned(q.w) + unsigned(gx)];
      if (c == 0) continue;
      out = over(out, make4(q.color.x, q.color.y, q.color.z, q.color.w * (float(c) / 255.f)));
    }
    return out;
  }
};

namespace cuda {
void text_composite(Pitched<float4> dst, const TextComposite& f, cudaStream_t stream);
}  // namespace cuda
namespace host {
void text_composite(Pitched<float4> dst, const TextComposite& f);
}  // namespace host

}  // namespace imagecuda::detail
