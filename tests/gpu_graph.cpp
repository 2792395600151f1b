// SPDX-License-Identifier: MIT
/// Graph on the CUDA backend: a recorded sequence replayed equals the CPU backend, update in
/// place, no allocations across launches, the capture rules as errors.
#include <cuda_runtime.h>

#include <stdexcept>
#include <tuple>
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
struct Frame {
  ImageF32 layer, frame, blurred;
  ImageU8 out;
  Workspace ws;
  // frame and blurred start with random pixels too (other seeds): ops that do not fill them read them.
  Frame(int w, int h, Device d, const std::vector<float4>& px)
      : layer(test::make_f32(w, h, px, d)), frame(test::make_f32(w, h, test::random_f32(w, h, 1001), d)),
        blurred(test::make_f32(w, h, test::random_f32(w, h, 1002), d)), out(w, h, d),
        ws(filter::blur_requirements(w, h), d) {
    synchronize(Stream{});  // the uploads ran on the legacy stream; the tests' OwningStream does not wait for it
  }
};

/// Ten ops, as a small-image frame would have.
void ten_ops(Frame& f, float t, const Exec& ex) {
  fill::gradient(f.frame, hex("#1d3557"), hex("#a8dadc"), {.direction = fill::GradientDirection::radial}, ex);
  blend::screen(f.frame, f.layer, {.opacity = 0.5f + 0.3f * t}, ex);
  adjust::brightness(f.frame, 0.05f * t, ex);
  adjust::contrast(f.frame, 1.1f, ex);
  adjust::saturation(f.frame, 1.2f, ex);
  filter::gaussian_blur(f.frame, f.blurred, {.radius = 6}, ex);
  filter::sepia(f.blurred, {.intensity = 0.3f}, ex);
  effect::vignette(f.blurred, {}, ex);
  effect::rounded_corners(f.blurred, 12.f, ex);
  io::convert(f.blurred, f.out, ex);
}
/// A stream and three frames of the same pixels: for a graph (g), for eager GPU ops (e), on the CPU (c).
struct Frames {
  OwningStream stream;  // first: the images free themselves on it
  Frame g, e, c;
  Frames(int w, int h, const std::vector<float4>& px)
      : g(w, h, Device::cuda(0), px), e(w, h, Device::cuda(0), px), c(w, h, Device::cpu(), px) {}
};
}  // namespace

TEST_CASE("Graph (GPU): replay equals the CPU backend and eager launches", "[gpu][graph]") {
  REQUIRE(test::has_gpu());
  Frames frames(301, 173, test::random_f32(301, 173, 42));
  OwningStream& stream = frames.stream;
  Frame &g = frames.g, &e = frames.e, &c = frames.c;
  const Exec gex{stream, &g.ws};
  Graph graph = Graph::capture(Device::cuda(0), gex, [&](const Exec& ex) { ten_ops(g, 1.f, ex); });
  CHECK(graph.node_count() >= 10);
  CHECK(graph.device() == Device::cuda(0));
  Graph cpu_graph = Graph::capture(Device::cpu(), {Stream{}, &c.ws}, [&](const Exec& ex) { ten_ops(c, 1.f, ex); });
  ten_ops(e, 1.f, {stream, &e.ws});

  const MemoryStats before = memory_stats(Device::cuda(0));
  for (int i = 0; i < 20; ++i) graph.launch();
  cpu_graph.launch();
  const MemoryStats after = memory_stats(Device::cuda(0));
  CHECK(after.allocations == before.allocations);

  const auto gpu_px = io::download(g.blurred);
  CHECK(test::max_abs_diff(gpu_px, io::download(c.blurred)) <= 1e-5f);
  CHECK(test::max_abs_diff(gpu_px, io::download(e.blurred)) == 0.f);  // same kernels, same order
  CHECK(test::max_abs_diff(io::download(g.out), io::download(c.out)) <= 1);
}

