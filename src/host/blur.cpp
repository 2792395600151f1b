// SPDX-License-Identifier: MIT
/// @file blur.cpp  CPU launchers of the blur: the same formulas as the CUDA backend
/// (direct taps, or the sliding cosine walker over the same segments, transposed twice).
#include <algorithm>
#include <cstring>
#include <vector>

#include "imagecuda/detail/blur.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {

/// One cosine pass: walks the columns of `in` (segments of plan.segment samples, like the
/// GPU) and writes the result transposed into `out`. Columns are taken 16 at a time.
template <int K, bool Premul, bool Unpremul>
void cosine_pass(Pitched<const float4> in, Pitched<float4> out, const BlurPlan& plan) {
  constexpr int group = 16;
  const int W = in.width, N = in.height, R = plan.radius;
  const int groups = (W + group - 1) / group;
  const int L = blur_pass_segment(plan.segment, W, N);
  const int segments = (N + L - 1) / L;
  parallel_rows(groups * segments, std::size_t(group) * std::size_t(L) * 8, [&](int u0, int u1) {
    std::vector<CosineWalker<K>> walkers(group);
    for (int u = u0; u < u1; ++u) {
      const int g = u % groups, seg = u / groups;
      const int xa = g * group, xb = std::min(W, xa + group);
      const int n0 = seg * L, n1 = std::min(N, n0 + L);
      auto load = [&](int x, int m) {
        const float4 v = in.row(clampi(m, 0, N - 1))[x];
        return Premul ? premultiply(v) : v;
      };
      for (int x = xa; x < xb; ++x) walkers[std::size_t(x - xa)].init(plan, [&](int i) { return load(x, n0 + i); });
      for (int n = n0; n < n1; ++n) {
        for (int x = xa; x < xb; ++x) {
          CosineWalker<K>& wk = walkers[std::size_t(x - xa)];
          const float4 v = wk.value(plan);
          out.row(x)[n] = Unpremul ? unpremultiply(v) : v;
          if (n + 1 < n1) wk.step(plan, load(x, n - R), load(x, n + R + 1));
        }
      }
    }
  });
}

}  // namespace

void blur(Pitched<const float4> src, Pitched<float4> dst, float4* temp, const BlurPlan& plan) {
  const int W = src.width, H = src.height;
  if (plan.method == BlurPlan::direct) {
    Pitched<float4> tmp{temp, std::size_t(W) * sizeof(float4), W, H};
    parallel_rows(H, std::size_t(W) * std::size_t(2 * plan.radius + 1), [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y) {
        const float4* row = src.row(y);
        for (int x = 0; x < W; ++x)
          tmp.row(y)[x] = direct_sum(plan, [&](int i) { return premultiply(row[clampi(x + i, 0, W - 1)]); });
      }
    });
    parallel_rows(H, std::size_t(W) * std::size_t(2 * plan.radius + 1), [&](int y0, int y1) {
      for (int y = y0; y < y1; ++y)
        for (int x = 0; x < W; ++x)
          dst.row(y)[x] = unpremultiply(direct_sum(plan, [&](int i) { return tmp.row(clampi(y + i, 0, H - 1))[x]; }));
    });
    return;
  }
  Pitched<float4> tmp{temp, std::size_t(H) * sizeof(float4), H, W};
  const Pitched<const float4> mid{temp, tmp.pitch, H, W};
  auto run = [&](auto first, auto second) {
    first(src, tmp, plan);
    second(mid, dst, plan);
  };
  switch (plan.terms) {
    case 1: run(cosine_pass<1, true, false>, cosine_pass<1, false, true>); break;
    case 4: run(cosine_pass<4, true, false>, cosine_pass<4, false, true>); break;
    case 5: run(cosine_pass<5, true, false>, cosine_pass<5, false, true>); break;
    default: run(cosine_pass<6, true, false>, cosine_pass<6, false, true>); break;
  }
}

}  // namespace imagecuda::detail::host
