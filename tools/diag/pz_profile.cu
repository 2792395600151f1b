// SPDX-License-Identifier: MIT
/// @file pz_profile.cu  Times the phases of PngDeflate::parallel's deflate_kernel (clock64 on
/// thread 0 of the first, middle and last blocks) on a PNG given on the command line. Built here
/// by tools/diag/build-pz-profile.sh with the kernel file itself compiled in (IMAGECUDA_PZ_PROFILE),
/// run on the GPU machine: devbuild/bin/pz_profile card.png
#define IMAGECUDA_PZ_PROFILE 1
#include <cstdio>

#include "../../src/cuda/png_parallel.cu"
#include "imagecuda/imagecuda.hpp"

int main(int argc, char** argv) try {
  using namespace imagecuda;
  if (argc < 2) return 2;
  const ImageF32 f = io::load(argv[1], {.device = Device::cpu()});
  ImageU8 img(f.width(), f.height(), Device::cpu());
  io::convert(f, img);
  const auto host = io::download(img);
  const int w = img.width(), h = img.height();
  uchar4* d = nullptr;
  void* scratch = nullptr;
  cudaMalloc(&d, host.size() * sizeof(uchar4));
  cudaMemcpy(d, host.data(), host.size() * sizeof(uchar4), cudaMemcpyHostToDevice);
  cudaMalloc(&scratch, io::codec::pz::scratch_layout(std::uint32_t(w), std::uint32_t(h)).total);
  const detail::Pitched<const uchar4> p{d, std::size_t(w) * sizeof(uchar4), w, h};
  for (int i = 0; i < 3; ++i) {
    const auto head = detail::cuda::png_parallel_deflate(p, scratch, nullptr);
    std::printf("run %d: %dx%d -> %llu bytes of zlib stream (opaque %d)\n", i, w, h,
                (unsigned long long)head.zlib_bytes, int(head.opaque));
    cudaDeviceSynchronize();
    std::fflush(stdout);
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "pz_profile: %s\n", e.what());
  return 1;
}
