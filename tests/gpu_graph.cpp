// SPDX-License-Identifier: MIT
/// Graph on the CUDA backend: a recorded sequence replayed equals the CPU backend, update in
/// place, no allocations across launches, the capture rules as errors.
#include <cuda_runtime.h>

#include <stdexcept>
#include <tuple>
#include <vector>

#include "graph_frames.hpp"
#include "helpers.hpp"

using namespace imagecuda;
using namespace graph_test;

namespace {
/// A stream and three frames of the same pixels: for a graph (g), for eager GPU ops (e), on the CPU (c).
struct Frames {
  OwningStream stream;  // first: the images free themselves on it
  Frame g, e, c;
  Frames(int w, int h, const std::vector<float4>& px)
      : g(w, h, Device::cuda(0), px), e(w, h, Device::cuda(0), px), c(w, h, Device::cpu(), px) {
    synchronize(Stream{});  // the uploads ran on the default stream; the ops run on `stream`
  }
};
}  // namespace

TEST_CASE("Graph (GPU): replay equals the CPU backend and eager launches", "[gpu][graph]") {
  REQUIRE(test::has_gpu());
  Frames frames(301, 173, test::random_f32(301, 173, 42));
  auto& [stream, g, e, c] = frames;
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
  stream.synchronize();  // io::download waits for the default stream, not for `stream`
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
// two ops inlined into one kernel can differ from the ops one by one: an ulp or so of an
// intermediate, which later stages (contrast, blend modes that divide) can grow. On the H100 the
// "every stage kind" frames differed from eager by more than 2e-6 and less than 5e-6; the bound
// is the GPU-vs-CPU one.
constexpr float fused_tol = 1e-5f;

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
  stream.synchronize();  // io::download waits for the default stream, not for `stream`
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
  auto& [stream, g, e, c] = frames;

  SECTION("the ten-op frame: two passes around the blur") {
    // gradient..saturation (5 ops) and sepia..convert (4 ops) fuse; the blur's nodes stay.
    const std::size_t unfused =
        Graph::capture(Device::cuda(0), {stream, &g.ws}, [&](const Exec& ex) { ten_ops(g, 1.f, ex); }).node_count();
    const std::size_t nodes = unfused - 10 + 3;
    check_fused_equals_eager(g, e, c, stream, [](Frame& f, const Exec& ex) { ten_ops(f, 1.f, ex); }, nodes,
                             ten_ops_fused);
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
    check_fused_equals_eager(g, e, c, stream, every_stage_ops, 3, every_stage_fused);
  }
  SECTION("each fill starts a pass that does not read the pixels") {
    check_fused_equals_eager(g, e, c, stream, fill_ops, 9, fill_fused);
  }
  SECTION("hazards end a pass: an image blended onto itself, a pass's output read back") {
    check_fused_equals_eager(g, e, c, stream, hazard_ops, 5, hazard_fused);
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
  stream.synchronize();
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
