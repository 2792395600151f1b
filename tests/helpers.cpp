// SPDX-License-Identifier: MIT
#include "helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

namespace test {

std::vector<float4> random_f32(int w, int h, std::uint32_t seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float4> v(std::size_t(w) * std::size_t(h));
  for (auto& p : v) p = float4{d(rng), d(rng), d(rng), d(rng)};
  return v;
}

std::vector<uchar4> random_u8(int w, int h, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(0, 255);
  std::vector<uchar4> v(std::size_t(w) * std::size_t(h));
  for (auto& p : v)
    p = uchar4{static_cast<unsigned char>(d(rng)), static_cast<unsigned char>(d(rng)),
               static_cast<unsigned char>(d(rng)), static_cast<unsigned char>(d(rng))};
  return v;
}

ImageF32 make_f32(int w, int h, const std::vector<float4>& pixels, Device device) {
  ImageF32 img(w, h, device);
  imagecuda::io::upload(img, pixels);
  return img;
}
ImageU8 make_u8(int w, int h, const std::vector<uchar4>& pixels, Device device) {
  ImageU8 img(w, h, device);
  imagecuda::io::upload(img, pixels);
  return img;
}

float max_abs_diff(const std::vector<float4>& a, const std::vector<float4>& b) {
  REQUIRE(a.size() == b.size());
  float m = 0.f;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const float d[4] = {a[i].x - b[i].x, a[i].y - b[i].y, a[i].z - b[i].z, a[i].w - b[i].w};
    for (float x : d) {
      if (std::isnan(x)) return INFINITY;
      m = std::max(m, std::fabs(x));
    }
  }
  return m;
}
int max_abs_diff(const std::vector<uchar4>& a, const std::vector<uchar4>& b) {
  REQUIRE(a.size() == b.size());
  int m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    m = std::max({m, std::abs(a[i].x - b[i].x), std::abs(a[i].y - b[i].y), std::abs(a[i].z - b[i].z),
                  std::abs(a[i].w - b[i].w)});
  }
  return m;
}

std::string data_dir() {
  if (const char* env = std::getenv("IMAGECUDA_TEST_DATA"); env != nullptr && *env != '\0') return env;
  return IMAGECUDA_TEST_DATA;
}

bool has_gpu() { return imagecuda::cuda_device_count() > 0; }

float gpu_vs_cpu(int w, int h, int n_inputs, std::uint32_t seed,
                 const std::function<ImageF32(std::vector<ImageF32>&, Device)>& op, float lo, float hi) {
  REQUIRE(has_gpu());
  std::vector<std::vector<float4>> host;
  for (int i = 0; i < n_inputs; ++i) host.push_back(random_f32(w, h, seed + 7919u * std::uint32_t(i), lo, hi));
  std::vector<float4> results[2];
  const Device devices[2] = {Device::cuda(0), Device::cpu()};
  for (int k = 0; k < 2; ++k) {
    std::vector<ImageF32> in;
    for (auto& px : host) in.push_back(make_f32(w, h, px, devices[k]));
    ImageF32 out = op(in, devices[k]);
    results[k] = imagecuda::io::download(out);
  }
  return max_abs_diff(results[0], results[1]);
}

float gpu_vs_cpu_in_place(int w, int h, std::uint32_t seed, const std::function<void(imagecuda::ImageView<float4>)>& op,
                          float lo, float hi) {
  const float whole = gpu_vs_cpu(
      w, h, 1, seed,
      [&](std::vector<ImageF32>& in, Device) {
        op(in[0]);
        return std::move(in[0]);
      },
      lo, hi);
  const float crop = gpu_vs_cpu(
      w, h, 1, seed + 1,
      [&](std::vector<ImageF32>& in, Device) {
        op(in[0].crop_view(123, 45, 511, 377));
        return std::move(in[0]);
      },
      lo, hi);
  return std::max(whole, crop);
}

std::vector<std::byte> jpeg_with_orientation(const std::vector<std::byte>& jpeg, int o) {
  const unsigned char tiff[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                                static_cast<unsigned char>(o), 0, 0, 0, 0, 0, 0, 0};
  std::vector<unsigned char> seg = {0xFF, 0xE1, 0, static_cast<unsigned char>(2 + 6 + sizeof(tiff))};
  seg.insert(seg.end(), {'E', 'x', 'i', 'f', 0, 0});
  seg.insert(seg.end(), tiff, tiff + sizeof(tiff));
  std::vector<std::byte> out = jpeg;
  std::vector<std::byte> s(seg.size());
  std::memcpy(s.data(), seg.data(), seg.size());
  out.insert(out.begin() + 2, s.begin(), s.end());
  return out;
}

}  // namespace test
