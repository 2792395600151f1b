// SPDX-License-Identifier: MIT
/// @file launch.cuh  The CUDA backend's kernel shapes: generate, map and update over a pitched view.
#pragma once

#include <cuda_runtime.h>

#include "imagecuda/detail/cuda_check.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "imagecuda/detail/vec.hpp"

namespace imagecuda::detail::cuda {

// 32x8 threads: one warp per 32 consecutive pixels of a row (512 contiguous bytes of float4).
inline constexpr int block_x = 32;
inline constexpr int block_y = 8;

inline dim3 grid_for(int w, int h) { return dim3((w + block_x - 1) / block_x, (h + block_y - 1) / block_y); }

template <class P, class F>
__global__ void __launch_bounds__(block_x* block_y) generate_kernel(Pitched<P> dst, F f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < dst.width && y < dst.height) dst.row(y)[x] = f(x, y);
}

template <class In, class Out, class F>
__global__ void __launch_bounds__(block_x* block_y) map_kernel(Pitched<const In> src, Pitched<Out> dst, F f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < dst.width && y < dst.height) dst.row(y)[x] = f(src.row(y)[x]);
}

template <class P, class F>
__global__ void __launch_bounds__(block_x* block_y) update_kernel(Pitched<P> v, F f) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < v.width && y < v.height) {
    P* p = v.row(y) + x;
    *p = f(*p, x, y);
  }
}

/// Checks the launch just made (clears a launch error so the next call starts clean).
inline void check_launch(const char* op) { IMAGECUDA_CUDA_TRY(cudaGetLastError(), op); }

template <class P, class F>
void generate(Pitched<P> dst, const F& f, cudaStream_t s, const char* op) {
  generate_kernel<<<grid_for(dst.width, dst.height), dim3(block_x, block_y), 0, s>>>(dst, f);
  check_launch(op);
}
template <class In, class Out, class F>
void map(Pitched<const In> src, Pitched<Out> dst, const F& f, cudaStream_t s, const char* op) {
  map_kernel<<<grid_for(dst.width, dst.height), dim3(block_x, block_y), 0, s>>>(src, dst, f);
  check_launch(op);
}
template <class P, class F>
void update(Pitched<P> v, const F& f, cudaStream_t s, const char* op) {
  update_kernel<<<grid_for(v.width, v.height), dim3(block_x, block_y), 0, s>>>(v, f);
  check_launch(op);
}

/// generate / update of a per-pixel op, which in a fused Graph recording joins the pending pass.
template <class F>
void generate_or_fuse(Pitched<float4> dst, const F& f, cudaStream_t s, const char* op) {
  if (!fusion::take(s, dst, Stage::of(GenerateStage<F>{f}))) generate(dst, f, s, op);
}
template <class F>
void update_or_fuse(Pitched<float4> img, const F& f, cudaStream_t s, const char* op) {
  if (!fusion::take(s, img, Stage::of(UpdateStage<F>{f}))) update(img, f, s, op);
}

}  // namespace imagecuda::detail::cuda
