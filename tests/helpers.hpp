// SPDX-License-Identifier: MIT
/// @file helpers.hpp  Test helpers: random images, pixel comparison, GPU-vs-CPU runs, error checks.
#pragma once

#include <imagecuda/imagecuda.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catch.hpp"

namespace test {

using imagecuda::Device;
using imagecuda::ImageF32;
using imagecuda::ImageU8;

/// Uniform random float4 pixels in [lo, hi) from a fixed seed (never all zeros).
std::vector<float4> random_f32(int w, int h, std::uint32_t seed, float lo = 0.f, float hi = 1.f);
std::vector<uchar4> random_u8(int w, int h, std::uint32_t seed);

/// An image on `device` holding `pixels`.
ImageF32 make_f32(int w, int h, const std::vector<float4>& pixels, Device device);
ImageU8 make_u8(int w, int h, const std::vector<uchar4>& pixels, Device device);

/// Largest absolute channel difference; sizes must match.
float max_abs_diff(const std::vector<float4>& a, const std::vector<float4>& b);
int max_abs_diff(const std::vector<uchar4>& a, const std::vector<uchar4>& b);

/// tests/data: $IMAGECUDA_TEST_DATA if set (the device run sets it), else the source tree's.
std::string data_dir();

/// True when a CUDA device is present (GPU tests SKIP-fail loudly without one).
bool has_gpu();

/// Runs `op` on copies of `inputs` on the GPU and on the CPU and returns the largest difference
/// between the two results. `op(inputs_on_device, device) -> ImageF32 result`.
/// The reusable GPU-vs-CPU check every op's gpu_*.cpp test uses.
float gpu_vs_cpu(int w, int h, int n_inputs, std::uint32_t seed,
                 const std::function<ImageF32(std::vector<ImageF32>&, Device)>& op, float lo = 0.f, float hi = 1.f);

/// gpu_vs_cpu for an in-place op: the larger difference of running `op` on the whole image and
/// on a crop view of it (seeds `seed` and `seed + 1`).
float gpu_vs_cpu_in_place(int w, int h, std::uint32_t seed, const std::function<void(imagecuda::ImageView<float4>)>& op,
                          float lo = 0.f, float hi = 1.f);

/// A copy of `jpeg` with an APP1 "Exif\0\0" segment after SOI whose IFD0 holds Orientation = o
/// (little-endian TIFF).
std::vector<std::byte> jpeg_with_orientation(const std::vector<std::byte>& jpeg, int o);

}  // namespace test

/// REQUIRE that `expr` throws imagecuda::Error with `code` and a message containing `needle`.
#define REQUIRE_IMAGECUDA_ERROR(expr, code_, needle)                                     \
  do {                                                                                    \
    bool thrown_ = false;                                                                 \
    try {                                                                                 \
      (void)(expr);                                                                       \
    } catch (const imagecuda::Error& e_) {                                                \
      thrown_ = true;                                                                     \
      INFO("message: " << e_.what());                                                     \
      CHECK(e_.code() == (code_));                                                        \
      CHECK(std::string(e_.what()).find(needle) != std::string::npos);                    \
    }                                                                                     \
    if (!thrown_) FAIL("expected imagecuda::Error from " #expr);                         \
  } while (0)
