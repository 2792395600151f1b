// SPDX-License-Identifier: MIT
/// pipeline: the social-card renderer of examples/social_card.hpp (shared with the example and
/// benchmarks/pipeline.cpp) on the CPU backend — the card's size, that the inset is the sharp
/// photo while the background around it is blurred and darkened, that the PNG round-trips
/// exactly, that the JPEG decodes, and that a second card allocates nothing.
#include "helpers.hpp"

#include "../examples/social_card.hpp"

#include <cmath>
#include <vector>

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();
constexpr int W = social_card::card_width, H = social_card::card_height;

/// A small photo from the test-picture generator, as 8-bit host pixels.
std::vector<uchar4> small_photo(int w, int h, std::uint32_t seed) {
  ImageF32 f(w, h, cpu);
  social_card::render_photo(f, seed);
  ImageU8 u(w, h, cpu);
  io::convert(f.view(), u);
  return io::download(u);
}

float4 at(const std::vector<float4>& v, int x, int y) { return v[std::size_t(y) * W + x]; }
}  // namespace

// One card, rendered once; the checks follow one another (no SECTIONs: Catch2 would render the
// card again for each, slow under the sanitizers) and nothing outlives the test case (the soak
// test in test_reliability.cpp measures the memory in use).
TEST_CASE("pipeline: one social card on the CPU through the shared renderer", "[pipeline]") {
  const int pw = 320, ph = 214;
  const std::vector<uchar4> photo = small_photo(pw, ph, 3);
  social_card::CardRenderer r(cpu, Stream{}, {.max_photo_width = pw, .max_photo_height = ph});
  std::vector<uchar4> card8(std::size_t(W) * H);
  r.upload(photo.data(), pw, ph);
  r.compose();
  r.download(card8.data());

  {
    INFO("the card is 1200x630 and opaque");
    CHECK(r.card().width() == W);
    CHECK(r.card().height() == H);
    std::size_t translucent = 0;
    for (const auto& p : card8) translucent += p.w != 255;
    CHECK(translucent == 0);
  }

  {
    INFO("the inset is the sharp cover crop, the background the blurred, darkened one");
    ImageF32 f = test::make_f32(pw, ph, [&] {
      std::vector<float4> v(photo.size());
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = float4{photo[i].x / 255.f, photo[i].y / 255.f, photo[i].z / 255.f, photo[i].w / 255.f};
      return v;
    }(), cpu);
    const auto inset = io::download(resize::fit(f, 440, 440, resize::Fit::cover));
    ImageF32 bg = resize::fit(f, W, H, resize::Fit::cover);
    filter::gaussian_blur(bg, bg, {.radius = 24});
    adjust::brightness(bg, -0.25f);
    const auto back = io::download(bg);
    const auto card = io::download(r.card());
    // Where the inset lands: the shadow canvas (440 + 2*24 wide, 440 + 24 + 24 + 14 high) anchored
    // centre-right, 70 px in; the inset sits 24 px into it.
    const auto c = effect::drop_shadow_canvas(440, 440, social_card::inset_shadow);
    const int x0 = W - c.width - 70 + c.image_x, y0 = (H - c.height) / 2 + c.image_y;
    float inset_err = 0.f, back_diff = 0.f;
    for (int y = 60; y < 380; ++y)  // the inset's interior, clear of the rounded corners
      for (int x = 60; x < 380; ++x) {
        const float4 a = at(card, x0 + x, y0 + y), b = inset[std::size_t(y) * 440 + x], g = at(back, x0 + x, y0 + y);
        inset_err = std::fmax(inset_err, std::fabs(a.x - b.x) + std::fabs(a.y - b.y) + std::fabs(a.z - b.z));
        back_diff += std::fabs(a.x - g.x) + std::fabs(a.y - g.y) + std::fabs(a.z - g.z);
      }
    CHECK(inset_err < 1e-5f);
    CHECK(back_diff / (320.f * 320.f) > 0.1f);  // the inset is not the background
    // Below the text, left of the shadow: the background under the gradient overlay (darker).
    const float4 a = at(card, 40, 600), g = at(back, 40, 600);
    CHECK(a.x + a.y + a.z < g.x + g.y + g.z);
  }

  {
    INFO("the PNG round-trips exactly and the JPEG decodes to the card's size");
    const ConstImageView<uchar4> host(card8.data(), W, H, W * sizeof(uchar4), cpu);
    const auto png = io::encode(host, io::Format::png);
    std::vector<uchar4> back(card8.size());
    const auto info = io::decode(png, back);
    CHECK(info.width == W);
    CHECK(info.height == H);
    CHECK(test::max_abs_diff(back, card8) == 0);
    const auto jpg = io::encode(host, io::Format::jpeg, {.quality = social_card::jpeg_quality});
    const auto ji = io::decode(jpg, back);
    CHECK(ji.width == W);
    CHECK(ji.height == H);
    CHECK(test::max_abs_diff(back, card8) < 64);
  }

  {
    INFO("a second card of the same sizes allocates nothing and is identical");
    const auto before = memory_stats(cpu);
    std::vector<uchar4> again(card8.size());
    r.upload(photo.data(), pw, ph);
    r.compose();
    r.download(again.data());
    const auto after = memory_stats(cpu);
    CHECK(after.allocations == before.allocations);
    CHECK(test::max_abs_diff(again, card8) == 0);
  }

  {
    INFO("a photo larger than the renderer's capacity is an Error, not an overflow");
    const std::vector<uchar4> big(std::size_t(pw + 1) * ph);
    REQUIRE_IMAGECUDA_ERROR(r.upload(big.data(), pw + 1, ph), ErrorCode::invalid_argument, "capacity");
  }
}

TEST_CASE("pipeline: io::decode into caller memory matches io::load", "[pipeline][io]") {
  const int w = 97, h = 61;
  const std::vector<uchar4> photo = small_photo(w, h, 5);
  const ConstImageView<uchar4> view(photo.data(), w, h, w * sizeof(uchar4), cpu);
  for (const auto format : {io::Format::jpeg, io::Format::png}) {
    const auto bytes = io::encode(view, format, {.quality = 90});
    ImageU8 loaded(w, h, cpu);
    io::load(bytes, loaded, {.device = cpu});
    const auto expected = io::download(loaded);
    std::vector<uchar4> got(std::size_t(w) * h + 5);  // larger than needed is fine
    const auto info = io::decode(bytes, got);
    CHECK(info.width == w);
    CHECK(info.height == h);
    CHECK(info.format == format);
    got.resize(std::size_t(w) * h);
    CHECK(test::max_abs_diff(got, expected) == 0);
    std::vector<uchar4> small(std::size_t(w) * h - 1);
    REQUIRE_IMAGECUDA_ERROR(io::decode(bytes, small), ErrorCode::invalid_argument, "too few for 97x61");
  }
  std::vector<uchar4> any(16);
  const std::vector<std::byte> junk(40, std::byte{7});
  REQUIRE_IMAGECUDA_ERROR(io::decode(junk, any), ErrorCode::unsupported, "io::decode: <memory>: ");
}
