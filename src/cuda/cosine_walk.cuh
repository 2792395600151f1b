// SPDX-License-Identifier: MIT
/// @file cosine_walk.cuh  The cosine-series walk of one warp over one segment of 32 adjacent
/// columns, shared by the blur's four-channel kernel (blur.cu) and the drop shadow's
/// one-channel coverage kernel (shadow.cu).
#pragma once

#include <cuda_runtime.h>

#include "imagecuda/detail/blur.hpp"

namespace imagecuda::detail::cuda {

/// Walks samples [n0, n1) of column x0 + lane with CosineWalker<K, V> and writes the result
/// transposed into `out` (out(n, x) = blurred sample n of column x), staging Flush x 32 values in
/// `tile` (Flush x 33, this warp's) so that the reads and the writes are both coalesced.
/// `load(m)` returns sample m of this lane's column (clamped by the caller's loader);
/// `finish(v)` maps a blurred value to what is stored (e.g. un-premultiply).
template <int K, int Flush, class V, class Load, class Finish>
__device__ __forceinline__ void cosine_walk_segment(const BlurPlan& plan, int n0, int n1, int lane, int x0, int W,
                                                    V* tile, Pitched<V> out, Load load, Finish finish) {
  CosineWalker<K, V> wk;
  wk.init(plan, [&](int i) { return load(n0 + i); });
  const int R = plan.radius;
  constexpr int depth = 8;  // samples fetched ahead: the loads of a batch are all in flight at once
  for (int nb = n0; nb < n1; nb += Flush) {
    const int count = min(Flush, n1 - nb);
    for (int s0 = 0; s0 < count; s0 += depth) {
      V leaving[depth], entering[depth];
#pragma unroll
      for (int q = 0; q < depth; ++q) {
        leaving[q] = load(nb + s0 + q - R);
        entering[q] = load(nb + s0 + q + R + 1);
      }
#pragma unroll
      for (int q = 0; q < depth; ++q) {
        const int s = s0 + q;
        if (s < count) {
          tile[s * 33 + lane] = finish(wk.value(plan));
          if (nb + s + 1 < n1) wk.step(plan, leaving[q], entering[q]);
        }
      }
    }
    __syncwarp();
    // Transposed write: out row x0 + j, columns nb .. nb + count - 1.
    for (int j = 0; j < 32 && x0 + j < W; ++j)
      if (lane < count) out.row(x0 + j)[nb + lane] = tile[lane * 33 + j];
    __syncwarp();
  }
}

}  // namespace imagecuda::detail::cuda
