// SPDX-License-Identifier: MIT
/// io: Radiance HDR output (Format::hdr), read back with stb_image's independent decoder.
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "helpers.hpp"

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_HDR
#include <stb_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

using namespace imagecuda;

namespace {
/// Decodes .hdr bytes to float RGB with stb_image.
std::vector<float> read_hdr(const std::vector<std::byte>& bytes, int& w, int& h) {
  int c = 0;
  float* px = stbi_loadf_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w, &h, &c, 3);
  REQUIRE(px != nullptr);
  std::vector<float> out(px, px + std::size_t(w) * h * 3);
  stbi_image_free(px);
  return out;
}
}  // namespace

TEST_CASE("io: Format::hdr keeps float values above 1 (RGBE: 8-bit mantissa per pixel)", "[io][hdr]") {
  const Device cpu = Device::cpu();
  const int w = 61, h = 23;  // RLE scanlines need 8 <= w < 32768; the odd width tests the tail
  auto px = test::random_f32(w, h, 77, 0.f, 1.f);
  for (std::size_t i = 0; i < px.size(); ++i) {
    px[i].x *= 40.f;  // well above 1: an HDR image is not clamped
    px[i].w = float(i % 3) / 2.f;  // alpha is dropped, whatever it is
  }
  px[5] = float4{-1.f, NAN, 2.f, 1.f};  // negative and NaN -> 0
  const ImageF32 img = test::make_f32(w, h, px, cpu);
  const auto bytes = io::encode(img, io::Format::hdr);
  int rw = 0, rh = 0;
  const auto back = read_hdr(bytes, rw, rh);
  REQUIRE(rw == w);
  REQUIRE(rh == h);
  float worst = 0.f;
  for (std::size_t i = 0; i < px.size(); ++i) {
    if (i == 5) continue;
    const float m = std::fmax(px[i].x, std::fmax(px[i].y, px[i].z));
    const float got[3] = {back[3 * i], back[3 * i + 1], back[3 * i + 2]};
    const float want[3] = {px[i].x, px[i].y, px[i].z};
    for (int c = 0; c < 3; ++c) worst = std::fmax(worst, std::fabs(got[c] - want[c]) / m);
  }
  CHECK(worst <= 1.f / 128.f);  // shared exponent, 8-bit mantissa: within 2^-7 of the largest channel
  CHECK(back[3 * 5] == 0.f);
  CHECK(back[3 * 5 + 1] == 0.f);
  CHECK(std::fabs(back[3 * 5 + 2] - 2.f) <= 2.f / 128.f);
  float maxv = 0.f;
  for (float v : back) maxv = std::fmax(maxv, v);
  CHECK(maxv > 30.f);
}

TEST_CASE("io: save .hdr by extension, 8-bit images as v/255, and a bad format value", "[io][hdr]") {
  const Device cpu = Device::cpu();
  const auto dir = std::filesystem::temp_directory_path() / "imagecuda_test_hdr";
  std::filesystem::create_directories(dir);
  const ImageU8 img = test::make_u8(16, 4, test::random_u8(16, 4, 5), cpu);
  const auto u8 = io::download(img);
  io::save(img, dir / "a.HDR");
  std::ifstream f(dir / "a.HDR", std::ios::binary);
  const std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(raw.size());
  std::memcpy(bytes.data(), raw.data(), raw.size());
  int w = 0, h = 0;
  const auto back = read_hdr(bytes, w, h);
  REQUIRE(w == 16);
  REQUIRE(h == 4);
  for (std::size_t i = 0; i < u8.size(); ++i) {
    const float m = std::fmax(u8[i].x, std::fmax(u8[i].y, u8[i].z)) / 255.f;
    CHECK(std::fabs(back[3 * i] - u8[i].x / 255.f) <= m / 128.f + 1e-6f);
  }
  // A load of it is refused (hdr is an output format), and a bad enum value is an error.
  REQUIRE_IMAGECUDA_ERROR(io::load(dir / "a.HDR"), ErrorCode::unsupported, "not a PNG or JPEG file");
  REQUIRE_IMAGECUDA_ERROR(io::encode(img, static_cast<io::Format>(9)), ErrorCode::invalid_argument,
                          "format must be png, jpeg or hdr, got 9");
  std::filesystem::remove_all(dir);
}
