// SPDX-License-Identifier: MIT
/// filter::gaussian_blur and filter::box_blur on the CPU backend against a double-precision
/// direct separable convolution with the reference's weights.
#include <cmath>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();

/// Exact reference: premultiply, separable convolution in double (clamp-to-edge), un-premultiply.
std::vector<float4> reference_blur(const std::vector<float4>& in, int w, int h, const std::vector<double>& k) {
  const int r = int(k.size()) - 1;
  std::vector<double> a(in.size() * 4), t(in.size() * 4), o(in.size() * 4);
  for (std::size_t i = 0; i < in.size(); ++i) {
    a[4 * i + 0] = double(in[i].x) * in[i].w;
    a[4 * i + 1] = double(in[i].y) * in[i].w;
    a[4 * i + 2] = double(in[i].z) * in[i].w;
    a[4 * i + 3] = in[i].w;
  }
  auto idx = [&](int x, int y) { return 4 * (std::size_t(y) * std::size_t(w) + std::size_t(x)); };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 4; ++c) {
        double s = 0;
        for (int i = -r; i <= r; ++i) s += k[std::size_t(std::abs(i))] * a[idx(std::clamp(x + i, 0, w - 1), y) + c];
        t[idx(x, y) + c] = s;
      }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 4; ++c) {
        double s = 0;
        for (int i = -r; i <= r; ++i) s += k[std::size_t(std::abs(i))] * t[idx(x, std::clamp(y + i, 0, h - 1)) + c];
        o[idx(x, y) + c] = s;
      }
  std::vector<float4> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double al = o[4 * i + 3];
    out[i] = al > 1e-12 ? float4{float(o[4 * i] / al), float(o[4 * i + 1] / al), float(o[4 * i + 2] / al), float(al)}
                        : float4{0, 0, 0, 0};
  }
  return out;
}

std::vector<double> gaussian_weights(int r, double sigma) {
  std::vector<double> k(std::size_t(r) + 1);
  double sum = 0;
  for (int i = 0; i <= r; ++i) {
    k[std::size_t(i)] = std::exp(-double(i) * i / (2 * sigma * sigma));
    sum += (i ? 2 : 1) * k[std::size_t(i)];
  }
  for (auto& v : k) v /= sum;
  return k;
}

std::vector<float4> opaque(std::vector<float4> v) {
  for (auto& p : v) p.w = 1.f;
  return v;
}
}  // namespace

TEST_CASE("gaussian_blur: the reference's weights", "[blur]") {
  // PYIMAGECUDA.md: r=3, sigma=1 -> [0.39905, 0.242036, 0.054006, 0.004433]
  const auto plan = detail::plan_gaussian(3, 1.f, 5e-5);
  CHECK(plan.method == detail::BlurPlan::direct);
  CHECK(plan.weights[0] == Approx(0.39905).margin(1e-5));
  CHECK(plan.weights[1] == Approx(0.242036).margin(1e-6));
  CHECK(plan.weights[2] == Approx(0.054006).margin(1e-6));
  CHECK(plan.weights[3] == Approx(0.004433).margin(1e-6));
  const auto p5 = detail::plan_gaussian(5, 5.f / 3.f, 5e-5);
  CHECK(p5.weights[0] == Approx(0.239559).margin(1e-6));
  CHECK(p5.weights[5] == Approx(0.002661).margin(1e-6));
}

