// SPDX-License-Identifier: MIT
/// @file device_pool.cpp  DevicePool: slots (device, stream, workspace), a thread per slot, per-item errors.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "imagecuda/core/device_pool.hpp"
#include "imagecuda/detail/dispatch.hpp"

namespace imagecuda {

struct DevicePool::Slot {
  Device device;
  std::optional<OwningStream> stream;  // CUDA slots only; declared before the workspace that frees on it
  Workspace workspace;
  Slot(Device d, WorkspaceRequirements r) : device(d), workspace(d) {
    if (d.is_cuda()) {
      detail::DeviceGuard guard(d);  // the stream belongs to the slot's device
      stream.emplace();
    }
    workspace.reserve(r, view());
  }
  [[nodiscard]] Stream view() const noexcept { return stream ? stream->view() : Stream{}; }
};

DevicePool::DevicePool(std::vector<Device> devices, DevicePoolOptions options) {
  detail::expects(!devices.empty(), ErrorCode::invalid_argument, "DevicePool: devices is empty");
  detail::expects(options.lanes_per_device >= 1 && options.lanes_per_device <= 64, ErrorCode::invalid_argument,
                  "DevicePool: lanes_per_device must be 1..64, got {}", options.lanes_per_device);
  for (const Device d : devices)
    for (int l = 0; l < options.lanes_per_device; ++l) slots_.push_back(std::make_unique<Slot>(d, options.workspace));
}
DevicePool::~DevicePool() = default;
DevicePool::DevicePool(DevicePool&&) noexcept = default;
DevicePool& DevicePool::operator=(DevicePool&&) noexcept = default;

std::vector<Device> DevicePool::all_devices() {
  std::vector<Device> out;
  for (int i = 0; i < cuda_device_count(); ++i) out.push_back(Device::cuda(i));
  if (out.empty()) out.push_back(Device::cpu());
  return out;
}

std::size_t DevicePool::size() const noexcept { return slots_.size(); }

Device DevicePool::device(std::size_t slot) const {
  detail::expects(slot < slots_.size(), ErrorCode::invalid_argument, "DevicePool::device: slot {} of {}", slot,
                  slots_.size());
  return slots_[slot]->device;
}

Workspace& DevicePool::workspace(std::size_t slot) {
  detail::expects(slot < slots_.size(), ErrorCode::invalid_argument, "DevicePool::workspace: slot {} of {}", slot,
                  slots_.size());
  return slots_[slot]->workspace;
}

BatchResult DevicePool::run(std::size_t n, const std::function<void(std::size_t, const WorkerContext&)>& fn) {
  detail::expects(static_cast<bool>(fn), ErrorCode::invalid_argument, "DevicePool::run: fn is empty");
  detail::expects(!slots_.empty(), ErrorCode::invalid_argument, "DevicePool::run: the pool was moved from");
  BatchResult result;
  result.items = n;
  result.per_slot.assign(slots_.size(), 0);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> succeeded{0};
  std::mutex errors_mutex;

  auto worker = [&](std::size_t s) {
    Slot& slot = *slots_[s];
    const WorkerContext ctx{slot.device, s, slot.view(), &slot.workspace};
    auto record = [&](std::size_t item, std::optional<ErrorCode> code, std::string message) {
      const std::lock_guard<std::mutex> lock(errors_mutex);
      result.errors.push_back(ItemError{item, slot.device, s, code, std::move(message)});
    };
    std::optional<detail::DeviceGuard> guard;
    try {
      if (slot.device.is_cuda()) guard.emplace(slot.device);  // this thread works on the slot's device
    } catch (const Error& e) {  // cannot even select the device: every item this slot takes fails
      for (std::size_t i; (i = next.fetch_add(1)) < n;) record(i, e.code(), e.what()), ++result.per_slot[s];
      return;
    }
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      ++result.per_slot[s];
      try {
        fn(i, ctx);
        ctx.stream.synchronize();  // the item's asynchronous failures belong to this item
        succeeded.fetch_add(1, std::memory_order_relaxed);
      } catch (const Error& e) {
        record(i, e.code(), e.what());
      } catch (const std::exception& e) {
        record(i, std::nullopt, e.what());
      } catch (...) {
        record(i, std::nullopt, "unknown exception");
      }
    }
  };

  if (slots_.size() == 1 || n <= 1) {
    worker(0);
  } else {
    std::vector<std::thread> threads;
    threads.reserve(slots_.size());
    try {
      for (std::size_t s = 0; s < slots_.size(); ++s) threads.emplace_back(worker, s);
    } catch (...) {  // could not start a thread: the ones running finish the batch
      for (auto& t : threads) t.join();
      if (threads.empty()) throw;
    }
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }
  result.succeeded = succeeded.load();
  std::sort(result.errors.begin(), result.errors.end(),
            [](const ItemError& a, const ItemError& b) { return a.item < b.item; });
  return result;
}

}  // namespace imagecuda
