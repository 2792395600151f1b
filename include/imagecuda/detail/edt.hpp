// SPDX-License-Identifier: MIT
/// @file edt.hpp  Exact Euclidean distance transform to a set of seed pixels (integer squared
/// distances), in work items that both backends run unchanged.
///
/// The algorithm is Meijster, Roerdink & Hesselink's separable EDT ("A general algorithm for
/// computing distance transforms in linear time", 2000), exact in integer arithmetic, cut into
/// independent work items so that a GPU has enough of them:
///
///  0. seeds   (item = column x, segment of `edt_rows` rows): mask(x, y) = seed?(x, y); the first
///             and last seed row of the segment are recorded.                         O(w*h)
///  1. columns (same items): g(x, y) = |y - y'| to the nearest seed y' of column x (or none);
///             the nearest seed above / below the segment comes from the segment summaries.
///                                                                   O(w*h + w*(h/R)^2) worst
///  2. bands   (item = row y, band of `edt_cols` columns): the lower envelope of the parabolas
///             f_i(x) = (x - i)^2 + g(i, y)^2 of the band's sites i, over the whole row
///             (Meijster's phase 2 scan: a stack of sites and the column where each takes over).
///                                                                        O(w*h) amortised
///  3. query   (item = pixel): d^2(x, y) = min over bands of the band envelope at x (binary
///             search), visiting the own band then bands outwards until the horizontal gap alone
///             exceeds the best value (or the caller's limit).        O(w*h*(log B + d/B + 1))
///
/// The result is exactly min over seeds (x-sx)^2 + (y-sy)^2: every step is integer arithmetic
/// (the band envelope's intersection is an exact floor division), so CPU and GPU agree bit for bit.
/// With a limit L, d^2 is exact wherever d^2 <= L and some value > L (or `edt_none`) elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vec.hpp"

namespace imagecuda::detail {

/// Rows per column segment (steps 0 and 1) and columns per envelope band (steps 2 and 3).
inline constexpr int edt_rows = 32;
inline constexpr int edt_cols = 64;
/// "No seed" in g (uint16) and in squared distances (uint32).
inline constexpr std::uint16_t edt_none16 = 0xFFFFu;
inline constexpr std::uint32_t edt_none = 0xFFFFFFFFu;
/// Largest side: sites and columns fit uint16, and dx^2 + g^2 <= 2 * 32767^2 fits uint32.
inline constexpr int edt_max_side = 32768;

/// The scratch of one transform of a w x h grid (all rows tightly packed). `mask` may share
/// memory with `site` (the mask is dead once step 1 has run).
struct EdtBuffers {
  int w = 0, h = 0;
  int segments = 0;                   ///< ceil(h / edt_rows)
  int bands = 0;                      ///< ceil(w / edt_cols)
  std::uint8_t* mask = nullptr;       ///< w*h: 1 where a seed is
  std::int32_t* first = nullptr;      ///< segments*w: first seed row of segment s in column x, or -1
  std::int32_t* last = nullptr;       ///< segments*w: last seed row, or -1
  std::uint16_t* g = nullptr;         ///< w*h: vertical distance to the nearest seed, or edt_none16
  std::uint16_t* site = nullptr;      ///< w*h: envelope sites of each band, in the band's columns
  std::uint16_t* start = nullptr;     ///< w*h: column where each envelope site takes over
  std::int32_t* count = nullptr;      ///< h*bands: number of envelope sites of each band