TEST_CASE("gaussian_blur: matches the exact separable convolution (opaque, every method)", "[blur]") {
  const int w = 97, h = 61;
  const auto px = opaque(test::random_f32(w, h, 17));
  ImageF32 src = test::make_f32(w, h, px, cpu);
  struct Case {
    int r;
    float sigma;  // 0: default r/3
    float tol;
    int method;
  };
  const Case cases[] = {
      {1, 0, 1e-5f, detail::BlurPlan::direct},   {3, 0, 1e-5f, detail::BlurPlan::direct},
      {10, 0, 1e-5f, detail::BlurPlan::direct},  {12, 0, 1e-5f, detail::BlurPlan::direct},  {24, 0, 1e-4f, detail::BlurPlan::cosine},
      {30, 0, 1e-4f, detail::BlurPlan::cosine},  {50, 0, 1e-4f, detail::BlurPlan::cosine},
      {80, 0, 2e-3f, detail::BlurPlan::cosine},  {200, 0, 2e-3f, detail::BlurPlan::cosine},
      {40, 40.f, 1e-4f, detail::BlurPlan::cosine}, {60, 8.f, 1e-5f, detail::BlurPlan::direct},
  };
  for (const auto& c : cases) {
    const float sigma = c.sigma > 0 ? c.sigma : float(c.r) / 3.f;
    double bound = -1;
    const auto plan = detail::plan_gaussian(c.r, sigma, c.r <= 50 ? 5e-5 : 1e-3, &bound);
    INFO("radius " << c.r << " sigma " << sigma << " method " << plan.method << " bound " << bound);
    CHECK(plan.method == c.method);
    ImageF32 out(w, h, cpu);
    filter::gaussian_blur(src, out, {.radius = c.r, .sigma = c.sigma > 0 ? std::optional<float>(c.sigma) : std::nullopt});
    const auto ref = reference_blur(px, w, h, gaussian_weights(c.r, sigma));
    const float err = test::max_abs_diff(io::download(out), ref);
    CHECK(err <= c.tol);
    CHECK(err <= bound + 2e-5);  // the bound covers the fit; float32 rounding adds ~1e-5 at most
  }
}

TEST_CASE("gaussian_blur: transparent edges get no dark fringe (premultiplied)", "[blur]") {
  // An opaque white square on transparent black: straight-alpha blurring (the reference)
  // darkens the edge; premultiplied blurring keeps the colour white wherever alpha > 0.
  const int w = 40, h = 40;
  std::vector<float4> px(std::size_t(w) * h, float4{0, 0, 0, 0});
  for (int y = 10; y < 30; ++y)
    for (int x = 10; x < 30; ++x) px[std::size_t(y) * w + std::size_t(x)] = float4{1, 1, 1, 1};
  ImageF32 src = test::make_f32(w, h, px, cpu);
  for (int r : {5, 40}) {
    ImageF32 out = filter::gaussian_blur(src, {.radius = r});
    int partial = 0;
    for (const auto& p : io::download(out)) {
      if (p.w > 1e-4f) {
        REQUIRE(p.x == Approx(1.f).margin(2e-3));
        REQUIRE(p.y == Approx(1.f).margin(2e-3));
      }
      partial += p.w > 0.01f && p.w < 0.99f;
    }
    CHECK(partial > 100);  // the edge really is soft
  }
}

TEST_CASE("gaussian_blur: copies, in place, destinations, workspaces", "[blur]") {
  const int w = 50, h = 30;
  const auto px = test::random_f32(w, h, 3);
  ImageF32 src = test::make_f32(w, h, px, cpu);
  // radius 0 and tiny sigma copy (the reference's early-outs)
  CHECK(test::max_abs_diff(io::download(filter::gaussian_blur(src, {.radius = 0})), px) == 0.f);
  CHECK(test::max_abs_diff(io::download(filter::gaussian_blur(src, {.radius = 5, .sigma = 0.0005f})), px) == 0.f);
  CHECK(test::max_abs_diff(io::download(filter::gaussian_blur(src, {.radius = 5, .sigma = -2.f})), px) == 0.f);
  // in place equals out of place, for the direct and the cosine method
  for (int r : {4, 60}) {
    ImageF32 a = test::make_f32(w, h, px, cpu);
    ImageF32 b = filter::gaussian_blur(a, {.radius = r});
    filter::gaussian_blur(a, a, {.radius = r});
    CHECK(test::max_abs_diff(io::download(a), io::download(b)) == 0.f);
  }
  // destination too small: error, untouched
  ImageF32 small(10, 10, cpu);
  fill::color(small, rgba(1, 0, 0, 1));
  REQUIRE_IMAGECUDA_ERROR(filter::gaussian_blur(src, small, {.radius = 3}), ErrorCode::invalid_argument,
                          "dst capacity of 100 pixels is too small for 50x30");
  CHECK(small.width() == 10);
  CHECK(io::download(small)[0].x == 1.f);
  // with a destination and a workspace: zero allocations in steady state
  Workspace ws(cpu);
  ImageF32 dst(w, h, cpu);
  const Exec ex{Stream{}, &ws};
  filter::gaussian_blur(src, dst, {.radius = 70}, ex);
  const auto before = memory_stats(cpu);
  for (int i = 0; i < 10; ++i) {
    filter::gaussian_blur(src, dst, {.radius = 3 + i}, ex);
    filter::gaussian_blur(src, dst, {.radius = 70}, ex);
    filter::box_blur(src, dst, {.radius = 9}, ex);
  }
  CHECK(memory_stats(cpu).allocations == before.allocations);
  CHECK(filter::blur_requirements(w, h).bytes >= std::size_t(w) * h * sizeof(float4));
}

