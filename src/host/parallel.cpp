// SPDX-License-Identifier: MIT
/// @file parallel.cpp  A small process-wide thread pool for the CPU backend.
#include "parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace imagecuda::detail::host {
namespace {

class Pool {
 public:
  Pool() {
    unsigned n = std::max(1u, std::thread::hardware_concurrency());
    if (const char* env = std::getenv("IMAGECUDA_CPU_THREADS")) n = std::max(1, std::atoi(env));
    size_ = n;
    for (unsigned i = 1; i < n; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard lk(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  unsigned size() const { return size_; }

  void submit(std::function<void()> task) {
    {
      std::lock_guard lk(m_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }
  /// Runs queued tasks on the calling thread too (so nested or concurrent calls never deadlock).
  bool try_run_one() {
    std::function<void()> t;
    {
      std::lock_guard lk(m_);
      if (tasks_.empty()) return false;
      t = std::move(tasks_.front());
      tasks_.pop_front();
    }
    t();
    return true;
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> t;
      {
        std::unique_lock lk(m_);
        cv_.wait(lk, [&] { return stop_ || !tasks_.empty(); });
        if (stop_ && tasks_.empty()) return;
        t = std::move(tasks_.front());
        tasks_.pop_front();
      }
      t();
    }
  }
  unsigned size_ = 1;
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> tasks_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void parallel_rows(int rows, std::size_t pixels_per_row, const std::function<void(int, int)>& body) {
  if (rows <= 0) return;
  constexpr std::size_t min_pixels_per_task = 1 << 16;
  Pool& p = pool();
  const std::size_t total = std::size_t(rows) * std::max<std::size_t>(pixels_per_row, 1);
  const int max_tasks = int(std::min<std::size_t>(total / min_pixels_per_task, std::size_t(p.size()) * 4));
  if (max_tasks <= 1 || p.size() == 1) {
    body(0, rows);
    return;
  }
  const int tasks = std::min(max_tasks, rows);
  struct Shared {
    std::atomic<int> remaining;
    std::mutex m;
    std::condition_variable cv;
    std::exception_ptr error;
  } shared;
  shared.remaining = tasks;
  for (int t = 0; t < tasks; ++t) {
    const int y0 = int(std::int64_t(rows) * t / tasks);
    const int y1 = int(std::int64_t(rows) * (t + 1) / tasks);
    p.submit([&shared, &body, y0, y1] {
      try {
        body(y0, y1);
      } catch (...) {
        std::lock_guard lk(shared.m);
        if (!shared.error) shared.error = std::current_exception();
      }
      // Decrement and notify under the lock: the waiter can only see 0 once it holds the mutex,
      // so it cannot return (destroying `shared`) while this thread still uses it. (Decrementing
      // outside the lock let the caller return first and this thread lock a destroyed mutex:
      // std::system_error, found by fuzz_io_load.)
      std::lock_guard lk(shared.m);
      if (--shared.remaining == 0) shared.cv.notify_all();
    });
  }
  // Help with the queue, then wait for chunks that other threads are running.
  while (shared.remaining.load() > 0 && p.try_run_one()) {
  }
  {
    std::unique_lock lk(shared.m);
    shared.cv.wait(lk, [&] { return shared.remaining.load() == 0; });
  }
  if (shared.error) std::rethrow_exception(shared.error);
}

}  // namespace imagecuda::detail::host
