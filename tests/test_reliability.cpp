// SPDX-License-Identifier: MIT
/// Reliability on the CPU backend: a soak of mixed operations (memory returns to its start, the
/// peak stays flat after warm-up), 8 threads against one, the bad-input table (every public
/// function's bad arguments are an Error with the right code; the caller's images and
/// memory_stats unchanged) and regressions from fuzzing. See docs/reliability.md.
#include "helpers.hpp"
#include "reliability.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <random>
#include <thread>

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();
constexpr float nan_f = std::numeric_limits<float>::quiet_NaN();
constexpr float inf_f = std::numeric_limits<float>::infinity();

std::vector<std::byte> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> c((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> out(c.size());
  std::memcpy(out.data(), c.data(), c.size());
  return out;
}
std::vector<std::byte> read_prefix(const std::string& corpus_file, std::size_t n) {
  auto b = read_bytes(test::data_dir() + "/fuzz-corpus/" + corpus_file);
  b.resize(std::min(n, b.size()));
  return b;
}

}  // namespace

TEST_CASE("soak: 20000 mixed operations return memory to its start; the peak stays flat", "[soak]") {
  const reliability::SoakResult r = reliability::soak(cpu, 20000, 20260101);
  std::printf("soak cpu: start %zu end %zu, peak warm-up %zu, peak steady %zu (bound %zu), %llu allocations, "
              "%llu frees\n",
              r.start, r.end, r.warm_peak, r.steady_peak, r.bound, (unsigned long long)r.allocations,
              (unsigned long long)r.frees);
  CHECK(r.end == r.start);
  CHECK(r.allocations == r.frees);
  CHECK(r.allocations > 5000);
  CHECK(r.steady_peak <= r.bound);
}

