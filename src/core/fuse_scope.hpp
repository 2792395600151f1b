// SPDX-License-Identifier: MIT
/// @file fuse_scope.hpp  (private) Per-pixel fusion for the length of one Graph recording: while a
/// FuseScope lives, per-pixel ops on `stream` (host: the CPU backend's ops) issued by this thread
/// join fused passes (detail/fuse.hpp); finish() launches the last pending pass (into the capture).
#pragma once

#include <driver_types.h>

#include <cstddef>

namespace imagecuda::detail {

class FuseScope {
 public:
  /// `cuda_device`: the recording's CUDA device ordinal, current whenever a pass is launched (also
  /// when an op of another device ends the pass); -1: a CPU recording (the CPU backend's ops).
  FuseScope(cudaStream_t stream, int cuda_device);
  /// Drops a pass still pending (the recording threw) and restores the enclosing scope, if any.
  ~FuseScope();
  FuseScope(const FuseScope&) = delete;
  FuseScope& operator=(const FuseScope&) = delete;
  /// Launches the pending pass (call before ending the capture).
  void finish();
  /// Ops that ran inside passes of two or more stages so far.
  [[nodiscard]] std::size_t ops_fused() const noexcept;

 private:
  void* recorder_;
};

}  // namespace imagecuda::detail
