// SPDX-License-Identifier: MIT
/// @file gl.cu  CUDA kernels of the gl component: convert (f32 -> u8) + optional vertical flip,
/// written straight into a mapped PBO or a texture's CUDA array (no intermediate image).
#include <cuda_runtime.h>

#include "../cuda/launch.cuh"
#include "imagecuda/detail/convert.hpp"
#include "kernels.hpp"

namespace imagecuda::detail::gl_cuda {
namespace {

constexpr const char* op_pbo = "gl::PixelBuffer::copy_from";
constexpr const char* op_tex = "gl::Texture::copy_from";

struct Same {
  IMAGECUDA_HD uchar4 operator()(uchar4 v) const { return v; }
};

template <class In, class F>
__global__ void __launch_bounds__(cuda::block_x* cuda::block_y)
    linear_kernel(Pitched<const In> src, uchar4* dst, int flip, F f) {
  const int x = blockIdx.x * cuda::block_x + threadIdx.x;
  const int y = blockIdx.y * cuda::block_y + threadIdx.y;
  if (x < src.width && y < src.height) {
    const int ty = flip ? src.height - 1 - y : y;
    dst[std::size_t(ty) * std::size_t(src.width) + std::size_t(x)] = f(src.row(y)[x]);
  }
}

template <class In, class F>
__global__ void __launch_bounds__(cuda::block_x* cuda::block_y)
    surface_kernel(Pitched<const In> src, cudaSurfaceObject_t dst, int flip, F f) {
  const int x = blockIdx.x * cuda::block_x + threadIdx.x;
  const int y = blockIdx.y * cuda::block_y + threadIdx.y;
  if (x < src.width && y < src.height) {
    const int ty = flip ? src.height - 1 - y : y;
    surf2Dwrite(f(src.row(y)[x]), dst, x * int(sizeof(uchar4)), ty);
  }
}

template <class In, class F>
void launch_linear(Pitched<const In> src, void* dst, bool flip, F f, cudaStream_t s) {
  linear_kernel<<<cuda::grid_for(src.width, src.height), dim3(cuda::block_x, cuda::block_y), 0, s>>>(
      src, static_cast<uchar4*>(dst), flip ? 1 : 0, f);
  cuda::check_launch(op_pbo);
}

template <class In, class F>
void launch_surface(Pitched<const In> src, cudaArray_t dst, bool flip, F f, cudaStream_t s) {
  cudaResourceDesc rd{};
  rd.resType = cudaResourceTypeArray;
  rd.res.array.array = dst;
  cudaSurfaceObject_t surf = 0;
  IMAGECUDA_CUDA_TRY(cudaCreateSurfaceObject(&surf, &rd), op_tex);
  surface_kernel<<<cuda::grid_for(src.width, src.height), dim3(cuda::block_x, cuda::block_y), 0, s>>>(
      src, surf, flip ? 1 : 0, f);
  const cudaError_t launch = cudaGetLastError();
  // Destroying the object does not wait for the kernel; CUDA keeps it valid for launched work.
  const cudaError_t destroy = cudaDestroySurfaceObject(surf);
  IMAGECUDA_CUDA_TRY(launch, op_tex);
  IMAGECUDA_CUDA_TRY(destroy, op_tex);
}

}  // namespace

void to_linear(Pitched<const uchar4> src, void* dst, bool flip, cudaStream_t s) {
  if (!flip) {  // as it is: one 2-D copy (DMA) from the pitched image to the packed buffer
    const std::size_t row = std::size_t(src.width) * sizeof(uchar4);
    IMAGECUDA_CUDA_TRY(cudaMemcpy2DAsync(dst, row, src.data, src.pitch, row, std::size_t(src.height),
                                         cudaMemcpyDeviceToDevice, s),
                       op_pbo);
    return;
  }
  launch_linear(src, dst, flip, Same{}, s);
}
void to_linear(Pitched<const float4> src, void* dst, bool flip, cudaStream_t s) {
  launch_linear(src, dst, flip, F32ToU8{}, s);
}

void to_array(Pitched<const uchar4> src, cudaArray_t dst, bool flip, cudaStream_t s) {
  if (!flip) {
    const std::size_t row = std::size_t(src.width) * sizeof(uchar4);
    IMAGECUDA_CUDA_TRY(cudaMemcpy2DToArrayAsync(dst, 0, 0, src.data, src.pitch, row, std::size_t(src.height),
                                                cudaMemcpyDeviceToDevice, s),
                       op_tex);
    return;
  }
  launch_surface(src, dst, flip, Same{}, s);
}
void to_array(Pitched<const float4> src, cudaArray_t dst, bool flip, cudaStream_t s) {
  launch_surface(src, dst, flip, F32ToU8{}, s);
}

}  // namespace imagecuda::detail::gl_cuda
