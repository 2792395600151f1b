// SPDX-License-Identifier: MIT
/// Graph on the CPU backend: launch() runs the recording again and gives what eager ops give;
/// the no-allocation rule, update(), per-pixel fusion, empty graphs and bad arguments.
#include <cstring>
#include <stdexcept>
#include <vector>

#include "graph_frames.hpp"
#include "helpers.hpp"

using namespace imagecuda;

namespace {
const Device cpu = Device::cpu();

/// A few ops of different kinds (generate, blend, adjust, neighbourhood with scratch, effect).
void frame_ops(ImageF32& frame, ImageF32& layer, ImageF32& blurred, float brightness, const Exec& ex) {
  fill::gradient(frame, hex("#0b132b"), hex("#5bc0be"), {.direction = fill::GradientDirection::diagonal}, ex);
  blend::screen(frame, layer, {.opacity = 0.7f}, ex);
  adjust::brightness(frame, brightness, ex);
  filter::gaussian_blur(frame, blurred, {.radius = 5}, ex);
  effect::vignette(blurred, {.radius = 0.6f}, ex);
  effect::rounded_corners(blurred, 9.f, ex);
}

bool same_bits(const std::vector<float4>& a, const std::vector<float4>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float4)) == 0;
}
}  // namespace

TEST_CASE("Graph (CPU): launch runs the recording and equals eager ops bit for bit", "[graph]") {
  const int w = 67, h = 41;
  ImageF32 layer = test::make_f32(w, h, test::random_f32(w, h, 11), cpu);
  ImageF32 frame(w, h, cpu), blurred(w, h, cpu);
  ImageF32 frame2(w, h, cpu), blurred2(w, h, cpu);
  Workspace ws(filter::blur_requirements(w, h), cpu);
  const Exec ex{Stream{}, &ws};

  frame_ops(frame, layer, blurred, 0.1f, ex);  // eager
  Graph g = Graph::capture(cpu, ex, [&](const Exec& e) { frame_ops(frame2, layer, blurred2, 0.1f, e); });
  CHECK_FALSE(g.empty());
  CHECK(g.device() == cpu);
  CHECK(g.node_count() == 0);
  fill::color(blurred2, rgba(1, 0, 0, 1), ex);  // capture ran nothing: launch must overwrite this
  const MemoryStats before = memory_stats(cpu);
  for (int i = 0; i < 3; ++i) g.launch();
  const MemoryStats after = memory_stats(cpu);
  CHECK(after.allocations == before.allocations);
  CHECK(same_bits(io::download(blurred2), io::download(blurred)));
  CHECK(same_bits(io::download(frame2), io::download(frame)));
}

TEST_CASE("Graph (CPU): fused per-pixel passes equal the ops one by one, bit for bit", "[graph][fuse]") {
  // The CPU backend records on each launch: the same runs become the same passes (fused_ops counts
  // them), each applying the ops' own functors; no FMA contraction on the host, so bit-identical.
  using graph_test::Frame;
  const auto px = test::random_f32(301, 173, 4243);
  auto check = [&](auto ops, std::size_t fused_ops) {
    Frame g(301, 173, cpu, px), e(301, 173, cpu, px);
    Graph graph = Graph::capture(cpu, {Stream{}, &g.ws}, [&](const Exec& ex) { ops(g, ex); }, {.fuse_per_pixel = true});
    CHECK(graph.options().fuse_per_pixel);
    CHECK(graph.fused_ops() == 0);  // nothing ran yet
    graph.launch();
    graph.launch();
    CHECK(graph.fused_ops() == fused_ops);
    ops(e, {Stream{}, &e.ws});
    ops(e, {Stream{}, &e.ws});
    CHECK(same_bits(io::download(g.frame), io::download(e.frame)));
    CHECK(same_bits(io::download(g.blurred), io::download(e.blurred)));
    CHECK(test::max_abs_diff(io::download(g.out), io::download(e.out)) == 0);
  };
  SECTION("the ten-op frame") { check([](Frame& f, const Exec& ex) { graph_test::ten_ops(f, 1.f, ex); }, graph_test::ten_ops_fused); }
  SECTION("every stage kind") { check(graph_test::every_stage_ops, graph_test::every_stage_fused); }
  SECTION("each fill") { check(graph_test::fill_ops, graph_test::fill_fused); }
  SECTION("hazards") { check(graph_test::hazard_ops, graph_test::hazard_fused); }
  SECTION("a pass left pending by a throwing recording is dropped") {
    Frame g(301, 173, cpu, px), e(301, 173, cpu, px);
    Graph graph = Graph::capture(
        cpu, {Stream{}, &g.ws},
        [&](const Exec& ex) {
          filter::invert(g.frame, ex);
          throw std::runtime_error("user");
        },
        {.fuse_per_pixel = true});
    CHECK_THROWS_AS(graph.launch(), std::runtime_error);
    CHECK(same_bits(io::download(g.frame), io::download(e.frame)));  // the invert never ran
    filter::sepia(g.frame, {}, {});  // eager again: no recorder left behind
    filter::sepia(e.frame, {}, {});
    CHECK(same_bits(io::download(g.frame), io::download(e.frame)));
  }
  Graph::barrier();  // outside a recording: nothing to end
}

