// SPDX-License-Identifier: MIT
/// @file bench_graph.cpp  A 10-op frame on a 512x512 image, launched op by op (eager) and
/// replayed as a Graph. Device rows: CUDA events around one frame (they include the gaps while
/// the host is still launching). Host rows: 100 frames enqueued back to back, then a
/// synchronize, wall clock (frames/s as a server or a render loop sees it).
#include <memory>

#include "harness.hpp"

namespace {
using namespace imagecuda;

struct Frame {
  OwningStream stream;  // first member: destroyed last, after the images that free on it
  std::shared_ptr<ImageF32> layer;
  ImageF32 frame, blurred;
  ImageU8 out;
  Workspace ws;
  explicit Frame(Device d)
      : layer(bench::random_image(512, 512, 99, d)), frame(512, 512, d), blurred(512, 512, d), out(512, 512, d),
        ws(filter::blur_requirements(512, 512), d) {}

  void record(const Exec& ex) {
    fill::gradient(frame, hex("#1d3557"), hex("#a8dadc"), {.direction = fill::GradientDirection::radial}, ex);
    blend::screen(frame, *layer, {.opacity = 0.8f}, ex);
    adjust::brightness(frame, 0.05f, ex);
    adjust::contrast(frame, 1.1f, ex);
    adjust::saturation(frame, 1.2f, ex);
    filter::gaussian_blur(frame, blurred, {.radius = 6}, ex);
    filter::sepia(blurred, {.intensity = 0.3f}, ex);
    effect::vignette(blurred, {}, ex);
    effect::rounded_corners(blurred, 12.f, ex);
    io::convert(blurred, out, ex);
  }
};

void graph_cases(std::vector<bench::Case>& cases) {
  const Device gpu = Device::cuda(0);
  auto f = std::make_shared<Frame>(gpu);
  // The graph's recording holds a plain pointer: the graph lives no longer than `f` (below, each
  // lambda that uses the graph also keeps `f`).
  auto graph = std::make_shared<Graph>(
      Graph::capture(gpu, {f->stream, &f->ws}, [p = f.get()](const Exec& ex) { p->record(ex); }));
  // The same recording with per-pixel fusion: gradient..saturation become one pass, sepia..convert
  // another, around the blur (3 kernels instead of 10).
  auto fused = std::make_shared<Graph>(Graph::capture(
      gpu, {f->stream, &f->ws}, [p = f.get()](const Exec& ex) { p->record(ex); }, {.fuse_per_pixel = true}));
  const double bytes = 0;  // launch-bound rows: bandwidth is not the point
  // One frame, timed with events on the harness's stream.
  cases.push_back({"graph", "10 ops 512x512 eager (one frame)", bytes, [f](Stream s) { f->record({s, &f->ws}); }});
  cases.push_back({"graph", "10 ops 512x512 graph (one frame)", bytes, [f, graph](Stream s) { graph->launch(s); }});
  cases.push_back({"graph", "10 ops 512x512 graph, fused per-pixel (one frame)", bytes,
                   [f, fused](Stream s) { fused->launch(s); }});
  constexpr int frames = 100;
  cases.push_back({"graph", "10 ops 512x512 eager, 100 frames, wall clock", bytes,
                   [f](Stream) {
                     for (int i = 0; i < frames; ++i) f->record({f->stream, &f->ws});
                     f->stream.synchronize();
                   },
                   true, frames});
  cases.push_back({"graph", "10 ops 512x512 graph, 100 frames, wall clock", bytes,
                   [f, graph](Stream) {
                     for (int i = 0; i < frames; ++i) graph->launch();
                     f->stream.synchronize();
                   },
                   true, frames});
  cases.push_back({"graph", "10 ops 512x512 graph fused, 100 frames, wall clock", bytes,
                   [f, fused](Stream) {
                     for (int i = 0; i < frames; ++i) fused->launch();
                     f->stream.synchronize();
                   },
                   true, frames});
}

IMAGECUDA_BENCH("graph", graph_cases);
}  // namespace
