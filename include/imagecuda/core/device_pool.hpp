// SPDX-License-Identifier: MIT
/// @file device_pool.hpp  DevicePool: spread a batch of independent work items over devices.
///
/// A pool owns one *slot* per device and lane: a host thread's worth of state with its own
/// stream (created on that device) and its own Workspace. `run` hands the items of a batch to
/// the slots as they become free (a faster device takes more items), synchronises the slot's
/// stream after each item so that an asynchronous failure is reported for the item that caused
/// it, records failing items and goes on with the rest. Images an item creates stay on its
/// slot's device; moving data between devices is the item's business, through explicit copies.
///
/// Devices may repeat: `DevicePool({Device::cpu(), Device::cpu()})` simulates two devices on a
/// machine without GPUs (how CI tests it), `DevicePool({Device::cuda(0)}, {.lanes_per_device = 4})`
/// runs four streams on one GPU.
///
/// @code
///   ic::DevicePool pool(ic::DevicePool::all_devices(), {.lanes_per_device = 2,
///                                                       .workspace = ic::filter::blur_requirements(1200, 630)});
///   const ic::BatchResult r = pool.run(files.size(), [&](std::size_t i, const ic::WorkerContext& w) {
///     ic::ImageF32 card = render_card(files[i], w.device, w.exec());   // on w.device, w.stream
///     ic::io::save(card, out_dir / files[i].filename(), {}, w.exec());
///   });
///   for (const auto& e : r.errors) std::fprintf(stderr, "item %zu on %s: %s\n", e.item, e.device.name().c_str(), e.message.c_str());
/// @endcode
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device.hpp"
#include "error.hpp"
#include "stream.hpp"
#include "workspace.hpp"

namespace imagecuda {

/// What an item gets: the slot's device, stream and workspace.
struct WorkerContext {
  Device device = Device::cpu();
  std::size_t slot = 0;  ///< index of the slot in the pool (device-major: device d, lane l)
  Stream stream{};
  Workspace* workspace = nullptr;
  [[nodiscard]] Exec exec() const noexcept { return Exec{stream, workspace}; }
};

/// A failed item: which item, on which device and slot, and why.
struct ItemError {
  std::size_t item = 0;
  Device device = Device::cpu();
  std::size_t slot = 0;
  std::optional<ErrorCode> code;  ///< the imagecuda::Error's code; empty for other exceptions
  std::string message;
};

/// The outcome of DevicePool::run.
struct BatchResult {
  std::size_t items = 0;               ///< items in the batch
  std::size_t succeeded = 0;           ///< items that returned without an exception
  std::vector<std::size_t> per_slot;   ///< items each slot ran (successful or not)
  std::vector<ItemError> errors;       ///< failed items, sorted by item
  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
};

struct DevicePoolOptions {
  /// Host threads per device, each with its own stream and workspace: 1..64.
  int lanes_per_device = 1;
  /// Reserved in every slot's workspace up front (no allocation later for ops that fit).
  WorkspaceRequirements workspace{};
};

class DevicePool {
 public:
  /// One slot per (device, lane), device-major. Error{invalid_argument} for an empty device list
  /// or lanes out of 1..64; a CUDA device that does not exist throws from its first use here.
  explicit DevicePool(std::vector<Device> devices, DevicePoolOptions options = {});
  ~DevicePool();
  DevicePool(const DevicePool&) = delete;
  DevicePool& operator=(const DevicePool&) = delete;
  DevicePool(DevicePool&&) noexcept;
  DevicePool& operator=(DevicePool&&) noexcept;

  /// Every CUDA device of this machine, or {Device::cpu()} when there is none.
  [[nodiscard]] static std::vector<Device> all_devices();

  [[nodiscard]] std::size_t size() const noexcept;  ///< slots
  [[nodiscard]] Device device(std::size_t slot) const;
  /// The slot's workspace (e.g. to reserve more before a batch); valid while the pool lives.
  [[nodiscard]] Workspace& workspace(std::size_t slot);

  /// Runs fn(i, context) for every i in [0, n) on the slots, one item at a time per slot, and
  /// returns when all are done. A throwing item (or one whose stream reports an error when
  /// synchronised after it) is recorded in `errors`; the other items still run. `fn` is called
  /// concurrently from the slots' threads. Not reentrant: one run at a time per pool.
  BatchResult run(std::size_t n, const std::function<void(std::size_t, const WorkerContext&)>& fn);

 private:
  struct Slot;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace imagecuda
