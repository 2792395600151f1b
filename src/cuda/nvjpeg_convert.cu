// SPDX-License-Identifier: MIT
/// @file nvjpeg_convert.cu  io::GpuJpegDecoder's kernel: interleaved RGB (nvJPEG's
/// NVJPEG_OUTPUT_RGBI) to RGBA8 with alpha 255, EXIF orientation applied as codec::orient does.
/// Compiled only when the library is built with nvJPEG (IMAGECUDA_WITH_NVJPEG).
#include "io/nvjpeg_kernels.hpp"
#include "io/over_white.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {

/// Display pixel (x, y) is stored at (ax + bx*x + cx*y, ay + by*x + cy*y) (src/io/exif.cpp).
struct Orientation {
  int ax, bx, cx, ay, by, cy;
};

Orientation orientation_map(int o, int w, int h) {
  Orientation m{0, 1, 0, 0, 0, 1};
  switch (o) {
    case 2: m.ax = w - 1; m.bx = -1; break;                                          // mirror horizontally
    case 3: m.ax = w - 1; m.bx = -1; m.ay = h - 1; m.cy = -1; break;                 // rotate 180
    case 4: m.ay = h - 1; m.cy = -1; break;                                          // mirror vertically
    case 5: m.bx = 0; m.cx = 1; m.by = 1; m.cy = 0; break;                           // transpose
    case 6: m.bx = 0; m.cx = 1; m.ay = h - 1; m.by = -1; m.cy = 0; break;            // rotate 90 clockwise
    case 7: m.ax = w - 1; m.bx = 0; m.cx = -1; m.ay = h - 1; m.by = -1; m.cy = 0; break;  // transverse
    case 8: m.ax = w - 1; m.bx = 0; m.cx = -1; m.by = 1; m.cy = 0; break;            // rotate 90 counter-clockwise
    default: break;
  }
  return m;
}

__global__ void __launch_bounds__(block_x* block_y)
    rgbi_to_rgba_kernel(const unsigned char* __restrict__ src, std::size_t src_pitch, Orientation m, Pitched<uchar4> dst) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x >= dst.width || y >= dst.height) return;
  const int sx = m.ax + m.bx * x + m.cx * y;
  const int sy = m.ay + m.by * x + m.cy * y;
  const unsigned char* p = src + std::size_t(sy) * src_pitch + std::size_t(sx) * 3;
  uchar4 v;
  v.x = p[0];
  v.y = p[1];
  v.z = p[2];
  v.w = 255;
  dst.row(y)[x] = v;
}

__global__ void __launch_bounds__(block_x* block_y)
    over_white_planes_kernel(Pitched<const uchar4> src, unsigned char* __restrict__ r, unsigned char* __restrict__ g,
                             unsigned char* __restrict__ b, std::size_t pitch) {
  const int x = blockIdx.x * block_x + threadIdx.x;
  const int y = blockIdx.y * block_y + threadIdx.y;
  if (x >= src.width || y >= src.height) return;
  const uchar4 v = src.row(y)[x];
  const std::size_t i = std::size_t(y) * pitch + std::size_t(x);
  r[i] = imagecuda::io::codec::over_white(v.x, v.w);
  g[i] = imagecuda::io::codec::over_white(v.y, v.w);
  b[i] = imagecuda::io::codec::over_white(v.z, v.w);
}

}  // namespace

void rgba_over_white_to_planes(Pitched<const uchar4> src, unsigned char* r, unsigned char* g, unsigned char* b,
                               std::size_t plane_pitch, cudaStream_t stream) {
  over_white_planes_kernel<<<grid_for(src.width, src.height), dim3(block_x, block_y), 0, stream>>>(src, r, g, b,
                                                                                                  plane_pitch);
  check_launch("io::GpuJpegEncoder::encode");
}

void rgbi_to_rgba(const unsigned char* src, std::size_t src_pitch, int sw, int sh, int orientation,
                  Pitched<uchar4> dst, cudaStream_t stream) {
  const Orientation m = orientation_map(orientation, sw, sh);
  rgbi_to_rgba_kernel<<<grid_for(dst.width, dst.height), dim3(block_x, block_y), 0, stream>>>(src, src_pitch, m, dst);
  check_launch("io::GpuJpegDecoder::decode");
}

}  // namespace imagecuda::detail::cuda
