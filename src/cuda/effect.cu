// SPDX-License-Identifier: MIT
/// @file effect.cu  CUDA launchers of the effect module: one thread per work item of each functor.
#include "imagecuda/detail/effect.hpp"
#include "imagecuda/detail/fuse.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {

// f(i, j) for every (i, j) in [0, nx) x [0, ny): 32 x 8 threads, one warp per 32 consecutive i.
template <class F>
__global__ void __launch_bounds__(block_x* block_y) visit_kernel(F f, int nx, int ny) {
  const int i = blockIdx.x * block_x + threadIdx.x;
  const int j = blockIdx.y * block_y + threadIdx.y;
  if (i < nx && j < ny) f(i, j);
}

template <class F>
void visit(const F& f, int nx, int ny, cudaStream_t s, const char* op) {
  if (nx <= 0 || ny <= 0) return;
  visit_kernel<<<grid_for(nx, ny), dim3(block_x, block_y), 0, s>>>(f, nx, ny);
  check_launch(op);
}

// Distance-transform steps. Steps 0 and 1: item (column x, segment), x fastest so that a warp's
// loads of one row are contiguous. Step 2: item (band, row). Step 3: one thread per pixel.
template <class Seed>
__global__ void __launch_bounds__(128) edt_seed_kernel(Seed seed, EdtBuffers b) {
  const int x = blockIdx.x * 128 + threadIdx.x;
  if (x < b.w) edt_seed_segment(seed, b, x, blockIdx.y);
}
__global__ void __launch_bounds__(128) edt_column_kernel(EdtBuffers b) {
  const int x = blockIdx.x * 128 + threadIdx.x;
  if (x < b.w) edt_column_segment(b, x, blockIdx.y);
}
__global__ void __launch_bounds__(128) edt_band_kernel(EdtBuffers b) {
  const int item = blockIdx.x * 128 + threadIdx.x;
  if (item < b.bands * b.h) edt_band_envelope(b, item / b.bands, item % b.bands);
}
__global__ void __launch_bounds__(block_x* block_y) stroke_composite_kernel(EdtBuffers b, StrokeComposite c,
                                                                          Pitched<float4> dst) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < b.w && y < b.h) dst.at(x, y) = c(x, y, edt_query(b, x, y, c.width2));
}
__global__ void __launch_bounds__(block_x* block_y) edt_distance_kernel(EdtBuffers b, std::uint32_t* d2) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x < b.w && y < b.h) d2[b.at(x, y)] = edt_query(b, x, y);
}

/// Steps 0-2 of the transform.
template <class Seed>
void edt_prepare(const Seed& seed, const EdtBuffers& b, cudaStream_t s, const char* op) {
  const dim3 columns((b.w + 127) / 128, b.segments);
  edt_seed_kernel<<<columns, 128, 0, s>>>(seed, b);
  check_launch(op);
  edt_column_kernel<<<columns, 128, 0, s>>>(b);
  check_launch(op);
  const long long items = (long long)b.bands * b.h;
  edt_band_kernel<<<unsigned((items + 127) / 128), 128, 0, s>>>(b);
  check_launch(op);
}

}  // namespace

// The per-pixel effects: their own visit, or a stage of the pending fused pass (Graph recordings).
template <class F>
void per_pixel_effect(const F& f, cudaStream_t s, const char* op) {
  if (!fusion::take(s, f.img, Stage::of(EffectStage<F>{f}))) visit(f, f.extent_x(), f.extent_y(), s, op);
}
void rounded_corners(const RoundedCorners& f, cudaStream_t s) { per_pixel_effect(f, s, "effect::rounded_corners"); }
void vignette(const Vignette& f, cudaStream_t s) { per_pixel_effect(f, s, "effect::vignette"); }
void chroma_key(const ChromaKey& f, cudaStream_t s) { per_pixel_effect(f, s, "effect::chroma_key"); }

void stroke(const StrokeSeed& seed, const EdtBuffers& b, const StrokeComposite& c, Pitched<float4> dst,
            cudaStream_t s) {
  edt_prepare(seed, b, s, "effect::stroke");
  stroke_composite_kernel<<<grid_for(b.w, b.h), dim3(block_x, block_y), 0, s>>>(b, c, dst);
  check_launch("effect::stroke");
}

void stroke_distance(const StrokeSeed& seed, const EdtBuffers& b, std::uint32_t* d2, cudaStream_t s) {
  edt_prepare(seed, b, s, "effect::stroke");
  edt_distance_kernel<<<grid_for(b.w, b.h), dim3(block_x, block_y), 0, s>>>(b, d2);
  check_launch("effect::stroke");
}

}  // namespace imagecuda::detail::cuda