TEST_CASE("Graph (GPU): update with new parameters patches the graph in place", "[gpu][graph]") {
  REQUIRE(test::has_gpu());
  const int w = 128, h = 96;
  const auto px = test::random_f32(w, h, 7);
  OwningStream stream;  // first: the images free themselves on it
  Frame g(w, h, Device::cuda(0), px), c(w, h, Device::cpu(), px);
  const Exec gex{stream, &g.ws};
  Graph graph = Graph::capture(Device::cuda(0), gex, [&](const Exec& ex) { ten_ops(g, 0.5f, ex); });
  const std::size_t nodes = graph.node_count();
  graph.launch();
  const auto first = io::download(g.blurred);
  graph.update(gex, [&](const Exec& ex) { ten_ops(g, 1.f, ex); });  // same ops, other parameters
  CHECK(graph.updated_in_place());
  CHECK(graph.node_count() == nodes);
  graph.launch();
  ten_ops(c, 1.f, {Stream{}, &c.ws});
  const auto second = io::download(g.blurred);
  CHECK(test::max_abs_diff(first, second) > 1e-3f);  // the parameters did change
  CHECK(test::max_abs_diff(second, io::download(c.blurred)) <= 1e-5f);

  // t = 0 makes brightness(0) a no-op that launches nothing: another topology, re-instantiated.
  graph.update(gex, [&](const Exec& ex) { ten_ops(g, 0.f, ex); });
  CHECK_FALSE(graph.updated_in_place());
  CHECK(graph.node_count() == nodes - 1);
  graph.launch();
  ten_ops(c, 0.f, {Stream{}, &c.ws});
  CHECK(test::max_abs_diff(io::download(g.blurred), io::download(c.blurred)) <= 1e-5f);
}

TEST_CASE("Graph (GPU): capture rules are errors and leave the stream usable", "[gpu][graph][errors]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  OwningStream stream;  // first: the images free themselves on it
  ImageF32 src = test::make_f32(64, 48, test::random_f32(64, 48, 5), gpu);
  ImageF32 dst(64, 48, gpu);
  const MemoryStats before = memory_stats(gpu);
  // The legacy default stream cannot be captured.
  REQUIRE_IMAGECUDA_ERROR(Graph::capture(gpu, {}, [&](const Exec& ex) { filter::invert(dst, ex); }),
                          ErrorCode::invalid_argument, "legacy default stream");
  // No workspace: the blur's scratch would be allocated inside the capture.
  REQUIRE_IMAGECUDA_ERROR(
      Graph::capture(gpu, {stream}, [&](const Exec& ex) { filter::gaussian_blur(src, dst, {.radius = 3}, ex); }),
      ErrorCode::invalid_argument, "inside a Graph recording");
  // An exception of the caller's ends the capture too.
  CHECK_THROWS_AS(Graph::capture(gpu, {stream}, [&](const Exec& ex) {
                    filter::invert(dst, ex);
                    throw std::runtime_error("user");
                  }),
                  std::runtime_error);
  // A host->device upload cannot live in a graph (the host memory may be gone at replay).
  std::vector<float4> host(64 * 48, float4{0.5f, 0.5f, 0.5f, 1.f});
  REQUIRE_IMAGECUDA_ERROR(Graph::capture(gpu, {stream}, [&](const Exec& ex) { io::upload(dst, host, ex); }),
                          ErrorCode::invalid_argument, "cannot be recorded in a Graph");
  // The stream works eagerly afterwards, and nothing leaked.
  filter::gaussian_blur(src, dst, {.radius = 3}, {stream});
  stream.synchronize();
  const auto a = io::download(dst);
  CHECK(a[100].w > 0.f);
  CHECK(memory_stats(gpu).bytes_in_use == before.bytes_in_use);
}

// ------------------------------------------------------------------------------------------------
// Per-pixel fusion (GraphOptions::fuse_per_pixel)
// ------------------------------------------------------------------------------------------------
namespace {
constexpr GraphOptions fused{.fuse_per_pixel = true};
// The fused pass applies each op's own functor in order; only floating-point contraction across
// two ops inlined into one kernel can differ from the ops one by one (an ulp or so).
constexpr float fused_tol = 2e-6f;

/// Records `ops` fused, replays it twice on `g`, runs it eagerly on `e` and on the CPU on `c`.
template <class Ops>
void check_fused_equals_eager(Frame& g, Frame& e, Frame& c, OwningStream& stream, Ops ops, std::size_t nodes,
                              std::size_t fused_ops) {
  Graph graph = Graph::capture(Device::cuda(0), {stream, &g.ws}, [&](const Exec& ex) { ops(g, ex); }, fused);
  CHECK(graph.node_count() == nodes);
  CHECK(graph.fused_ops() == fused_ops);
  graph.launch();
  graph.launch();  // a replay starts from the pixels the first one left: the ops must not drift apart
  ops(e, {stream, &e.ws});
  ops(e, {stream, &e.ws});
  ops(c, {Stream{}, &c.ws});
  ops(c, {Stream{}, &c.ws});
  for (auto [a, b, cpu, name] : {std::tuple{&g.frame, &e.frame, &c.frame, "frame"},
                                 std::tuple{&g.blurred, &e.blurred, &c.blurred, "blurred"}}) {
    INFO(name);
    const auto gpx = io::download(*a);
    CHECK(test::max_abs_diff(gpx, io::download(*b)) <= fused_tol);
    CHECK(test::max_abs_diff(gpx, io::download(*cpu)) <= 1e-5f);
  }
  CHECK(test::max_abs_diff(io::download(g.out), io::download(e.out)) <= 1);
  CHECK(test::max_abs_diff(io::download(g.out), io::download(c.out)) <= 1);
}
}  // namespace

