// SPDX-License-Identifier: MIT
/// @file effect.cpp  CPU launchers of the effect module: the same work items, in row-parallel loops.
#include "imagecuda/detail/effect.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {

template <class F>
void visit(const F& f, int nx, int ny) {
  if (nx <= 0 || ny <= 0) return;
  parallel_rows(ny, std::size_t(nx), [&](int j0, int j1) {
    for (int j = j0; j < j1; ++j)
      for (int i = 0; i < nx; ++i) f(i, j);
  });
}

template <class Seed>
void edt_prepare(const Seed& seed, const EdtBuffers& b) {
  const std::size_t segment_pixels = std::size_t(b.w) * edt_rows;
  parallel_rows(b.segments, segment_pixels, [&](int s0, int s1) {
    for (int seg = s0; seg < s1; ++seg)
      for (int x = 0; x < b.w; ++x) edt_seed_segment(seed, b, x, seg);
  });
  parallel_rows(b.segments, segment_pixels, [&](int s0, int s1) {
    for (int seg = s0; seg < s1; ++seg)
      for (int x = 0; x < b.w; ++x) edt_column_segment(b, x, seg);
  });
  parallel_rows(b.h, std::size_t(b.w), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y)
      for (int band = 0; band < b.bands; ++band) edt_band_envelope(b, y, band);
  });
}

}  // namespace

// The per-pixel effects: their own visit, or a stage of the pending fused pass (Graph recordings).
template <class F>
void per_pixel_effect(const F& f) {
  if (!fusion::take(f.img, Stage::of(EffectStage<F>{f}))) visit(f, f.extent_x(), f.extent_y());
}
void rounded_corners(const RoundedCorners& f) { per_pixel_effect(f); }
void vignette(const Vignette& f) { per_pixel_effect(f); }
void chroma_key(const ChromaKey& f) { per_pixel_effect(f); }

void stroke(const StrokeSeed& seed, const EdtBuffers& b, const StrokeComposite& c, Pitched<float4> dst) {
  edt_prepare(seed, b);
  parallel_rows(b.h, std::size_t(b.w), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      float4* row = dst.row(y);
      for (int x = 0; x < b.w; ++x) row[x] = c(x, y, edt_query(b, x, y, c.width2));
    }
  });
}

void stroke_distance(const StrokeSeed& seed, const EdtBuffers& b, std::uint32_t* d2) {
  edt_prepare(seed, b);
  parallel_rows(b.h, std::size_t(b.w), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < b.w; ++x) d2[b.at(x, y)] = edt_query(b, x, y);
  });
}

}  // namespace imagecuda::detail::host
