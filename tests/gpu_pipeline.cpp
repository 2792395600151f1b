// SPDX-License-Identifier: MIT
/// GPU: the social-card renderer (examples/social_card.hpp) gives the CPU backend's card, and a
/// second card of the same sizes allocates nothing on the device.
#include "helpers.hpp"

#include "../examples/social_card.hpp"

#include <vector>

using namespace imagecuda;

TEST_CASE("gpu: the social card matches the CPU backend and allocates nothing once warm", "[gpu][pipeline]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0), cpu = Device::cpu();
  constexpr int W = social_card::card_width, H = social_card::card_height;
  const int pw = 480, ph = 320;
  // One photo for both devices, painted on the CPU.
  ImageF32 painted(pw, ph, cpu);
  social_card::render_photo(painted, 11);
  ImageU8 painted8(pw, ph, cpu);
  io::convert(painted.view(), painted8);
  const std::vector<uchar4> photo = io::download(painted8);

  OwningStream stream;
  social_card::CardRenderer g(gpu, stream, {.max_photo_width = pw, .max_photo_height = ph});
  social_card::CardRenderer c(cpu, Stream{}, {.max_photo_width = pw, .max_photo_height = ph});
  std::vector<uchar4> g8(std::size_t(W) * H), c8(std::size_t(W) * H);
  const auto render = [&](social_card::CardRenderer& r, std::vector<uchar4>& out) {
    r.prepare_text();
    r.upload(photo.data(), pw, ph);
    r.compose();
    r.download(out.data());
    r.stream().synchronize();
  };
  render(g, g8);
  render(c, c8);
  const float d = test::max_abs_diff(io::download(g.card(), {stream}), io::download(c.card()));
  INFO("largest f32 difference " << d);
  CHECK(d <= 1e-3f);
  const int d8 = test::max_abs_diff(g8, c8);
  INFO("largest 8-bit difference " << d8);
  CHECK(d8 <= 1);

  const auto before = memory_stats(gpu);
  std::vector<uchar4> again(g8.size());
  render(g, again);
  CHECK(memory_stats(gpu).allocations == before.allocations);
  CHECK(test::max_abs_diff(again, g8) == 0);
}
