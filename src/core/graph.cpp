// SPDX-License-Identifier: MIT
/// @file graph.cpp  Graph: stream capture into a CUDA graph, instantiate, update, launch.
#include <cuda_runtime.h>

#include <utility>

#include "core/fuse_scope.hpp"
#include "core/graph_state.hpp"
#include "imagecuda/core/graph.hpp"
#include "imagecuda/detail/cuda_check.hpp"
#include "imagecuda/detail/dispatch.hpp"

namespace imagecuda {
namespace detail {
thread_local bool g_running_cpu_graph = false;

bool recording_graph(Device device, Stream stream) noexcept {
  if (device.is_cpu()) return g_running_cpu_graph;
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(stream.value(), &status) != cudaSuccess) (void)cudaGetLastError();
  return status != cudaStreamCaptureStatusNone;
}
}  // namespace detail
namespace {

cudaGraphExec_t as_exec(void* p) noexcept { return static_cast<cudaGraphExec_t>(p); }

// Runs a recording; with per-pixel fusion, inside a FuseScope (CUDA: the ops on `s` being
// captured; host: the CPU backend's ops) whose last pass is launched at the end. Returns the ops
// that ran in fused passes.
std::size_t run_recording(const Graph::Recording& rec, const Exec& ex, bool fuse, cudaStream_t s, Device device) {
  if (!fuse) {
    rec(ex);
    return 0;
  }
  detail::FuseScope scope(s, device.is_cuda() ? device.ordinal() : -1);
  rec(ex);
  scope.finish();
  return scope.ops_fused();
}

// Owns a cudaGraph_t for the few lines between end of capture and instantiation.
struct GraphHolder {
  cudaGraph_t g = nullptr;
  ~GraphHolder() {
    if (g != nullptr) (void)cudaGraphDestroy(g);
  }
};

}  // namespace

Graph::~Graph() {
  if (exec_ != nullptr) (void)cudaGraphExecDestroy(as_exec(exec_));
}

void Graph::expects_recorded(const char* op) const {
  detail::expects(recorded_, ErrorCode::invalid_argument, "{}: the graph is empty (record it with Graph::capture first)",
                  op);
}

void Graph::record(Device device, const Exec& ex, Recording rec, Graph* previous) {
  const char* op = previous != nullptr ? "Graph::update" : "Graph::capture";
  detail::expects(static_cast<bool>(rec), ErrorCode::invalid_argument, "{}: the recording function is empty", op);
  if (ex.workspace != nullptr)
    detail::expects(ex.workspace->device() == device, ErrorCode::device_mismatch,
                    "{}: the workspace is on {} but the graph is for {}", op, ex.workspace->device(), device);
  if (device.is_cpu()) {
    // The CPU backend has no launch overhead to save: keep the function, run it on launch().
    device_ = device;
    cpu_ = std::move(rec);
    ex_ = ex;
    recorded_ = true;
    return;
  }
  const cudaStream_t s = ex.stream.value();
  detail::expects(s != cudaStreamLegacy && s != nullptr, ErrorCode::invalid_argument,
                  "{}: stream is the legacy default stream, which CUDA cannot capture (use an OwningStream)", op);
  detail::DeviceGuard guard(device);
  // Thread-local mode: other threads of the program may keep calling CUDA while we record.
  IMAGECUDA_CUDA_TRY(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal), op);
  GraphHolder graph;
  std::size_t fused = 0;
  try {
    fused = run_recording(rec, ex, options_.fuse_per_pixel, s, device);
  } catch (...) {
    (void)cudaStreamEndCapture(s, &graph.g);  // ends (and discards) the capture either way
    (void)cudaGetLastError();
    throw;
  }
  const cudaError_t e = cudaStreamEndCapture(s, &graph.g);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    detail::fail(ErrorCode::cuda,
                 "{}: the capture on {} failed: {} ({}); a recording may hold only device ops on its stream "
                 "(no host-memory copies, synchronisation, or work on other devices)",
                 op, device, cudaGetErrorName(e), cudaGetErrorString(e));
  }
  std::size_t nodes = 0;
  IMAGECUDA_CUDA_TRY(cudaGraphGetNodes(graph.g, nullptr, &nodes), op);

  cudaGraphExec_t exec = nullptr;
  bool in_place = false;
  // Same number of nodes is necessary for an in-place update (an op whose parameters make it a
  // no-op launches nothing, so the topology can change with the parameters): skip a call that
  // would fail.
  if (previous != nullptr && previous->exec_ != nullptr && previous->nodes_ == nodes) {
    cudaGraphExecUpdateResultInfo info{};
    if (cudaGraphExecUpdate(as_exec(previous->exec_), graph.g, &info) == cudaSuccess) {
      exec = as_exec(previous->exec_);
      previous->exec_ = nullptr;  // taken over
      in_place = true;
    } else {
      (void)cudaGetLastError();  // another topology: instantiate anew below
    }
  }
  if (exec == nullptr) IMAGECUDA_CUDA_TRY(cudaGraphInstantiate(&exec, graph.g, 0), op);

  device_ = device;
  exec_ = exec;
  ex_ = ex;
  nodes_ = nodes;
  fused_ops_ = fused;
  updated_in_place_ = in_place;
  recorded_ = true;
}

void Graph::barrier() { detail::fusion::barrier(); }

void Graph::launch(Stream stream) const {
  if (!recorded_) return;
  if (device_.is_cpu()) {
    struct Flag {  // the CPU twin of "no allocation while capturing"
      bool previous = std::exchange(detail::g_running_cpu_graph, true);
      ~Flag() { detail::g_running_cpu_graph = previous; }
    } flag;
    fused_ops_ = run_recording(cpu_, ex_, options_.fuse_per_pixel, nullptr, device_);
    return;
  }
  detail::DeviceGuard guard(device_);
  IMAGECUDA_CUDA_TRY(cudaGraphLaunch(as_exec(exec_), stream.value()), "Graph::launch");
}

}  // namespace imagecuda
