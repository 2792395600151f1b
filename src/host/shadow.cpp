// SPDX-License-Identifier: MIT
/// @file shadow.cpp  CPU launchers of effect::drop_shadow: the one-channel blur of the shadow's
/// coverage with the formulas of blur.hpp (V = float) over the same segments as the GPU, and
/// the composite.
#include <algorithm>
#include <vector>

#include "imagecuda/detail/shadow.hpp"
#include "parallel.hpp"

namespace imagecuda::detail::host {
namespace {

/// One cosine pass over the W columns of N samples `in(c, m)`, written transposed into
/// `out` (out.row(c)[n]); segments as blur_pass_segment (the GPU's), 16 columns at a time.
template <int K, class In>
void cosine_pass(const In& in, int W, int N, Pitched<float> out, const BlurPlan& plan) {
  constexpr int group = 16;
  const int R = plan.radius;
  const int groups = (W + group - 1) / group;
  const int L = blur_pass_segment(plan.segment, W, N);
  const int segments = (N + L - 1) / L;
  parallel_rows(groups * segments, std::size_t(group) * std::size_t(L) * 2, [&](int u0, int u1) {
    std::vector<CosineWalker<K, float>> walkers(group);
    for (int u = u0; u < u1; ++u) {
      const int g = u % groups, seg = u / groups;
      const int xa = g * group, xb = std::min(W, xa + group);
      const int n0 = seg * L, n1 = std::min(N, n0 + L);
      auto load = [&](int c, int m) { return in(c, clampi(m, 0, N - 1)); };
      for (int c = xa; c < xb; ++c) walkers[std::size_t(c - xa)].init(plan, [&](int i) { return load(c, n0 + i); });
      for (int n = n0; n < n1; ++n) {
        for (int c = xa; c < xb; ++c) {
          CosineWalker<K, float>& wk = walkers[std::size_t(c - xa)];
          out.row(c)[n] = wk.value(plan);
          if (n + 1 < n1) wk.step(plan, load(c, n - R), load(c, n + R + 1));
        }
      }
    }
  });
}

template <int K>
void cosine(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan) {
  const int W = layer.width, H = layer.height;
  const Pitched<float> t{temp, std::size_t(H) * sizeof(float), H, W};
  cosine_pass<K>([&](int c, int m) { return alpha(c, m); }, W, H, t, plan);
  cosine_pass<K>([&](int c, int m) { return t.row(m)[c]; }, H, W, layer, plan);
}

}  // namespace

void shadow_coverage(ShadowAlpha alpha, Pitched<float> layer, float* temp, const BlurPlan& plan) {
  const int W = layer.width, H = layer.height;
  if (plan.method == BlurPlan::cosine) {
    switch (plan.terms) {
      case 1: return cosine<1>(alpha, layer, temp, plan);
      case 4: return cosine<4>(alpha, layer, temp, plan);
      case 5: return cosine<5>(alpha, layer, temp, plan);
      default: return cosine<6>(alpha, layer, temp, plan);
    }
  }
  generate(layer, alpha);  // the unblurred coverage
  if (plan.method != BlurPlan::direct) return;
  const Pitched<float> t{temp, std::size_t(W) * sizeof(float), W, H};
  const std::size_t work = std::size_t(W) * std::size_t(2 * plan.radius + 1);
  parallel_rows(H, work, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y) {
      const float* row = layer.row(y);
      for (int x = 0; x < W; ++x) t.row(y)[x] = direct_sum(plan, [&](int i) { return row[clampi(x + i, 0, W - 1)]; });
    }
  });
  parallel_rows(H, work, [&](int y0, int y1) {
    for (int y = y0; y < y1; ++y)
      for (int x = 0; x < W; ++x)
        layer.row(y)[x] = direct_sum(plan, [&](int i) { return t.row(clampi(y + i, 0, H - 1))[x]; });
  });
}

void shadow_composite(ShadowComposite f, Pitched<float4> dst) { generate(dst, f); }

}  // namespace imagecuda::detail::host
