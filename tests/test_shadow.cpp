// SPDX-License-Identifier: MIT
/// effect::drop_shadow on the CPU backend: canvas rules, the reference pipeline rebuilt from
/// public ops (blur, opacity, blend::normal), the colour fix, errors, zero allocations.
#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();

/// A soft-edged opaque disc in colour on transparent black.
std::vector<float4> disc(int w, int h) {
  std::vector<float4> v(std::size_t(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float d = std::hypot(x - w / 2.f, y - h / 2.f);
      const float a = std::clamp(w / 3.f - d, 0.f, 1.f);
      v[std::size_t(y) * w + std::size_t(x)] = float4{0.2f + 0.6f * x / w, 0.5f, 0.9f - 0.5f * y / h, a};
    }
  return v;
}

/// The reference's pipeline with the colour fix, from public ops: layer = (rgb, alpha at the
/// mask position) -> gaussian_blur(blur, blur/3) -> opacity(color.a) -> normal over transparent at
/// the layer position -> the image over it.
std::vector<float4> reference(const std::vector<float4>& px, int w, int h, const effect::DropShadowParams& p) {
  const auto c = effect::drop_shadow_canvas(w, h, p);
  std::vector<float4> layer(std::size_t(c.layer_w) * c.layer_h, float4{p.color.x, p.color.y, p.color.z, 0.f});
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      layer[std::size_t(y + c.mask_y) * c.layer_w + std::size_t(x + c.mask_x)].w = px[std::size_t(y) * w + x].w;
  ImageF32 l = test::make_f32(c.layer_w, c.layer_h, layer, cpu);
  if (p.blur > 0) filter::gaussian_blur(l, l, {.radius = p.blur});
  adjust::opacity(l, p.color.w);
  ImageF32 out(c.width, c.height, cpu);
  fill::color(out, rgba(0, 0, 0, 0));
  blend::normal(out, l, {.offset_x = c.layer_x, .offset_y = c.layer_y});
  ImageF32 img = test::make_f32(w, h, px, cpu);
  blend::normal(out, img, {.offset_x = c.image_x, .offset_y = c.image_y});
  return io::download(out);
}
}  // namespace

TEST_CASE("drop_shadow: canvas rules of the reference", "[shadow]") {
  auto c = effect::drop_shadow_canvas(100, 50, {.offset_x = 10, .offset_y = -4, .blur = 20});
  CHECK(c.width == 100 + 20 + 30);  // pad_l = 20, pad_r = 20 + 10
  CHECK(c.height == 50 + 24 + 20);  // pad_t = 20 + 4, pad_b = 20
  CHECK(c.image_x == 20);
  CHECK(c.image_y == 24);
  CHECK(c.layer_x == 10);
  CHECK(c.layer_y == -4);
  c = effect::drop_shadow_canvas(100, 50, {.offset_x = 10, .offset_y = -4, .blur = 20, .expand = false});
  CHECK(c.width == 100);
  CHECK(c.height == 50);
  CHECK(c.image_x == 0);
  CHECK(c.layer_w == 100);
}

TEST_CASE("drop_shadow: equals the reference pipeline built from public ops", "[shadow]") {
  const int w = 61, h = 47;
  const auto px = disc(w, h);
  ImageF32 src = test::make_f32(w, h, px, cpu);
  const effect::DropShadowParams cases[] = {
      {},
      {.offset_x = -7, .offset_y = 3, .blur = 5, .color = float4{0.1f, 0.3f, 0.9f, 0.8f}},
      {.offset_x = 4, .offset_y = 12, .blur = 30, .expand = false},
      {.offset_x = 0, .offset_y = 0, .blur = 0, .color = float4{1, 0, 0, 1}},
  };
  for (const auto& p : cases) {
    INFO("blur " << p.blur << " offset " << p.offset_x << "," << p.offset_y << " expand " << p.expand);
    ImageF32 out = effect::drop_shadow(src, p);
    const auto c = effect::drop_shadow_canvas(w, h, p);
    REQUIRE(out.width() == c.width);
    REQUIRE(out.height() == c.height);
    CHECK(test::max_abs_diff(io::download(out), reference(px, w, h, p)) <= 1e-5f);
  }
}