TEST_CASE("Graph (GPU): fused per-pixel passes equal the ops one by one", "[gpu][graph][fuse]") {
  REQUIRE(test::has_gpu());
  Frames frames(301, 173, test::random_f32(301, 173, 4242));
  OwningStream& stream = frames.stream;
  Frame &g = frames.g, &e = frames.e, &c = frames.c;

  SECTION("the ten-op frame: two passes around the blur") {
    // gradient..saturation (5 ops) and sepia..convert (4 ops) fuse; the blur's nodes stay.
    const std::size_t unfused =
        Graph::capture(Device::cuda(0), {stream, &g.ws}, [&](const Exec& ex) { ten_ops(g, 1.f, ex); }).node_count();
    const std::size_t nodes = unfused - 10 + 3;
    check_fused_equals_eager(g, e, c, stream, [](Frame& f, const Exec& ex) { ten_ops(f, 1.f, ex); }, nodes, 9);
    const MemoryStats before = memory_stats(Device::cuda(0));
    Graph graph = Graph::capture(Device::cuda(0), {stream, &g.ws}, [&](const Exec& ex) { ten_ops(g, 1.f, ex); }, fused);
    for (int i = 0; i < 10; ++i) graph.launch();
    stream.synchronize();
    CHECK(memory_stats(Device::cuda(0)).allocations == before.allocations);
    // update keeps the options, and the same topology updates in place.
    graph.update({stream, &g.ws}, [&](const Exec& ex) { ten_ops(g, 0.5f, ex); });
    CHECK(graph.options().fuse_per_pixel);
    CHECK(graph.updated_in_place());
    CHECK(graph.node_count() == nodes);
  }
  SECTION("every stage kind, random overlays and masks") {
    check_fused_equals_eager(
        g, e, c, stream,
        [](Frame& f, const Exec& ex) {
          // frame keeps its random pixels (no fill): blends and masks read the random layer.
          blend::overlay(f.frame, f.layer, {.opacity = 0.7f}, ex);
          blend::soft_light(f.frame, f.layer, {}, ex);
          blend::composite(f.frame, f.layer, blend::Mode::hue, {.opacity = 0.5f}, ex);
          blend::composite(f.frame, f.layer, blend::Mode::color_burn, {.opacity = 0.3f}, ex);
          blend::mask(f.frame, f.layer, {.mode = blend::MaskMode::luminance}, ex);
          adjust::chain(f.frame, {adjust::brightness(0.05f), adjust::contrast(1.2f), adjust::saturation(0.8f),
                                  adjust::gamma(1.4f), adjust::opacity(0.9f), adjust::hue(40.f),
                                  adjust::vibrance(0.3f)},
                        ex);
          filter::sepia(f.frame, {.intensity = 0.4f}, ex);
          filter::solarize(f.frame, {.threshold = 0.8f}, ex);
          filter::invert(f.frame, ex);
          effect::chroma_key(f.frame, {.key_color = rgba(0.2f, 0.6f, 0.3f, 1.f), .threshold = 0.5f}, ex);
          effect::vignette(f.frame, {.color = rgba(0.1f, 0.f, 0.2f, 0.8f)}, ex);
          effect::rounded_corners(f.frame, 20.f, ex);
          io::convert(f.frame, f.out, ex);  // 19 ops: a pass holds 16, so two passes
          filter::threshold(f.blurred, {.value = 0.4f}, ex);  // another view: a pass of one (its own kernel)
        },
        3, 19);
  }
  SECTION("each fill starts a pass that does not read the pixels") {
    check_fused_equals_eager(
        g, e, c, stream,
        [](Frame& f, const Exec& ex) {
          const auto tail = [&](ImageView<float4> v) {
            adjust::hue(v, 25.f, ex);
            blend::multiply(v, f.layer, {}, ex);
          };
          auto a = f.frame.crop_view(0, 0, 150, 173), b = f.frame.crop_view(150, 0, 151, 173);
          fill::color(a, rgba(0.3f, 0.5f, 0.7f, 0.9f), ex);
          tail(a);
          fill::gradient(b, hex("#ff0000"), hex("#0000ff"), {.direction = fill::GradientDirection::diagonal}, ex);
          tail(b);
          fill::checkerboard(a, {.size = 7, .offset_x = 3}, ex);
          tail(a);
          fill::grid(b, {.spacing = 9}, ex);
          tail(b);
          fill::stripes(a, {.angle = 30.f, .spacing = 13, .width = 5}, ex);
          tail(a);
          fill::dots(b, {.spacing = 11, .radius = 4.f}, ex);
          tail(b);
          fill::circle(a, {.softness = 0.3f}, ex);
          tail(a);
          fill::noise(b, {.seed = 3.f, .monochrome = false}, ex);
          tail(b);
          fill::ngon(f.frame, {.sides = 6, .softness = 0.1f}, ex);
          tail(f.frame);
          io::convert(f.frame, f.out, ex);
        },
        9, 28);
  }
  SECTION("hazards end a pass: an image blended onto itself, a pass's output read back") {
    check_fused_equals_eager(
        g, e, c, stream,
        [](Frame& f, const Exec& ex) {
          adjust::brightness(f.frame, 0.1f, ex);
          blend::multiply(f.frame, f.frame, {}, ex);  // reads what the pass writes: a new pass
          filter::sepia(f.frame, {.intensity = 0.5f}, ex);
          blend::screen(f.blurred, f.frame, {}, ex);  // another view reading frame: frame's pass first
          adjust::contrast(f.blurred, 1.3f, ex);
          io::convert(f.blurred, f.out, ex);
          io::convert(f.out, f.frame, ex);  // 8 -> 32 bit is not a stage: it sees the pass's output
          adjust::gamma(f.frame, 2.2f, ex);
          adjust::hue(f.frame, -30.f, ex);
        },
        5, 7);  // brightness alone; multiply+sepia; screen+contrast+convert; the 8->32 bit map; gamma+hue
  }
}

