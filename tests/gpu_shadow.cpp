// SPDX-License-Identifier: MIT
/// GPU: effect::drop_shadow matches the CPU backend (every blur method, expand or not).
#include "helpers.hpp"

using namespace imagecuda;

TEST_CASE("gpu: drop_shadow matches the CPU backend", "[gpu][shadow]") {
  const effect::DropShadowParams cases[] = {
      {},
      {.offset_x = -15, .offset_y = 7, .blur = 6, .color = float4{0.9f, 0.2f, 0.1f, 0.7f}},
      {.offset_x = 30, .offset_y = -20, .blur = 60, .expand = false},
      {.blur = 0},
  };
  for (const auto& p : cases) {
    const float d = test::gpu_vs_cpu(700, 500, 1, 77, [&](std::vector<ImageF32>& in, Device) {
      return effect::drop_shadow(in[0], p);
    });
    INFO("blur " << p.blur);
    CHECK(d <= 2e-5f);
  }
}
