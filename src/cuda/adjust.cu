// SPDX-License-Identifier: MIT
/// @file adjust.cu  The adjust module's one CUDA kernel, the chain's. A single op is launched as a
/// chain of one step (adjust_run in adjust.hpp), so every step runs the same machine code alone
/// and inside a chain, and adjust::chain equals the ops one by one bit for bit (no contraction or
/// scheduling difference between two kernels can creep in).
#include "imagecuda/detail/adjust.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {
// A 32x8 block covers 64 columns, two pixels per thread (x and x + 32, both coalesced): the step
// dispatch and the index math are shared by two pixels and each thread has two loads in flight,
// which matters because HSV steps make a chain compute-heavy.
__global__ void __launch_bounds__(block_x* block_y) chain_kernel(Pitched<float4> v, AdjustChain f) {
  const int x0 = blockIdx.x * (2 * block_x) + threadIdx.x;
  const int x1 = x0 + block_x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (y >= v.height || x0 >= v.width) return;
  float4* row = v.row(y);
  const bool two = x1 < v.width;
  float4 a = row[x0];
  float4 b = two ? row[x1] : a;
  for (int i = 0; i < f.count; ++i)
    visit_step(f.steps[i], [&](auto g) {
      a = g(a);
      b = g(b);
    });
  row[x0] = a;
  if (two) row[x1] = b;
}
}  // namespace

void adjust_chain(Pitched<float4> v, const AdjustChain& f, cudaStream_t s, const char* op) {
  if (v.width <= 0 || v.height <= 0 || f.count <= 0) return;
  // In a fused Graph recording the steps join the pending pass.
  if (fusion::take_chain(f, [&](const Stage& st) { return fusion::take(s, v, st); })) return;
  const dim3 grid((v.width + 2 * block_x - 1) / (2 * block_x), (v.height + block_y - 1) / block_y);
  chain_kernel<<<grid, dim3(block_x, block_y), 0, s>>>(v, f);
  check_launch(op);
}
}  // namespace imagecuda::detail::cuda
