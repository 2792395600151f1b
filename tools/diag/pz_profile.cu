// SPDX-License-Identifier: MIT
/// @file pz_profile.cu  Times the phases of PngDeflate::parallel's deflate_kernel (clock64 on
/// thread 0 of the first, middle and last blocks) on a PNG given on the command line. Built here
/// by tools/diag/build-pz-profile.sh with the kernel file itself compiled in (IMAGECUDA_PZ_PROFILE),
/// run on the GPU machine: devbuild/bin/pz_profile card.png
#define IMAGECUDA_PZ_PROFILE 1
#include <cstdio>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

#include <vector>

#include "../../src/cuda/png_parallel.cu"

int main(int argc, char** argv) try {
  using namespace imagecuda;
  if (argc < 2) return 2;
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &c, 4);
  if (px == nullptr) return 1;
  std::vector<uchar4> host(std::size_t(w) * std::size_t(h));
  std::memcpy(host.data(), px, host.size() * sizeof(uchar4));
  stbi_image_free(px);
  uchar4* d = nullptr;
  void* scratch = nullptr;
  cudaMalloc(&d, host.size() * sizeof(uchar4));
  cudaMemcpy(d, host.data(), host.size() * sizeof(uchar4), cudaMemcpyHostToDevice);
  cudaMalloc(&scratch, imagecuda::io::codec::pz::scratch_layout(std::uint32_t(w), std::uint32_t(h)).total);
  const detail::Pitched<const uchar4> p{d, std::size_t(w) * sizeof(uchar4), w, h};
  // (the image's rows are read in place: a tight pitch)
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