TEST_CASE("gaussian_blur: bad arguments", "[blur][errors]") {
  ImageF32 src(8, 8, cpu);
  fill::color(src, rgba(0, 0, 0, 1));
  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(filter::gaussian_blur(src, {.radius = -3}), ErrorCode::invalid_argument,
                          "filter::gaussian_blur: radius must be >= 0, got -3");
  REQUIRE_IMAGECUDA_ERROR(filter::gaussian_blur(src, {.radius = 1001}), ErrorCode::invalid_argument,
                          "radius must be <= 1000, got 1001");
  REQUIRE_IMAGECUDA_ERROR(filter::gaussian_blur(src, {.radius = 3, .sigma = NAN}), ErrorCode::invalid_argument,
                          "sigma must be finite");
  REQUIRE_IMAGECUDA_ERROR(filter::box_blur(src, {.radius = -1}), ErrorCode::invalid_argument,
                          "filter::box_blur: radius must be in 0..1000, got -1");
  ImageF32 freed(4, 4, cpu);
  freed.free();
  REQUIRE_IMAGECUDA_ERROR(filter::gaussian_blur(src, freed), ErrorCode::freed, "dst was freed");
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
}

TEST_CASE("box_blur: equals the brute-force mean, small and large radii", "[blur]") {
  const int w = 45, h = 33;
  const auto px = opaque(test::random_f32(w, h, 8));
  ImageF32 src = test::make_f32(w, h, px, cpu);
  for (int r : {1, 5, 12, 60}) {
    std::vector<double> k(std::size_t(r) + 1, 1.0 / (2 * r + 1));
    const auto ref = reference_blur(px, w, h, k);
    ImageF32 out = filter::box_blur(src, {.radius = r});
    INFO("radius " << r);
    CHECK(test::max_abs_diff(io::download(out), ref) <= 2e-5f);
  }
}

TEST_CASE("gaussian_blur: 1xN and Nx1 images", "[blur]") {
  for (auto [w, h] : {std::pair{1, 37}, std::pair{37, 1}, std::pair{1, 1}}) {
    const auto px = opaque(test::random_f32(w, h, 5));
    ImageF32 src = test::make_f32(w, h, px, cpu);
    for (int r : {2, 40}) {
      ImageF32 out = filter::gaussian_blur(src, {.radius = r});
      const auto ref = reference_blur(px, w, h, gaussian_weights(r, r / 3.0));
      INFO(w << "x" << h << " radius " << r);
      CHECK(test::max_abs_diff(io::download(out), ref) <= 1e-4f);
    }
  }
}

namespace {
/// The reference formulas of sharpen/sobel/emboss on an opaque image, straight from PYIMAGECUDA.md.
float4 px_at(const std::vector<float4>& v, int w, int h, int x, int y) {
  return v[std::size_t(std::clamp(y, 0, h - 1)) * std::size_t(w) + std::size_t(std::clamp(x, 0, w - 1))];
}
}  // namespace