TEST_CASE("Graph (CPU): update replaces the recording", "[graph]") {
  const int w = 20, h = 9;
  ImageF32 img(w, h, cpu);
  Graph g = Graph::capture(cpu, {}, [&](const Exec& e) { fill::color(img, rgba(0.25f, 0.5f, 0.75f, 1.f), e); });
  g.launch();
  CHECK(io::download(img)[5].y == 0.5f);
  g.update({}, [&](const Exec& e) { fill::color(img, rgba(0.1f, 0.2f, 0.3f, 0.4f), e); });
  g.launch();
  const auto px = io::download(img);
  CHECK(px[0].x == 0.1f);
  CHECK(px[w * h - 1].w == 0.4f);
  CHECK_FALSE(g.updated_in_place());
}

TEST_CASE("Graph (CPU): allocations inside a recording are refused, the images stay usable", "[graph]") {
  const int w = 33, h = 17;
  const auto src_px = test::random_f32(w, h, 3);
  ImageF32 src = test::make_f32(w, h, src_px, cpu);
  ImageF32 dst(w, h, cpu);
  // No workspace: gaussian_blur would allocate its scratch on every launch.
  Graph g = Graph::capture(cpu, {}, [&](const Exec& e) { filter::gaussian_blur(src, dst, {.radius = 4}, e); });
  const MemoryStats before = memory_stats(cpu);
  REQUIRE_IMAGECUDA_ERROR(g.launch(), ErrorCode::invalid_argument, "inside a Graph recording");
  CHECK(memory_stats(cpu).bytes_in_use == before.bytes_in_use);
  // Creating an image inside a recording is refused the same way.
  Graph g2 = Graph::capture(cpu, {}, [&](const Exec&) { ImageF32 tmp(8, 8, cpu); });
  REQUIRE_IMAGECUDA_ERROR(g2.launch(), ErrorCode::invalid_argument, "inside a Graph recording");
  // Host copies (upload/download) are refused as on the CUDA backend.
  std::vector<float4> host(std::size_t(w) * h, float4{0.5f, 0.5f, 0.5f, 1.f});
  Graph g3 = Graph::capture(cpu, {}, [&](const Exec& e) { io::upload(dst, host, e); });
  REQUIRE_IMAGECUDA_ERROR(g3.launch(), ErrorCode::invalid_argument, "cannot be recorded in a Graph");
  // Outside a graph the same calls allocate as usual, and the inputs are intact.
  filter::gaussian_blur(src, dst, {.radius = 4});
  CHECK(test::max_abs_diff(io::download(src), src_px) == 0.f);
  ImageF32 ok(8, 8, cpu);
  CHECK(ok.width() == 8);
}

TEST_CASE("Graph: empty graphs and bad arguments", "[graph][errors]") {
  Graph empty;
  CHECK(empty.empty());
  empty.launch();  // nothing to do
  REQUIRE_IMAGECUDA_ERROR(empty.update({}, [](const Exec&) {}), ErrorCode::invalid_argument, "the graph is empty");
  REQUIRE_IMAGECUDA_ERROR(Graph::capture(cpu, {}, Graph::Recording{}), ErrorCode::invalid_argument,
                          "Graph::capture: the recording function is empty");
  Graph moved = Graph::capture(cpu, {}, [](const Exec&) {});
  Graph other(std::move(moved));
  CHECK(moved.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  CHECK_FALSE(other.empty());
  if (test::has_gpu()) {
    Workspace ws(Device::cuda(0));
    REQUIRE_IMAGECUDA_ERROR(Graph::capture(cpu, {Stream{}, &ws}, [](const Exec&) {}), ErrorCode::device_mismatch,
                            "the workspace is on cuda:0 but the graph is for cpu");
  }
}

TEST_CASE("Graph: the example in docs/graph.md", "[graph][docs]") {
  namespace ic = imagecuda;
  const ic::Device device = ic::Device::cpu();  // the docs use the default device; the test pins the CPU
  // example-begin graph-basic
  ic::OwningStream stream;  // capture needs a stream of its own (not the legacy default stream)
  ic::ImageF32 frame(512, 512, device), glow(512, 512, device);
  ic::Workspace ws(ic::filter::blur_requirements(512, 512), device);  // sized before capture

  float t = 0.f;  // animation time: baked into the graph when recorded
  auto record = [&](const ic::Exec& ex) {
    ic::fill::gradient(frame, ic::hex("#0b132b"), ic::hex("#3a506b"), {}, ex);
    ic::fill::circle(glow, {.color = ic::hex("#5bc0be"), .softness = 0.2f + 0.3f * t}, ex);
    ic::filter::gaussian_blur(glow, glow, {.radius = 12}, ex);
    ic::blend::screen(frame, glow, {}, ex);
  };
  ic::Graph graph = ic::Graph::capture(device, {stream, &ws}, record);
  for (int i = 0; i < 10; ++i) graph.launch();  // one call per frame

  t = 1.f;
  graph.update({stream, &ws}, record);  // new parameters: patched in place when possible
  graph.launch();
  stream.synchronize();
  // example-end
  CHECK_FALSE(graph.empty());
  CHECK(io::download(frame)[256 * 512 + 256].z > 0.3f);
}
