// SPDX-License-Identifier: MIT
/// @file graph.hpp  Graph: record a sequence of ops once, replay it many times (CUDA graphs).
///
/// For small images (thumbnails, 512x512 tiles, UI layers) a frame of 10-50 ops is bound by the
/// cost of launching kernels, not by the GPU. `Graph::capture` records the ops that a function
/// issues on a stream into a CUDA graph and instantiates it; `launch` replays the whole sequence
/// with one call. On the CPU backend the same code works: `capture` keeps the function and
/// `launch` runs it again, so a program gives the same pixels on both backends.
///
/// The rules (the same on both backends):
/// - Create every image and size every Workspace *before* capture. A device allocation while the
///   stream is being captured throws Error{invalid_argument} naming the op (a graph must not own
///   memory that the images and workspaces think they own). Pass the workspace in the Exec the
///   recording function receives, or ops that need scratch would allocate.
/// - A graph holds the addresses and logical sizes the ops saw while recording: the images and
///   the workspace it used must outlive it and keep their sizes. To change parameters (an
///   animation, another offset) call `update` with a recording of the same shape: the graph is
///   updated in place when CUDA allows it, re-instantiated otherwise.
/// - Host-side checks (sizes, parameters) run while recording on the CUDA backend and on every
///   launch on the CPU backend. Host-bound work (io::load/save, uploads from host memory, text
///   layout) cannot be captured: record only device ops.
/// - Capture needs a stream other than the legacy default stream (use an OwningStream).
/// - A Graph is move-only and frees its CUDA graph in its destructor. Launch it from any thread,
///   on any stream of its device; one launch at a time per set of images, as with eager ops.
///
/// @code
///   ic::OwningStream stream;
///   ic::Workspace ws(ic::filter::blur_requirements(512, 512), ic::Device::cuda());
///   ic::ImageF32 frame(512, 512), layer(512, 512);
///   ic::Graph g = ic::Graph::capture(ic::Device::cuda(), {stream, &ws}, [&](const ic::Exec& ex) {
///     ic::fill::gradient(frame, ic::hex("#0b132b"), ic::hex("#3a506b"), {}, ex);
///     ic::filter::gaussian_blur(layer, frame, {.radius = 8}, ex);
///     ic::blend::screen(frame, layer, {}, ex);
///   });
///   for (int i = 0; i < 1000; ++i) g.launch();  // one call per frame, on the recording stream
/// @endcode
#pragma once

#include <cstddef>
#include <functional>
#include <utility>

#include "device.hpp"
#include "stream.hpp"
#include "workspace.hpp"

namespace imagecuda {

/// How a Graph records (Graph::capture's last argument).
struct GraphOptions {
  /// Per-pixel fusion: a run of per-pixel ops on the same view -- fill (all but perlin),
  /// adjust, sepia / invert / threshold / solarize, blend modes and blend::mask, vignette,
  /// rounded_corners, chroma_key, and io::convert to 8 bit -- is recorded as one kernel that reads
  /// and writes each pixel once and applies the ops' own formulas in order. Any other op ends the
  /// run. The pixels are those of the ops one by one (docs/graph.md states the tolerance).
  /// Off by default because of one rule: a recording with fusion may issue device work only
  /// through imagecuda; before a kernel, copy or event of your own on the stream, call
  /// Graph::barrier(). The CPU backend fuses the same runs on each launch (one pass over the
  /// pixels per run there too), so CI checks the same recordings without a GPU.
  bool fuse_per_pixel = false;
};

class Graph {
 public:
  /// The function that records (CUDA) or is run (CPU) by a Graph.
  using Recording = std::function<void(const Exec&)>;

  /// An empty graph: launch() does nothing.
  Graph() noexcept = default;
  ~Graph();
  Graph(Graph&& o) noexcept { swap(o); }
  Graph& operator=(Graph&& o) noexcept {
    if (this != &o) {
      Graph tmp(std::move(o));
      swap(tmp);
    }
    return *this;
  }
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  /// Records what `record(ex)` issues on `ex.stream` for images on `device`. CUDA: nothing runs;
  /// the ops become the nodes of a graph, instantiated before this returns. CPU: `record` is
  /// kept and runs on each launch. If `record` throws, the capture is ended, nothing is kept and
  /// the exception propagates; a CUDA failure inside the capture is an Error{cuda} naming the op.
  template <class F>
  [[nodiscard]] static Graph capture(Device device, const Exec& ex, F&& record, GraphOptions options = {}) {
    Graph g;
    g.options_ = options;
    g.record(device, ex, Recording(std::forward<F>(record)));
    return g;
  }

  /// In a recording with GraphOptions::fuse_per_pixel: launches the pending fused pass, so that
  /// device work of your own that follows on the stream sees its pixels. No-op elsewhere.
  static void barrier();

  /// Re-records with a new function of the same shape (e.g. new parameters). CUDA: the
  /// executable graph is updated in place (cudaGraphExecUpdate) when the topology matches,
  /// re-instantiated otherwise; `updated_in_place()` tells which. On error the old graph stays.
  template <class F>
  void update(const Exec& ex, F&& record) {
    expects_recorded("Graph::update");
    Graph g;
    g.options_ = options_;
    g.record(device_, ex, Recording(std::forward<F>(record)), this);
    swap(g);
  }

  /// Replays the recorded sequence on the stream it was recorded on (CUDA: one
  /// cudaGraphLaunch, asynchronous). CPU: runs the recording again with the Exec it was captured
  /// with, and returns when it is done.
  void launch() const { launch(ex_.stream); }
  /// Replays on another stream of the same device. The images keep naming the recording stream
  /// as their last writer (io::download waits for that one): synchronise `stream` yourself
  /// before reading them from the host, or launch on the recording stream.
  void launch(Stream stream) const;

  [[nodiscard]] bool empty() const noexcept { return !recorded_; }
  [[nodiscard]] Device device() const noexcept { return device_; }
  /// Kernel, copy and other nodes in the CUDA graph (0 on the CPU backend).
  [[nodiscard]] std::size_t node_count() const noexcept { return nodes_; }
  /// Whether the last update() patched the executable graph in place.
  [[nodiscard]] bool updated_in_place() const noexcept { return updated_in_place_; }
  /// Ops recorded into fused per-pixel passes of two or more ops (0 without fusion). CPU: in the
  /// last launch (the CPU backend records on each launch).
  [[nodiscard]] std::size_t fused_ops() const noexcept { return fused_ops_; }
  [[nodiscard]] const GraphOptions& options() const noexcept { return options_; }

  void swap(Graph& o) noexcept {
    std::swap(device_, o.device_);
    std::swap(recorded_, o.recorded_);
    std::swap(exec_, o.exec_);
    std::swap(cpu_, o.cpu_);
    std::swap(ex_, o.ex_);
    std::swap(nodes_, o.nodes_);
    std::swap(updated_in_place_, o.updated_in_place_);
    std::swap(fused_ops_, o.fused_ops_);
    std::swap(options_, o.options_);
  }

 private:
  // `previous`: a graph whose executable may be updated in place and taken over.
  void record(Device device, const Exec& ex, Recording record, Graph* previous = nullptr);
  void expects_recorded(const char* op) const;

  Device device_ = Device::cpu();
  bool recorded_ = false;
  void* exec_ = nullptr;  // cudaGraphExec_t
  Recording cpu_;
  Exec ex_{};  // the Exec recorded with (the stream launch() uses)
  std::size_t nodes_ = 0;
  bool updated_in_place_ = false;
  mutable std::size_t fused_ops_ = 0;  // CPU: counted by launch()
  GraphOptions options_{};
};

}  // namespace imagecuda