TEST_CASE("concurrency: 8 threads with their own streams produce the same pixels as one", "[concurrency]") {
  const int w = 97, h = 61;
  const ImageF32 a = test::make_f32(w, h, test::random_f32(w, h, 1), cpu);
  const ImageF32 b = test::make_f32(40, 30, test::random_f32(40, 30, 2), cpu);
  constexpr int rounds = 6;
  std::vector<std::vector<float4>> expected;
  {
    OwningStream s;
    for (int r = 0; r < rounds; ++r) expected.push_back(reliability::pipeline(a, b, cpu, s, r));
  }
  const auto before = memory_stats(cpu);
  constexpr int threads = 8;
  std::vector<int> mismatches(threads, 0), errors(threads, 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      OwningStream s;
      for (int r = 0; r < rounds; ++r) {
        const int round = (r + t) % rounds;
        try {
          if (!reliability::same_pixels(reliability::pipeline(a, b, cpu, s, round), expected[round])) ++mismatches[t];
        } catch (...) {
          ++errors[t];
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  for (int t = 0; t < threads; ++t) {
    INFO("thread " << t);
    CHECK(mismatches[t] == 0);
    CHECK(errors[t] == 0);
  }
  const auto after = memory_stats(cpu);
  CHECK(after.bytes_in_use == before.bytes_in_use);
  CHECK(after.allocations - before.allocations == after.frees - before.frees);
}

// ---------------------------------------------------------------------------------------------
// The bad-input table.
// ---------------------------------------------------------------------------------------------
namespace {
struct Fixture {
  ImageF32 src = test::make_f32(32, 24, test::random_f32(32, 24, 7), cpu);
  ImageF32 dst = test::make_f32(16, 16, test::random_f32(16, 16, 8), cpu);  // too small for most outputs
  ImageF32 big = test::make_f32(64, 64, test::random_f32(64, 64, 9), cpu);
  ImageU8 u8 = test::make_u8(8, 8, test::random_u8(8, 8, 10), cpu);
  ImageF32 freed = ImageF32(8, 8, cpu);
  ImageF32 empty;
  Fixture() { freed.free(); }
};

struct Snapshot {
  std::vector<float4> src, dst, big;
  std::vector<uchar4> u8;
  int dst_w = 0, dst_h = 0, big_w = 0, big_h = 0;
  MemoryStats stats;
  explicit Snapshot(const Fixture& f)
      : src(io::download(f.src)), dst(io::download(f.dst)), big(io::download(f.big)), u8(io::download(f.u8)),
        dst_w(f.dst.width()), dst_h(f.dst.height()), big_w(f.big.width()), big_h(f.big.height()),
        stats(memory_stats(cpu)) {}
};

struct BadCase {
  const char* name;
  ErrorCode code;
  std::function<void(Fixture&)> call;
};

#define BAD(code_, ...) BadCase{#__VA_ARGS__, ErrorCode::code_, [](Fixture& f) { (void)f; __VA_ARGS__; }}

std::vector<BadCase> bad_cases() {
  const float4 c = rgba(0.2f, 0.4f, 0.6f, 1.f);
  (void)c;
  return {
      // core
      BAD(invalid_argument, ImageF32(0, 4, cpu)),
      BAD(invalid_argument, ImageF32(4, -1, cpu)),
      BAD(invalid_argument, ImageF32(32769, 1, cpu)),
      BAD(invalid_argument, f.dst.set_size(17, 16)),
      BAD(invalid_argument, (void)f.src.crop_view(30, 0, 3, 1)),
      BAD(invalid_argument, (void)f.src.crop_view(-1, 0, 1, 1)),
      BAD(invalid_argument, (void)f.src.crop_view(0, 0, 0, 1)),
      BAD(freed, (void)f.freed.view()),
      BAD(freed, f.freed.set_size(1, 1)),
      // fill
      BAD(freed, fill::color(f.freed, rgba(1, 0, 0))),
      BAD(invalid_argument, fill::color(f.empty, rgba(1, 0, 0))),
      BAD(invalid_argument, fill::color(f.dst, rgba(nan_f, 0, 0))),
      BAD(invalid_argument, fill::color(f.dst, rgba(0, 0, 0, inf_f))),
      BAD(invalid_argument, fill::gradient(f.dst, rgba(nan_f, 0, 0), rgba(1, 1, 1))),
      BAD(invalid_argument, fill::gradient(f.dst, rgba(0, 0, 0), rgba(1, 1, 1), {.direction = fill::GradientDirection(9)})),
      BAD(invalid_argument, fill::checkerboard(f.dst, {.size = 0})),
      BAD(invalid_argument, fill::checkerboard(f.dst, {.size = -3})),
      BAD(invalid_argument, fill::checkerboard(f.dst, {.color1 = rgba(inf_f, 0, 0)})),
      BAD(invalid_argument, fill::grid(f.dst, {.spacing = 0})),
      BAD(invalid_argument, fill::grid(f.dst, {.line_width = 0})),
      BAD(invalid_argument, fill::stripes(f.dst, {.angle = nan_f})),
      BAD(invalid_argument, fill::stripes(f.dst, {.spacing = 0})),
      BAD(invalid_argument, fill::stripes(f.dst, {.width = -1})),
      BAD(invalid_argument, fill::dots(f.dst, {.spacing = 0})),
      BAD(invalid_argument, fill::dots(f.dst, {.radius = -1.f})),
      BAD(invalid_argument, fill::dots(f.dst, {.radius = nan_f})),
      BAD(invalid_argument, fill::dots(f.dst, {.softness = -1.f})),
      BAD(invalid_argument, fill::circle(f.dst, {.softness = nan_f})),
      BAD(invalid_argument, fill::circle(f.dst, {.color = rgba(0, nan_f, 0)})),
      BAD(invalid_argument, fill::noise(f.dst, {.seed = inf_f})),
      BAD(invalid_argument, fill::perlin(f.dst, {.octaves = 33})),
      BAD(invalid_argument, fill::perlin(f.dst, {.scale = nan_f})),
      BAD(invalid_argument, fill::ngon(f.dst, {.sides = 2})),
      BAD(invalid_argument, fill::ngon(f.dst, {.rotation = inf_f})),
      // filter
      BAD(invalid_argument, filter::sepia(f.dst, {.intensity = nan_f})),
      BAD(freed, filter::invert(f.freed)),
      BAD(invalid_argument, filter::threshold(f.dst, {.value = inf_f})),
      BAD(invalid_argument, filter::solarize(f.dst, {.threshold = nan_f})),
      // adjust
      BAD(invalid_argument, adjust::brightness(f.dst, nan_f)),
      BAD(invalid_argument, adjust::contrast(f.dst, inf_f)),
      BAD(invalid_argument, adjust::saturation(f.dst, nan_f)),
      BAD(invalid_argument, adjust::gamma(f.dst, nan_f)),
      BAD(invalid_argument, adjust::opacity(f.dst, -inf_f)),
      BAD(invalid_argument, adjust::hue(f.dst, nan_f)),
      BAD(invalid_argument, adjust::vibrance(f.dst, inf_f)),
      BAD(invalid_argument, adjust::chain(f.dst, {adjust::brightness(1.f), adjust::gamma(nan_f)})),
      BAD(freed, adjust::chain(f.freed, {adjust::brightness(1.f)})),
      BAD(invalid_argument, adjust::chain(f.dst, std::vector<adjust::Adjustment>(adjust::max_chain_length + 1,
                                                                               adjust::brightness(1.f)))),
      // blend
      BAD(invalid_argument, blend::normal(f.dst, f.src, {.opacity = nan_f})),
      BAD(invalid_argument, blend::multiply(f.dst, f.src, {.anchor = blend::Anchor(42)})),
      BAD(freed, blend::screen(f.dst, f.freed)),
      BAD(freed, blend::add(f.freed, f.src)),
      BAD(invalid_argument, blend::overlay(f.dst, f.empty)),
      BAD(freed, blend::mask(f.dst, f.freed)),
      BAD(invalid_argument, blend::mask(f.dst, f.src, {.anchor = blend::Anchor(-1)})),
      // effect
      BAD(invalid_argument, effect::rounded_corners(f.dst, nan_f)),
      BAD(invalid_argument, effect::vignette(f.dst, {.radius = inf_f})),
      BAD(invalid_argument, effect::vignette(f.dst, {.color = rgba(nan_f, 0, 0)})),
      BAD(invalid_argument, effect::chroma_key(f.dst, {.threshold = nan_f})),
      BAD(invalid_argument, effect::stroke(f.src, f.dst, {.width = 0})),
      BAD(invalid_argument, effect::stroke(f.src, f.dst, {.width = 1001})),
      BAD(invalid_argument, effect::stroke(f.src, f.dst, {.width = 2})),  // dst too small
      BAD(invalid_argument, effect::stroke(f.src, f.dst, {.color = rgba(nan_f, 0, 0)})),
      // (stroke's dst may alias src by design: src is copied aside first; docs/effect.md)
      BAD(freed, (void)effect::stroke(f.freed, {})),
      BAD(invalid_argument, effect::drop_shadow(f.src, f.dst, {.blur = -1})),
      BAD(invalid_argument, effect::drop_shadow(f.src, f.dst, {.blur = 1001})),
      BAD(invalid_argument, effect::drop_shadow(f.src, f.dst, {})),  // dst too small
      BAD(invalid_argument, effect::drop_shadow(f.src, f.dst, {.color = rgba(0, 0, 0, nan_f)})),
      BAD(invalid_argument, effect::drop_shadow(f.big.crop_view(0, 0, 8, 8), f.big, {.blur = 2})),  // overlap
      // neighbourhood
      // (blurs, sharpen, sobel and emboss may run in place by design: src is copied aside)
      BAD(invalid_argument, filter::gaussian_blur(f.src, f.big, {.radius = -1})),
      BAD(invalid_argument, filter::gaussian_blur(f.src, f.big, {.sigma = nan_f})),
      BAD(invalid_argument, filter::gaussian_blur(f.src, f.dst, {})),  // dst too small
      BAD(invalid_argument, filter::box_blur(f.src, f.big, {.radius = -1})),
      BAD(invalid_argument, filter::box_blur(f.src, f.dst, {})),
      BAD(freed, (void)filter::box_blur(f.freed, {})),
      BAD(invalid_argument, filter::sharpen(f.src, f.big, {.strength = nan_f})),
      BAD(invalid_argument, filter::sharpen(f.src, f.dst, {})),
      BAD(invalid_argument, filter::sobel(f.src, f.dst)),
      BAD(invalid_argument, filter::emboss(f.src, f.big, {.strength = inf_f})),
      // resize
      BAD(invalid_argument, resize::bilinear(f.src, f.big, {.width = 0})),
      BAD(invalid_argument, resize::bicubic(f.src, f.big, {.width = 8, .height = -1})),
      BAD(invalid_argument, (void)resize::nearest(f.src, {.width = 40000})),
      BAD(invalid_argument, resize::lanczos(f.src, f.dst, {.width = 20, .height = 20})),  // dst too small
      BAD(invalid_argument, resize::resize(f.src, f.big, resize::Interpolation(7), {.width = 8})),
      BAD(invalid_argument, resize::bilinear(f.big.crop_view(0, 0, 8, 8), f.big, {.width = 4})),  // overlap
      BAD(invalid_argument, resize::fit(f.src, f.big, 0, 10)),
      BAD(invalid_argument, resize::fit(f.src, f.big, 10, 10, resize::Fit(9))),
      BAD(freed, (void)resize::fit(f.freed, 10, 10)),
      // transform
      BAD(invalid_argument, transform::flip(f.src, f.dst)),  // dst too small
      BAD(invalid_argument, transform::flip(f.src, f.big, {.direction = transform::FlipDirection(5)})),
      BAD(invalid_argument, transform::flip(f.big.crop_view(0, 0, 8, 8), f.big)),  // overlap
      BAD(invalid_argument, transform::rotate(f.src, f.big, {.angle = nan_f})),
      BAD(invalid_argument, transform::rotate(f.src, f.big, {.angle = 10.f, .interpolation = resize::Interpolation(9)})),
      BAD(invalid_argument, transform::crop(f.src, f.big, {.width = 0, .height = 4})),
      BAD(invalid_argument, transform::crop(f.src, f.big, {.width = 4, .height = 40000})),
      BAD(invalid_argument, transform::zoom(f.src, f.big, {.zoom_factor = 0.f})),
      BAD(invalid_argument, transform::zoom(f.src, f.big, {.zoom_factor = nan_f})),
      BAD(invalid_argument, transform::zoom(f.src, f.big, {.center_x = inf_f})),
      BAD(freed, (void)transform::rotate(f.freed, {.angle = 3.f})),
      // io
      BAD(invalid_argument, io::upload(f.dst, std::vector<float4>(5))),
      BAD(invalid_argument, io::upload(f.dst.view(), (const float4*)nullptr, 256)),
      BAD(invalid_argument, io::upload(f.dst.view(), std::vector<float4>(256).data(), 8)),
      BAD(invalid_argument, io::copy(f.big, f.dst)),                 // dst too small
      BAD(invalid_argument, io::copy(f.src.view(), f.dst.view())),  // sizes differ
      BAD(freed, io::copy(f.freed, f.dst)),
      BAD(invalid_argument, io::convert(f.src.view(), f.u8.view())),
      BAD(invalid_argument, io::convert(f.src, f.u8)),  // dst too small
      BAD(freed, (void)io::download(f.freed)),
      BAD(decode, (void)io::load(std::span<const std::byte>{})),
      BAD(unsupported, (void)io::load(std::vector<std::byte>(100, std::byte{0x89}))),
      BAD(decode, io::load(read_prefix("png/rgba_7x5.png", 40), f.dst)),
      BAD(decode, io::load(read_prefix("jpeg/baseline_16x8.jpg", 300), f.big)),
      BAD(decode, io::load(read_bytes(test::data_dir() + "/fuzz-corpus/png/rgba_7x5.png"), f.dst, {.max_pixels = 4})),
      BAD(invalid_argument, io::load(read_bytes(test::data_dir() + "/fuzz-corpus/jpeg/exif8_16x8.jpg"), f.u8)),
      BAD(io, (void)io::load(std::filesystem::path("/nonexistent/imagecuda.png"))),
      BAD(decode, (void)io::probe(std::span<const std::byte>{})),
      BAD(invalid_argument, (void)io::encode(f.dst, io::Format::jpeg, {.quality = 0})),
      BAD(invalid_argument, (void)io::encode(f.dst, io::Format::png, {.quality = 101})),
      BAD(invalid_argument, (void)io::encode(f.dst, io::Format::png, {.bit_depth = 12})),
      BAD(unsupported, (void)io::encode(f.dst, io::Format::jpeg, {.bit_depth = 16})),
      BAD(unsupported, io::save(f.dst, "/tmp/imagecuda-reliability.bmp")),
      BAD(freed, (void)io::encode(f.freed, io::Format::png)),
#ifdef IMAGECUDA_HAS_TEXT
      // text
      BAD(invalid_argument, (void)text::create("a", {.size = nan_f})),
      BAD(invalid_argument, (void)text::create("a", {.size = 0.f})),
      BAD(invalid_argument, (void)text::create("a", {.color = rgba(inf_f, 0, 0)})),
      BAD(invalid_argument, (void)text::create("a", {.letter_spacing = nan_f})),
      BAD(invalid_argument, (void)text::create("a", {.max_width = -1})),
      BAD(invalid_argument, text::create("a much longer line of text", f.dst, {.size = 40.f})),  // dst too small
#endif
  };
}
}  // namespace

TEST_CASE("bad-input table: every case is an Error with its code; images and memory unchanged", "[errors][reliability]") {
  const auto cases = bad_cases();
  int passed = 0;
  for (const auto& bc : cases) {
    INFO("case: " << bc.name);
    Fixture f;  // fresh per case: one failing case cannot hide or cause another
    const Snapshot before(f);
    bool thrown = false;
    try {
      bc.call(f);
    } catch (const Error& e) {
      thrown = true;
      INFO("message: " << e.what());
      CHECK(to_string(e.code()) == to_string(bc.code));
    } catch (const std::exception& e) {
      FAIL_CHECK("not an imagecuda::Error: " << e.what());
      thrown = true;
    }
    if (!thrown) FAIL_CHECK("no error");
    const Snapshot after(f);
    CHECK(after.stats.bytes_in_use == before.stats.bytes_in_use);
    CHECK(after.stats.allocations == before.stats.allocations);
    CHECK(after.dst_w == before.dst_w);
    CHECK(after.dst_h == before.dst_h);
    CHECK(after.big_w == before.big_w);
    CHECK(after.big_h == before.big_h);
    CHECK(test::max_abs_diff(after.src, before.src) == 0.f);
    CHECK(test::max_abs_diff(after.dst, before.dst) == 0.f);
    CHECK(test::max_abs_diff(after.big, before.big) == 0.f);
    CHECK(test::max_abs_diff(after.u8, before.u8) == 0);
    ++passed;
  }
  CHECK(passed == int(cases.size()));
  std::printf("bad-input table: %zu cases\n", cases.size());
}

// ---------------------------------------------------------------------------------------------
// Fuzzing: every seed of the corpus loads (or fails with an Error), and crash regressions.
// ---------------------------------------------------------------------------------------------
TEST_CASE("fuzz corpus: every seed decodes or fails with an Error; truncations never crash", "[reliability][io]") {
  const auto before = memory_stats(cpu);
  int seeds = 0;
  for (const char* sub : {"png", "jpeg"}) {
    for (const auto& entry : std::filesystem::directory_iterator(test::data_dir() + "/fuzz-corpus/" + sub)) {
      const auto bytes = read_bytes(entry.path().string());
      INFO(entry.path());
      ++seeds;
      CHECK_NOTHROW((void)io::load(bytes, {.device = cpu}));
      // Every prefix and a few bit flips: an Error or an image, never a crash.
      for (std::size_t n = 0; n < bytes.size(); n += 1 + bytes.size() / 64) {
        try {
          (void)io::load(std::span<const std::byte>(bytes.data(), n), {.device = cpu});
        } catch (const Error&) {
        }
      }
      std::mt19937 rng(unsigned(bytes.size()));
      for (int k = 0; k < 64; ++k) {
        auto m = bytes;
        m[rng() % m.size()] ^= std::byte(1u << (rng() % 8));
        try {
          (void)io::load(m, {.strict = bool(k & 1), .device = cpu});
        } catch (const Error&) {
        }
      }
    }
  }
  CHECK(seeds >= 4);
  const auto after = memory_stats(cpu);
  CHECK(after.bytes_in_use == before.bytes_in_use);
}