TEST_CASE("drop_shadow: coloured shadows keep their colour (the reference darkens them)", "[shadow]") {
  const int w = 40, h = 40;
  std::vector<float4> px(std::size_t(w) * h, float4{0, 0, 0, 0});
  for (int y = 15; y < 25; ++y)
    for (int x = 15; x < 25; ++x) px[std::size_t(y) * w + x] = float4{1, 1, 1, 1};
  ImageF32 src = test::make_f32(w, h, px, cpu);
  const float4 red{1.f, 0.2f, 0.1f, 0.8f};
  ImageF32 out = effect::drop_shadow(src, {.offset_x = 0, .offset_y = 0, .blur = 8, .color = red});
  int shadow_px = 0;
  for (const auto& q : io::download(out)) {
    if (q.w > 1e-3f && q.w < 0.79f) {  // shadow only (the white square is opaque)
      ++shadow_px;
      REQUIRE(q.x == Approx(red.x).margin(1e-4));
      REQUIRE(q.y == Approx(red.y).margin(1e-4));
      REQUIRE(q.z == Approx(red.z).margin(1e-4));
    }
  }
  CHECK(shadow_px > 200);
}

TEST_CASE("drop_shadow: errors, destinations, zero allocations", "[shadow]") {
  const int w = 32, h = 24;
  ImageF32 src = test::make_f32(w, h, disc(w, h), cpu);
  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(effect::drop_shadow(src, {.blur = -1}), ErrorCode::invalid_argument,
                          "effect::drop_shadow: blur must be in 0..1000, got -1");
  REQUIRE_IMAGECUDA_ERROR(effect::drop_shadow(src, {.color = float4{0, NAN, 0, 1}}), ErrorCode::invalid_argument,
                          "color must be finite");
  REQUIRE_IMAGECUDA_ERROR(effect::drop_shadow(src, {.offset_x = 40000}), ErrorCode::invalid_argument,
                          "offsets must be within");
  ImageF32 small(10, 10, cpu);
  const auto with_small = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(effect::drop_shadow(src, small), ErrorCode::invalid_argument, "too small");
  CHECK(small.width() == 10);
  CHECK(memory_stats(cpu).allocations == with_small.allocations);
  small.free();
  REQUIRE_IMAGECUDA_ERROR(effect::drop_shadow(src, src), ErrorCode::invalid_argument, "must not be src's own memory");
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);

  const effect::DropShadowParams p{.offset_x = 3, .offset_y = 5, .blur = 15};
  const auto c = effect::drop_shadow_canvas(w, h, p);
  ImageF32 dst(c.width, c.height, cpu);
  Workspace ws(effect::drop_shadow_requirements(w, h, p), cpu);
  const auto b2 = memory_stats(cpu);
  for (int i = 0; i < 5; ++i) effect::drop_shadow(src, dst, p, {Stream{}, &ws});
  CHECK(memory_stats(cpu).allocations == b2.allocations);
}

TEST_CASE("drop_shadow: the one-channel coverage blur is gaussian_blur's alpha, bit for bit", "[shadow]") {
  // The layer's colour is constant, so only its alpha is blurred (detail::host::shadow_coverage,
  // V = float): the same method, segments and operations as the alpha channel of the
  // four-channel blur of the layer, so the two agree exactly on the CPU backend.
  const int w = 53, h = 38;
  const auto px = test::random_f32(w, h, 23);
  ImageF32 src = test::make_f32(w, h, px, cpu);
  for (int blur : {0, 2, 7, 12, 13, 20, 45, 90}) {
    const effect::DropShadowParams p{.offset_x = 3, .offset_y = -2, .blur = blur, .expand = blur % 2 == 1};
    const auto c = effect::drop_shadow_canvas(w, h, p);
    std::vector<float4> layer(std::size_t(c.layer_w) * c.layer_h, float4{0.4f, 0.5f, 0.6f, 0.f});
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        layer[std::size_t(y + c.mask_y) * c.layer_w + std::size_t(x + c.mask_x)].w = px[std::size_t(y) * w + x].w;
    ImageF32 l = test::make_f32(c.layer_w, c.layer_h, layer, cpu);
    filter::gaussian_blur(l, l, {.radius = blur});
    const auto four = io::download(l);
    const std::size_t n = std::size_t(c.layer_w) * c.layer_h;
    std::vector<float> cov(n), temp(n);
    const auto plan = filter::detail::gaussian_plan("test", {.radius = blur});
    detail::host::shadow_coverage(detail::ShadowAlpha{detail::pitched(ConstImageView<float4>(src.view())), c.mask_x, c.mask_y},
                                  detail::Pitched<float>{cov.data(), std::size_t(c.layer_w) * sizeof(float), c.layer_w,
                                                         c.layer_h},
                                  temp.data(), plan);
    int differ = 0;
    for (std::size_t i = 0; i < n; ++i) differ += cov[i] != four[i].w;
    INFO("blur " << blur << " method " << plan.method);
    CHECK(differ == 0);
  }
}