  IMAGECUDA_HD std::size_t at(int x, int y) const { return std::size_t(y) * std::size_t(w) + std::size_t(x); }
};

IMAGECUDA_HD inline int edt_segments(int h) { return (h + edt_rows - 1) / edt_rows; }
IMAGECUDA_HD inline int edt_bands(int w) { return (w + edt_cols - 1) / edt_cols; }

/// Step 0 for column x, segment `seg`: mask and segment summary from `seed(x, y) -> bool`.
template <class Seed>
IMAGECUDA_HD void edt_seed_segment(const Seed& seed, const EdtBuffers& b, int x, int seg) {
  const int y0 = seg * edt_rows;
  const int y1 = y0 + edt_rows < b.h ? y0 + edt_rows : b.h;
  int first = -1, last = -1;
  for (int y = y0; y < y1; ++y) {
    const bool s = seed(x, y);
    b.mask[b.at(x, y)] = s ? 1 : 0;
    if (s) {
      if (first < 0) first = y;
      last = y;
    }
  }
  b.first[std::size_t(seg) * std::size_t(b.w) + std::size_t(x)] = first;
  b.last[std::size_t(seg) * std::size_t(b.w) + std::size_t(x)] = last;
}

/// Step 1 for column x, segment `seg`: g(x, y) = distance to the nearest seed of the column.
IMAGECUDA_HD inline void edt_column_segment(const EdtBuffers& b, int x, int seg) {
  const int y0 = seg * edt_rows;
  const int y1 = y0 + edt_rows < b.h ? y0 + edt_rows : b.h;
  int above = -1, below = -1;
  for (int s = seg - 1; s >= 0 && above < 0; --s) above = b.last[std::size_t(s) * std::size_t(b.w) + std::size_t(x)];
  for (int s = seg + 1; s < b.segments && below < 0; ++s)
    below = b.first[std::size_t(s) * std::size_t(b.w) + std::size_t(x)];
  for (int y = y0; y < y1; ++y) {
    if (b.mask[b.at(x, y)] != 0) above = y;
    b.g[b.at(x, y)] = above >= 0 ? std::uint16_t(y - above) : edt_none16;
  }
  for (int y = y1 - 1; y >= y0; --y) {
    if (b.mask[b.at(x, y)] != 0) below = y;
    if (below >= 0) {
      std::uint16_t& g = b.g[b.at(x, y)];
      const auto d = std::uint16_t(below - y);
      if (d < g) g = d;
    }
  }
}

/// f_i(x) = (x - i)^2 + g_i^2, exact in 64 bits.
IMAGECUDA_HD inline long long edt_parabola(int x, int i, unsigned gi) {
  const long long dx = x - i;
  return dx * dx + (long long)gi * (long long)gi;
}
/// floor(a / b) for b > 0.
IMAGECUDA_HD inline long long edt_floor_div(long long a, long long b) {
  const long long q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// Step 2 for row y, band `band`: Meijster's phase-2 scan over the band's sites (columns with a
/// finite g), over the domain [0, w) of the whole row. Site i stays ahead of a later site u up to
/// column floor((u^2 - i^2 + g_u^2 - g_i^2) / (2 (u - i))) (ties keep the earlier site).
/// The top of the stack lives in registers; memory is read back only after a pop.
IMAGECUDA_HD inline void edt_band_envelope(const EdtBuffers& b, int y, int band) {
  const std::size_t row = std::size_t(y) * std::size_t(b.w);
  const std::uint16_t* __restrict__ g = b.g + row;
  std::uint16_t* __restrict__ site = b.site + row;
  std::uint16_t* __restrict__ start = b.start + row;
  const int u0 = band * edt_cols;
  const int u1 = u0 + edt_cols < b.w ? u0 + edt_cols : b.w;
  int q = -1;                  // top of the stack, stored at site[u0 + q], start[u0 + q]
  int sq = 0, tq = 0;          // the top's site and start column
  unsigned gq = 0;             // g of the top's site
  for (int u = u0; u < u1; ++u) {
    const unsigned gu = g[u];
    if (gu == edt_none16) continue;
    while (q >= 0 && edt_parabola(tq, sq, gq) > edt_parabola(tq, u, gu)) {
      if (--q >= 0) {
        sq = site[u0 + q];
        tq = start[u0 + q];
        gq = g[sq];
      }
    }
    if (q < 0) {
      q = 0;
      sq = u;
      tq = 0;
      gq = gu;
    } else {
      const long long num = (long long)u * u - (long long)sq * sq + (long long)gu * gu - (long long)gq * gq;
      const long long from = 1 + edt_floor_div(num, 2LL * (u - sq));
      if (from >= b.w) continue;
      ++q;
      sq = u;
      tq = int(from);
      gq = gu;
    }
    site[u0 + q] = std::uint16_t(sq);
    start[u0 + q] = std::uint16_t(tq);
  }
  b.count[std::size_t(y) * std::size_t(b.bands) + std::size_t(band)] = q + 1;
}

/// The value of band `band`'s envelope at column x of row y (edt_none when the band has no site).
IMAGECUDA_HD inline std::uint32_t edt_band_value(const EdtBuffers& b, int x, int y, int band) {
  const int n = b.count[std::size_t(y) * std::size_t(b.bands) + std::size_t(band)];
  if (n == 0) return edt_none;
  const std::size_t row = std::size_t(y) * std::size_t(b.w);
  const std::uint16_t* start = b.start + row + std::size_t(band) * edt_cols;
  int lo = 0, hi = n - 1;  // the last k with start[k] <= x (start[0] == 0 <= x)
  while (lo < hi) {
    const int mid = (lo + hi + 1) >> 1;
    if (int(start[mid]) <= x)
      lo = mid;
    else
      hi = mid - 1;
  }
  const int s = b.site[row + std::size_t(band) * edt_cols + std::size_t(lo)];
  const unsigned gs = b.g[row + std::size_t(s)];
  const unsigned dx = unsigned(x > s ? x - s : s - x);
  return dx * dx + gs * gs;  // <= 2 * 32767^2 < 2^32 (edt_max_side)
}

/// Step 3 for pixel (x, y): the squared distance to the nearest seed; exact when it is <= limit,
/// otherwise some value > limit or edt_none.
IMAGECUDA_HD inline std::uint32_t edt_query(const EdtBuffers& b, int x, int y, std::uint32_t limit = edt_none) {
  const int own = x / edt_cols;
  std::uint32_t best = edt_band_value(b, x, y, own);
  for (int band = own - 1; band >= 0; --band) {
    const auto gap = std::uint32_t(x - (band * edt_cols + edt_cols - 1));
    const std::uint32_t gap2 = gap * gap;
    if (gap2 >= best || gap2 > limit) break;
    const std::uint32_t v = edt_band_value(b, x, y, band);
    if (v < best) best = v;
  }
  for (int band = own + 1; band < b.bands; ++band) {
    const auto gap = std::uint32_t(band * edt_cols - x);
    const std::uint32_t gap2 = gap * gap;
    if (gap2 >= best || gap2 > limit) break;
    const std::uint32_t v = edt_band_value(b, x, y, band);
    if (v < best) best = v;
  }
  return best;
}

}  // namespace imagecuda::detail
