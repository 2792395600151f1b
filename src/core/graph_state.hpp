// SPDX-License-Identifier: MIT
/// @file graph_state.hpp  (private) Whether ops are being recorded into a Graph: the one check
/// that memory.cpp (allocations) and transfer.cpp (host copies) refuse work on.
#pragma once

#include "imagecuda/core/device.hpp"
#include "imagecuda/core/stream.hpp"

namespace imagecuda::detail {

/// Set while this thread runs a CPU-backend Graph (graph.cpp).
extern thread_local bool g_running_cpu_graph;

/// True while a Graph records: `stream` is being captured into a CUDA graph, or (CPU) a Graph is
/// running on this thread. Never throws; a failed capture query counts as not recording.
[[nodiscard]] bool recording_graph(Device device, Stream stream) noexcept;

}  // namespace imagecuda::detail
