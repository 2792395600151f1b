// SPDX-License-Identifier: MIT
/// @file workspace.hpp  Workspace: caller-owned, growable scratch memory; size queries and carving.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#include "device.hpp"
#include "error.hpp"
#include "memory.hpp"
#include "stream.hpp"

namespace imagecuda {

/// How much scratch an op needs (the typed form of CUB's temp_storage_bytes query).
struct WorkspaceRequirements {
  std::size_t bytes = 0;
  /// Enough for either: one workspace can serve a whole pipeline.
  friend WorkspaceRequirements max(WorkspaceRequirements a, WorkspaceRequirements b) noexcept {
    return {std::max(a.bytes, b.bytes)};
  }
};

/// Sizes and carves one scratch blob into 256-byte-aligned parts (CUB's alias_temporaries,
/// CV-CUDA's WorkspaceEstimator). Run the same sequence of add() calls to size and to carve,
/// so a size can never drift from its use.
class WorkspaceLayout {
 public:
  static constexpr std::size_t alignment = 256;
  /// Reserves `count` objects of T; returns their byte offset in the blob.
  template <class T>
  std::size_t add(std::size_t count) noexcept {
    const std::size_t off = total_;
    total_ += (count * sizeof(T) + alignment - 1) / alignment * alignment;
    return off;
  }
  [[nodiscard]] std::size_t total() const noexcept { return total_; }
  [[nodiscard]] WorkspaceRequirements requirements() const noexcept { return {total_}; }

 private:
  std::size_t total_ = 0;
};

/// Caller-owned scratch memory on one device, grown on demand (never shrunk until destroyed).
/// Given to ops through Exec; with a destination and a big-enough workspace an op allocates
/// nothing. Move-only; the destructor frees stream-ordered on the stream last used.
class Workspace {
 public:
  explicit Workspace(Device device = default_device()) noexcept : device_(device) {}
  /// Allocates `requirements.bytes` now, so that later ops find it ready.
  Workspace(WorkspaceRequirements requirements, Device device = default_device(), Stream stream = Stream{})
      : device_(device) {
    reserve(requirements, stream);
  }
  ~Workspace() { release(); }
  Workspace(Workspace&& o) noexcept
      : device_(o.device_), data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)),
        stream_(o.stream_) {}
  Workspace& operator=(Workspace&& o) noexcept {
    if (this != &o) {
      release();
      device_ = o.device_;
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
      stream_ = o.stream_;
    }
    return *this;
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  [[nodiscard]] Device device() const noexcept { return device_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] void* data() const noexcept { return data_; }

  /// Grows to at least `r.bytes` (one allocation if it must grow, none otherwise).
  void reserve(WorkspaceRequirements r, Stream stream = Stream{}) {
    if (r.bytes <= size_) return;
    void* p = detail::allocate(device_, r.bytes, stream, "Workspace");
    release();
    data_ = p;
    size_ = r.bytes;
    stream_ = stream;
  }

  /// Scratch of at least `bytes` for an op on `stream`, growing if needed.
  [[nodiscard]] std::byte* get(std::size_t bytes, Stream stream) {
    reserve({bytes}, stream);
    stream_ = stream;
    return static_cast<std::byte*>(data_);
  }

  /// Frees the memory now (stream-ordered); the workspace stays usable and regrows on demand.
  void release() noexcept {
    if (data_ != nullptr) detail::deallocate(device_, data_, size_, stream_);
    data_ = nullptr;
    size_ = 0;
  }

 private:
  Device device_;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  Stream stream_{};
};

/// The optional last argument of every op: the stream it runs on and the scratch it may use.
///   op(src, dst, params, {stream, &workspace});
struct Exec {
  Stream stream{};
  Workspace* workspace = nullptr;
};

namespace detail {
/// Scratch for one op call: carved from the caller's workspace when given, else a temporary
/// allocation freed (stream-ordered) when this object dies.
class Scratch {
 public:
  Scratch(const char* op, Device device, std::size_t bytes, const Exec& ex) : device_(device), stream_(ex.stream) {
    if (bytes == 0) return;
    if (ex.workspace != nullptr) {
      expects(ex.workspace->device() == device, ErrorCode::device_mismatch,
              "{}: workspace is on {} but the images are on {}", op, ex.workspace->device(), device);
      ptr_ = ex.workspace->get(bytes, ex.stream);
    } else {
      ptr_ = static_cast<std::byte*>(allocate(device, bytes, ex.stream, op));
      owned_ = bytes;
    }
  }
  ~Scratch() {
    if (owned_ != 0) deallocate(device_, ptr_, owned_, stream_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  [[nodiscard]] std::byte* data() const noexcept { return ptr_; }
  template <class T>
  [[nodiscard]] T* at(std::size_t offset) const noexcept {
    return reinterpret_cast<T*>(ptr_ + offset);
  }

 private:
  Device device_;
  Stream stream_;
  std::byte* ptr_ = nullptr;
  std::size_t owned_ = 0;
};
}  // namespace detail

}  // namespace imagecuda
