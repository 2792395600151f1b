// SPDX-License-Identifier: MIT
/// @file parallel.hpp  The CPU backend's row-parallel loop and the per-op loop shapes.
#pragma once

#include <cstddef>
#include <functional>

#include "imagecuda/detail/fuse.hpp"
#include "imagecuda/detail/vec.hpp"

namespace imagecuda::detail::host {

/// Runs body(y0, y1) over [0, rows) split into chunks on a process-wide thread pool; small jobs
/// (fewer than ~64k pixels) run on the calling thread. Returns when every chunk is done;
/// rethrows the first exception a chunk threw.
void parallel_rows(int rows, std::size_t pixels_per_row, const std::function<void(int, int)>& body);

/// dst(x, y) = f(x, y)
template <class P, class F>
void generate(Pitched<P> dst, const F& f) {
  parallel_rows(dst.height, std::size_t(dst.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      P* row = dst.row(y);
      for (int x = 0; x < dst.width; ++x) row[x] = f(x, y);
    }
  });
}

/// dst(x, y) = f(src(x, y)); src and dst have the same size (they may alias exactly).
template <class In, class Out, class F>
void map(Pitched<const In> src, Pitched<Out> dst, const F& f) {
  parallel_rows(dst.height, std::size_t(dst.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const In* s = src.row(y);
      Out* d = dst.row(y);
      for (int x = 0; x < dst.width; ++x) d[x] = f(s[x]);
    }
  });
}

/// v(x, y) = f(v(x, y), x, y) in place.
template <class P, class F>
void update(Pitched<P> v, const F& f) {
  parallel_rows(v.height, std::size_t(v.width), [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      P* row = v.row(y);
      for (int x = 0; x < v.width; ++x) row[x] = f(row[x], x, y);
    }
  });
}

/// generate / update of a per-pixel op, which in a fused Graph recording joins the pending pass.
template <class F>
void generate_or_fuse(Pitched<float4> dst, const F& f) {
  if (!fusion::take(dst, Stage::of(GenerateStage<F>{f}))) generate(dst, f);
}
template <class F>
void update_or_fuse(Pitched<float4> img, const F& f) {
  if (!fusion::take(img, Stage::of(UpdateStage<F>{f}))) update(img, f);
}

}  // namespace imagecuda::detail::host