TEST_CASE("Graph (GPU): fusion ends with the recording, and at Graph::barrier", "[gpu][graph][fuse]") {
  REQUIRE(test::has_gpu());
  const Device gpu = Device::cuda(0);
  const int w = 97, h = 61;
  const auto px = test::random_f32(w, h, 9);
  OwningStream stream;  // first: the images free themselves on it
  ImageF32 a = test::make_f32(w, h, px, gpu), b(w, h, gpu), ref = test::make_f32(w, h, px, gpu);
  synchronize(Stream{});  // the uploads, before work on the non-blocking stream
  const MemoryStats before = memory_stats(gpu);

  // A recording that throws leaves no pass behind: the next eager ops run as they are.
  CHECK_THROWS_AS(Graph::capture(
                      gpu, {stream},
                      [&](const Exec& ex) {
                        filter::invert(a, ex);
                        adjust::brightness(a, 0.2f, ex);
                        throw std::runtime_error("user");
                      },
                      fused),
                  std::runtime_error);
  filter::sepia(a, {.intensity = 0.6f}, {stream});
  filter::sepia(ref, {.intensity = 0.6f}, {stream});
  CHECK(test::max_abs_diff(io::download(a), io::download(ref)) == 0.f);

  // Device work of the caller's own after a barrier sees the pass's pixels.
  Graph graph = Graph::capture(
      gpu, {stream},
      [&](const Exec& ex) {
        filter::invert(a, ex);
        adjust::contrast(a, 1.5f, ex);
        Graph::barrier();
        REQUIRE(cudaMemcpy2DAsync(b.data(), b.pitch(), a.data(), a.pitch(), std::size_t(w) * sizeof(float4), h,
                                  cudaMemcpyDeviceToDevice, ex.stream.value()) == cudaSuccess);
      },
      fused);
  CHECK(graph.node_count() == 2);
  CHECK(graph.fused_ops() == 2);
  graph.launch();
  filter::invert(ref, {stream});
  adjust::contrast(ref, 1.5f, {stream});
  stream.synchronize();  // b was written by the caller's own copy: io::download(b) would not wait for it
  const auto want = io::download(ref);
  CHECK(test::max_abs_diff(io::download(a), want) <= fused_tol);
  CHECK(test::max_abs_diff(io::download(b), want) <= fused_tol);
  CHECK(memory_stats(gpu).bytes_in_use == before.bytes_in_use);
}