TEST_CASE("sharpen, sobel, emboss: the reference's kernels on opaque images", "[stencil]") {
  const int w = 23, h = 17;
  const auto px = opaque(test::random_f32(w, h, 21));
  ImageF32 src = test::make_f32(w, h, px, cpu);
  const auto sh = io::download(filter::sharpen(src, {.strength = 0.7f}));
  const auto so = io::download(filter::sobel(src));
  const auto em = io::download(filter::emboss(src, {.strength = 1.5f}));
  float e_sh = 0, e_so = 0, e_em = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::size_t i = std::size_t(y) * w + std::size_t(x);
      const float4 c = px[i];
      // sharpen: neighbours outside are omitted
      float n[3] = {0, 0, 0};
      const int dx[4] = {-1, 1, 0, 0}, dy[4] = {0, 0, -1, 1};
      for (int k = 0; k < 4; ++k) {
        const int xx = x + dx[k], yy = y + dy[k];
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const float4 q = px[std::size_t(yy) * w + std::size_t(xx)];
        n[0] += q.x; n[1] += q.y; n[2] += q.z;
      }
      const float s = 0.7f;
      const float r = std::clamp((1 + 4 * s) * c.x - s * n[0], 0.f, 1.f);
      e_sh = std::max({e_sh, std::fabs(sh[i].x - r), std::fabs(sh[i].w - c.w)});
      // sobel (red channel) and emboss (green channel), clamp-to-edge
      auto P = [&](int ox, int oy) { return px_at(px, w, h, x + ox, y + oy); };
      const float gx = -P(-1, -1).x + P(1, -1).x - 2 * P(-1, 0).x + 2 * P(1, 0).x - P(-1, 1).x + P(1, 1).x;
      const float gy = -P(-1, -1).x - 2 * P(0, -1).x - P(1, -1).x + P(-1, 1).x + 2 * P(0, 1).x + P(1, 1).x;
      e_so = std::max({e_so, std::fabs(so[i].x - std::sqrt(gx * gx + gy * gy)), std::fabs(so[i].w - 1.f)});
      const float sum = -2 * P(-1, -1).y - P(0, -1).y - P(-1, 0).y + P(0, 0).y + P(1, 0).y + P(0, 1).y + 2 * P(1, 1).y;
      e_em = std::max({e_em, std::fabs(em[i].y - (sum * 1.5f + 0.5f)), std::fabs(em[i].w - 1.f)});
    }
  CHECK(e_sh <= 2e-6f);
  CHECK(e_so <= 2e-6f);
  CHECK(e_em <= 2e-6f);
  // in place equals out of place; early-outs copy; bad strengths
  ImageF32 a = test::make_f32(w, h, px, cpu);
  filter::sharpen(a, a, {.strength = 0.7f});
  CHECK(test::max_abs_diff(io::download(a), sh) == 0.f);
  CHECK(test::max_abs_diff(io::download(filter::emboss(src, {.strength = 0.f})), px) == 0.f);
  const auto before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(filter::sharpen(src, {.strength = -1.f}), ErrorCode::invalid_argument,
                          "filter::sharpen: strength must be >= 0, got -1");
  REQUIRE_IMAGECUDA_ERROR(filter::emboss(src, {.strength = INFINITY}), ErrorCode::invalid_argument,
                          "filter::emboss: strength must be finite");
  CHECK(memory_stats(cpu).allocations == before.allocations);
}

TEST_CASE("sharpen: a transparent neighbour does not darken an opaque edge", "[stencil]") {
  std::vector<float4> px = {float4{0, 0, 0, 0}, float4{0.5f, 0.5f, 0.5f, 1}, float4{0.5f, 0.5f, 0.5f, 1}};
  ImageF32 src = test::make_f32(3, 1, px, cpu);
  const auto out = io::download(filter::sharpen(src, {.strength = 1.f}));
  // premultiplied: the transparent neighbour contributes 0, like an omitted one would in the reference
  CHECK(out[1].x == Approx(std::clamp(5 * 0.5f - 0.5f, 0.f, 1.f)));
  CHECK(out[0].w == 0.f);
}
