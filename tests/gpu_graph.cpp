// SPDX-License-Identifier: MIT
/// Graph on the CUDA backend: a recorded sequence replayed equals the CPU backend, update in
/// place, no allocations across launches, the capture rules as errors.
#include <vector>

#include "helpers.hpp"

using namespace imagecuda;

namespace {
struct Frame {
  ImageF32 layer, frame, blurred;
  ImageU8 out;
  Workspace ws;
  Frame(int w, int h, Device d, const std::vector<float4>& px)
      : layer(test::make_f32(w, h, px, d)), frame(w, h, d), blurred(w, h, d), out(w, h, d),
        ws(filter::blur_requirements(w, h), d) {}
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
}  // namespace

TEST_CASE("Graph (GPU): replay equals the CPU backend and eager launches", "[gpu][graph]") {
  REQUIRE(test::has_gpu());
  const int w = 301, h = 173;
  const auto px = test::random_f32(w, h, 42);
  OwningStream stream;  // first: the images free themselves on it
  Frame g(w, h, Device::cuda(0), px), c(w, h, Device::cpu(), px), e(w, h, Device::cuda(0), px);
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
