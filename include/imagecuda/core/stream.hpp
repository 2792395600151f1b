// SPDX-License-Identifier: MIT
/// @file stream.hpp  Stream (non-owning view of a cudaStream_t) and OwningStream.
#pragma once

#include <cstddef>
#include <utility>

#include <driver_types.h>  // cudaStream_t, cudaStreamLegacy (plain C header)

namespace imagecuda {

/// A cheap, copyable, non-owning CUDA stream handle (RMM's cuda_stream_view).
/// Default-constructed it is the legacy default stream, which synchronises with other blocking
/// streams and so is safe next to any user code. Build one from 0/nullptr is deleted: name the
/// stream you mean (`Stream{}`, `Stream::per_thread()` or `Stream{my_stream}`).
class Stream {
 public:
  Stream() noexcept = default;
  explicit Stream(cudaStream_t s) noexcept : s_(s) {}
  Stream(int) = delete;
  Stream(std::nullptr_t) = delete;

  static Stream legacy() noexcept { return Stream(cudaStreamLegacy); }
  static Stream per_thread() noexcept { return Stream(cudaStreamPerThread); }

  [[nodiscard]] cudaStream_t value() const noexcept { return s_; }
  explicit operator cudaStream_t() const noexcept { return s_; }
  bool operator==(const Stream&) const noexcept = default;

  /// Blocks until all work on this stream is done (for the CPU backend: returns at once).
  void synchronize() const;

 private:
  cudaStream_t s_ = cudaStreamLegacy;
};

/// Creates and owns a non-blocking CUDA stream on the current device; move-only.
class OwningStream {
 public:
  OwningStream();
  ~OwningStream();
  OwningStream(OwningStream&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  OwningStream& operator=(OwningStream&& o) noexcept {
    if (this != &o) {
      reset();
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  OwningStream(const OwningStream&) = delete;
  OwningStream& operator=(const OwningStream&) = delete;

  [[nodiscard]] Stream view() const noexcept { return Stream(s_); }
  operator Stream() const noexcept { return view(); }  // NOLINT: a view, like rmm::cuda_stream
  void synchronize() const { view().synchronize(); }

 private:
  void reset() noexcept;
  cudaStream_t s_ = nullptr;
};

}  // namespace imagecuda
