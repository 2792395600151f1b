// SPDX-License-Identifier: MIT
// imagecuda_pipeline: cards per second for the social-card pipeline of issue #10 (the steps are in
// examples/social_card.hpp; docs/pipeline.md explains the design and how to run it).
//
//   imagecuda_pipeline --make-photos DIR N
//       writes N distinct 1920x1280 JPEGs (quality 90) DIR/photo_0001.jpg ... (seeds 1..N of the
//       generator that made examples/data/photo.jpg)
//   imagecuda_pipeline --photos DIR [--threads 1,4,8] [--seconds S] [--codec-threads C]
//                      [--slots K] [--depth D] [--text per-card|cached|both] [--png-compression L]
//                      [--decode cpu|gpu|both] [--jpeg-encode cpu|gpu|both] [--png-encode cpu|gpu|both]
//                      [--out FILE.md]
//       runs the pipeline over all DIR/*.jpg repeatedly: T GPU lanes (host threads), each with
//       its own stream and CardRenderer, fed by a pool of C codec threads that read + decode the
//       photos (TurboJPEG) into pinned buffers and encode the cards (PNG + JPEG q90) from pinned
//       buffers. With --decode gpu the codec threads only read the files and each lane decodes
//       its photos on its stream with its own io::GpuJpegDecoder (nvJPEG; builds with
//       IMAGECUDA_WITH_NVJPEG). With --jpeg-encode gpu each lane encodes its cards' JPEGs from the
//       device with its own io::GpuJpegEncoder (nvJPEG), right after the card's download, and the
//       codec threads write only the PNGs (default: cpu). With --png-encode gpu each lane writes
//       its cards' PNGs on its stream with io::encode's PngDeflate::parallel (the kernels of
//       src/cuda/png_parallel.cu, scratch from a workspace per lane), and only the compressed
//       file comes to the host (default: cpu, libdeflate on the codec threads); with both encoders
//       on the GPU the card is not downloaded at all. Reports cards/s per T, the time split per card and memory_stats()
//       before and after the timed part; exits 1 if the device allocation count (or nvJPEG's own)
//       grew after warm-up.
#include "../examples/social_card.hpp"
#if defined(IMAGECUDA_HAS_NVJPEG)
#include <imagecuda/io_nvjpeg.hpp>
#endif

#include <cuda_runtime_api.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace ic = imagecuda;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Host memory for uploads and downloads: pinned (cudaMallocHost) when the device is a GPU, so
/// that the copies are truly asynchronous; plain memory on the CPU backend.
class HostBuffer {
 public:
  HostBuffer(std::size_t pixels, bool pinned) : pixels_(pixels), pinned_(pinned) {
    const std::size_t bytes = pixels * sizeof(uchar4);
    if (pixels == 0) return;  // not needed in this configuration
    if (pinned_) {
      void* p = nullptr;
      if (cudaMallocHost(&p, bytes) != cudaSuccess)
        throw ic::Error(ic::ErrorCode::out_of_memory, "imagecuda_pipeline: cudaMallocHost failed");
      data_ = static_cast<uchar4*>(p);
    } else {
      data_ = new uchar4[pixels];
    }
  }
  ~HostBuffer() {
    if (data_ == nullptr) return;
    if (pinned_)
      cudaFreeHost(data_);
    else
      delete[] data_;
  }
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  [[nodiscard]] uchar4* data() const noexcept { return data_; }
  [[nodiscard]] std::span<uchar4> span() const noexcept { return {data_, pixels_}; }

 private:
  uchar4* data_ = nullptr;
  std::size_t pixels_ = 0;
  bool pinned_ = false;
};

/// A CUDA event on a GPU; nothing on the CPU backend (its ops are done when they return).
class Event {
 public:
  explicit Event(bool cuda = false) {
    if (cuda && cudaEventCreateWithFlags(&e_, cudaEventDisableTiming) != cudaSuccess)
      throw ic::Error(ic::ErrorCode::cuda, "imagecuda_pipeline: cudaEventCreate failed");
  }
  ~Event() {
    if (e_ != nullptr) cudaEventDestroy(e_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  void record(ic::Stream s) {
    if (e_ != nullptr && cudaEventRecord(e_, s.value()) != cudaSuccess)
      throw ic::Error(ic::ErrorCode::cuda, "imagecuda_pipeline: cudaEventRecord failed");
  }
  void synchronize() {
    if (e_ != nullptr && cudaEventSynchronize(e_) != cudaSuccess)
      throw ic::Error(ic::ErrorCode::cuda, "imagecuda_pipeline: cudaEventSynchronize failed");
  }

 private:
  cudaEvent_t e_ = nullptr;
};

/// Reads a whole file into `out` (reusing its capacity).
void read_file(const fs::path& path, std::vector<std::byte>& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw ic::Error(ic::ErrorCode::io, "imagecuda_pipeline: cannot open '" + path.string() + "'");
  std::fseek(f, 0, SEEK_END);
  const long size = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  out.resize(std::size_t(std::max(size, 0L)));
  const std::size_t got = std::fread(out.data(), 1, out.size(), f);
  std::fclose(f);
  if (got != out.size()) throw ic::Error(ic::ErrorCode::io, "imagecuda_pipeline: short read of '" + path.string() + "'");
}

/// A fixed pool of codec threads with one FIFO queue.
class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  void submit(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return done_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> workers_;
  bool done_ = false;
};

/// Where the photos are decoded: TurboJPEG on the codec threads, or nvJPEG on each lane's stream.
enum class DecodeMode { cpu, gpu };

/// Where the cards' JPEGs are encoded: TurboJPEG on the codec threads (io::encode), or nvJPEG on
/// each lane's stream (io::GpuJpegEncoder, from the card still on the device).
enum class EncodeMode { cpu, gpu };

/// The lanes' PNG encode with --png-encode gpu.
const ic::io::SaveParams png_gpu_params{.png_deflate = ic::io::PngDeflate::parallel};

/// True when this build and device can decode on the GPU (io::GpuJpegDecoder).
bool gpu_decode_available(ic::Device device) {
#if defined(IMAGECUDA_HAS_NVJPEG)
  return ic::io::GpuJpegDecoder::available(device);
#else
  (void)device;
  return false;
#endif
}

struct Config {
  fs::path photos;
  std::vector<int> threads{1, 4, 8};
  double seconds = 5.0;
  int codec_threads = 0;  // 0: hardware_concurrency
  int slots = 4;          // cards in flight per lane (decoding, on the GPU, encoding)
  int depth = 2;          // of which enqueued on the lane's stream at once
  std::vector<social_card::TextMode> text_modes{social_card::TextMode::per_card, social_card::TextMode::cached};
  // Level 1 (runs only, UP filter): on these photo-like cards as small as the default level 2 and
  // about a quarter faster (docs/io.md); --png-compression changes it.
  int png_compression = 1;
  std::optional<std::vector<DecodeMode>> decode_modes;  // default: both when the GPU decoder is available
  std::vector<EncodeMode> jpeg_modes{EncodeMode::cpu};
  std::vector<EncodeMode> png_modes{EncodeMode::cpu};
  std::optional<fs::path> out;
};

/// nvJPEG's own allocations summed over the lanes' decoders and encoders (device, pinned).
struct NvjpegCounts {
  std::uint64_t device = 0, pinned = 0;
  bool operator==(const NvjpegCounts&) const = default;
};

/// One timed run's numbers.
struct Result {
  int lanes = 0;
  social_card::TextMode text = social_card::TextMode::per_card;
  DecodeMode decode = DecodeMode::cpu;
  EncodeMode jpeg = EncodeMode::cpu;
  EncodeMode png = EncodeMode::cpu;
  bool decode_hardware = false;  // nvJPEG on the GPU's JPEG engines (every lane)
  std::uint64_t cards = 0;
  double seconds = 0;
  double decode_ms = 0, gpu_ms = 0, png_ms = 0, jpeg_ms = 0;  // per card, summed over threads
  double png_kb = 0, jpeg_kb = 0;
  ic::MemoryStats before, after;
  NvjpegCounts nvjpeg_before, nvjpeg_after;
  [[nodiscard]] double cards_per_s() const { return seconds > 0 ? double(cards) / seconds : 0; }
  [[nodiscard]] bool allocations_grew() const {
    return after.allocations != before.allocations || !(nvjpeg_after == nvjpeg_before);
  }
};

/// Shared state of one run.
class Run {
 public:
  Run(const Config& cfg, const std::vector<fs::path>& files, int lanes, social_card::TextMode text,
      DecodeMode decode, EncodeMode jpeg, EncodeMode png, ic::Device device, int max_w, int max_h)
      : cfg_(cfg), files_(files), device_(device), max_w_(max_w), max_h_(max_h), text_(text), decode_(decode),
        jpeg_(jpeg), png_(png) {
    const bool pinned = device.is_cuda();
    for (int l = 0; l < lanes; ++l) {
      auto lane = std::make_unique<Lane>();
      lane->renderer = std::make_unique<social_card::CardRenderer>(
          device, lane->stream,
          social_card::RendererOptions{.max_photo_width = max_w, .max_photo_height = max_h, .text = text});
#if defined(IMAGECUDA_HAS_NVJPEG)
      if (decode == DecodeMode::gpu) {
        lane->decoder = std::make_unique<ic::io::GpuJpegDecoder>(device);
        lane->photo8 = ic::ImageU8(max_w, max_h, device, lane->stream);
      }
      if (jpeg == EncodeMode::gpu) lane->encoder = std::make_unique<ic::io::GpuJpegEncoder>(device);
#endif
      if (png == EncodeMode::gpu)
        lane->png_workspace = std::make_unique<ic::Workspace>(
            ic::io::save_requirements(social_card::card_width, social_card::card_height, png_gpu_params), device,
            lane->stream);
      for (int s = 0; s < cfg.slots; ++s) {
        // GPU decode: the codec threads only read the file, no pinned photo buffer.
        const std::size_t photo_pixels = decode == DecodeMode::cpu ? std::size_t(max_w) * std::size_t(max_h) : 0;
        auto slot = std::make_unique<Slot>(photo_pixels, pinned);
        slot->lane = lane.get();
        lane->slots.push_back(std::move(slot));
      }
      lanes_.push_back(std::move(lane));
    }
  }

  Result execute() {
    const int codec = cfg_.codec_threads > 0 ? cfg_.codec_threads : int(std::max(1u, std::thread::hardware_concurrency()));
    Result r;
    r.lanes = int(lanes_.size());
    r.text = text_;
    r.decode = decode_;
    r.jpeg = jpeg_;
    r.png = png_;
#if defined(IMAGECUDA_HAS_NVJPEG)
    r.decode_hardware = decode_ == DecodeMode::gpu;
    for (auto& lane : lanes_)
      if (lane->decoder) r.decode_hardware = r.decode_hardware && lane->decoder->hardware();
#endif
    {
      Pool pool(codec);
      pool_ = &pool;
      std::vector<std::thread> gpu;
      for (auto& lane : lanes_) {
        for (auto& slot : lane->slots) pool.submit([this, s = slot.get()] { decode(*s); });
        gpu.emplace_back([this, l = lane.get()] { lane_loop(*l); });
      }
      // Warm-up: one pass over the photo set, and every slot of every lane used at least twice.
      const std::uint64_t warm = std::max<std::uint64_t>(files_.size(), 2 * lanes_.size() * std::size_t(cfg_.slots));
      while (completed_.load() < warm && !failed_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!failed_.load()) {
        r.before = ic::memory_stats(device_);
        r.nvjpeg_before = nvjpeg_counts();
        const std::uint64_t c0 = completed_.load();
        const auto t0 = Clock::now();
        timing_.store(true);
        while (seconds_since(t0) < cfg_.seconds && !failed_.load())
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        timing_.store(false);
        r.seconds = seconds_since(t0);
        r.cards = completed_.load() - c0;
      }
      stop_.store(true);
      for (auto& lane : lanes_) {
        { std::lock_guard lock(lane->mutex); }  // a lane between its check and its wait sees stop_
        lane->ready_cv.notify_all();
      }
      for (auto& t : gpu) t.join();
      // Drain: the pool's destructor waits for the queued codec tasks (they see stop_ and end).
      pool_ = nullptr;
    }
    if (error_) std::rethrow_exception(error_);
    for (auto& lane : lanes_) lane->stream.synchronize();
    r.after = ic::memory_stats(device_);
    r.nvjpeg_after = nvjpeg_counts();
    const double n = std::max<double>(1.0, double(timed_cards_.load()));
    r.decode_ms = double(decode_ns_.load()) / n / 1e6;
    r.gpu_ms = double(gpu_ns_.load()) / n / 1e6;
    r.png_ms = double(png_ns_.load()) / n / 1e6;
    r.jpeg_ms = double(jpeg_ns_.load()) / n / 1e6;
    r.png_kb = double(png_bytes_.load()) / n / 1024.0;
    r.jpeg_kb = double(jpeg_bytes_.load()) / n / 1024.0;
    return r;
  }

 private:
  struct Lane;
  struct Slot {
    Slot(std::size_t photo_pixels, bool cuda)
        : in(photo_pixels, cuda),
          out(std::size_t(social_card::card_width) * social_card::card_height, cuda),
          event(cuda) {}
    Lane* lane = nullptr;
    HostBuffer in;   // decoded photo, RGBA8
    HostBuffer out;  // the card, RGBA8
    std::vector<std::byte> file;
    std::vector<std::byte> jpeg;  // EncodeMode::gpu: the card's JPEG, from the lane's encoder
    std::vector<std::byte> png;   // EncodeMode::gpu: the card's PNG, written by the lane
    int width = 0, height = 0;
    std::int64_t decode_ns = 0, gpu_ns = 0, jpeg_ns = 0, png_ns = 0;
    Clock::time_point gpu_start;
    Event event;  // recorded after the card's download
  };
  struct Lane {
    ic::OwningStream stream;
    std::unique_ptr<social_card::CardRenderer> renderer;
#if defined(IMAGECUDA_HAS_NVJPEG)
    // GPU decode (declared after the stream: destroyed before it).
    std::unique_ptr<ic::io::GpuJpegDecoder> decoder;
    ic::ImageU8 photo8;  // the decoded photo, RGBA8 on the device
    std::unique_ptr<ic::io::GpuJpegEncoder> encoder;  // GPU JPEG encode
#endif
    std::unique_ptr<ic::Workspace> png_workspace;  // GPU PNG encode

    std::vector<std::unique_ptr<Slot>> slots;
    std::mutex mutex;
    std::condition_variable ready_cv;
    std::deque<Slot*> ready;
  };

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
      failed_.store(true);
      stop_.store(true);
    }
  }

  static std::int64_t ns_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t).count();
  }

  NvjpegCounts nvjpeg_counts() const {
    NvjpegCounts c;
#if defined(IMAGECUDA_HAS_NVJPEG)
    const auto add = [&](const ic::io::GpuJpegAllocations& a) {
      c.device += a.device;
      c.pinned += a.pinned;
    };
    for (const auto& lane : lanes_) {
      if (lane->decoder) add(lane->decoder->nvjpeg_allocations());
      if (lane->encoder) add(lane->encoder->nvjpeg_allocations());
    }
#endif
    return c;
  }

  /// True when the lane itself encodes (PNG or JPEG on the GPU) and so waits for each card.
  [[nodiscard]] bool lane_encodes() const { return jpeg_ == EncodeMode::gpu || png_ == EncodeMode::gpu; }

  /// Codec thread: read the next photo's bytes and (CPU decode) decode them into the slot's
  /// pinned buffer.
  void decode(Slot& s) {
    if (stop_.load()) return;
    guarded([&] {
      const auto t0 = Clock::now();
      const std::size_t i = next_photo_.fetch_add(1) % files_.size();
      read_file(files_[i], s.file);
      if (decode_ == DecodeMode::cpu) {
        const ic::io::ImageInfo info = ic::io::decode(s.file, s.in.span());
        s.width = info.width;
        s.height = info.height;
      }
      s.decode_ns = ns_since(t0);
      Lane& lane = *s.lane;
      {
        std::lock_guard lock(lane.mutex);
        lane.ready.push_back(&s);
      }
      lane.ready_cv.notify_one();
    });
  }

  /// GPU lane: upload, compose, download on its own stream; wait; hand the card to the encoders.
  void lane_loop(Lane& lane) {
    guarded([&] {
      // Up to `depth` cards enqueued on the stream at once: the host enqueues card n+1 (text,
      // ~30 launches) while the GPU still runs card n. Stream order keeps the renderer's shared
      // images correct; each card's event tells when its pinned output is complete.
      const std::size_t depth = std::min<std::size_t>(std::size_t(cfg_.depth), lane.slots.size());
      std::deque<Slot*> inflight;
      const auto finish_oldest = [&] {
        Slot* done = inflight.front();
        inflight.pop_front();
        done->event.synchronize();
        if (!lane_encodes()) done->gpu_ns = ns_since(done->gpu_start);  // GPU encode: set below
        pool_->submit([this, done] { encode(*done); });
      };
      for (;;) {
        Slot* s = nullptr;
        {
          std::unique_lock lock(lane.mutex);
          if (lane.ready.empty() && !inflight.empty() && !stop_.load()) {
            lock.unlock();  // nothing new to enqueue: complete the oldest card instead of idling
            finish_oldest();
            continue;
          }
          lane.ready_cv.wait(lock, [&] { return stop_.load() || !lane.ready.empty(); });
          if (stop_.load()) break;
          s = lane.ready.front();
          lane.ready.pop_front();
        }
        s->gpu_start = Clock::now();
        lane.renderer->prepare_text();  // per-card text first: see CardRenderer::prepare_text
        if (decode_ == DecodeMode::cpu) {
          lane.renderer->upload(s->in.data(), s->width, s->height);
        } else {
#if defined(IMAGECUDA_HAS_NVJPEG)
          // nvJPEG on this lane's stream (the host part: header checks, parse, submit), then v/255
          // into the renderer's f32 photo. The file bytes stay untouched until the card's event.
          const auto t0 = Clock::now();
          lane.decoder->decode(s->file, lane.photo8, {}, {lane.stream});
          s->decode_ns += ns_since(t0);
          lane.renderer->set_photo(lane.photo8.view());
#endif
        }
        lane.renderer->compose();
        if (png_ == EncodeMode::gpu && jpeg_ == EncodeMode::gpu)
          lane.renderer->to_8bit();  // both files come from the device: nothing to download
        else
          lane.renderer->download(s->out.data());
        s->event.record(lane.stream);
        if (lane_encodes()) {
          // The encoders read the renderer's 8-bit card, which the next card's download rewrites,
          // and return with the file on the host: this lane waits for each card here, so --depth
          // has no effect on these rows. The card's GPU stage ends at its event; the PNG and JPEG
          // times are the encode calls alone (their GPU part and the copy of the file).
          s->event.synchronize();
          s->gpu_ns = ns_since(s->gpu_start);
          if (png_ == EncodeMode::gpu) {
            const auto t0 = Clock::now();
            s->png = ic::io::encode(lane.renderer->card8(), ic::io::Format::png, png_gpu_params,
                                    {lane.stream, lane.png_workspace.get()});
            s->png_ns = ns_since(t0);
          }
#if defined(IMAGECUDA_HAS_NVJPEG)
          if (jpeg_ == EncodeMode::gpu) {
            const auto t0 = Clock::now();
            lane.encoder->encode(lane.renderer->card8().view(), s->jpeg, {.quality = social_card::jpeg_quality},
                                 {lane.stream});
            s->jpeg_ns = ns_since(t0);
          }
#endif
        }
        inflight.push_back(s);
        if (inflight.size() >= depth) finish_oldest();
      }
      lane.stream.synchronize();  // stopping: the cards still in flight are dropped
    });
  }

  /// Codec thread: PNG and JPEG of the card from the pinned buffer; then the slot decodes the
  /// next photo (same thread: no queue hop).
  void encode(Slot& s) {
    if (stop_.load()) return;
    guarded([&] {
      const ic::ConstImageView<uchar4> card(s.out.data(), social_card::card_width, social_card::card_height,
                                            social_card::card_width * sizeof(uchar4), ic::Device::cpu());
      const auto t0 = Clock::now();
      std::vector<std::byte> cpu_png;  // GPU encode: the lane already has the file
      if (png_ == EncodeMode::cpu)
        cpu_png = ic::io::encode(card, ic::io::Format::png, {.png_compression = cfg_.png_compression});
      const std::vector<std::byte>& png = png_ == EncodeMode::gpu ? s.png : cpu_png;
      const auto t1 = Clock::now();
      // GPU encode: the lane already has the file (its time: the lane's encode call).
      std::vector<std::byte> cpu_jpg;
      if (jpeg_ == EncodeMode::cpu)
        cpu_jpg = ic::io::encode(card, ic::io::Format::jpeg, {.quality = social_card::jpeg_quality});
      const std::vector<std::byte>& jpg = jpeg_ == EncodeMode::gpu ? s.jpeg : cpu_jpg;
      const std::int64_t png_ns = png_ == EncodeMode::gpu ? s.png_ns
                                                          : std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
      const std::int64_t jpeg_ns = jpeg_ == EncodeMode::gpu ? s.jpeg_ns : ns_since(t1);
      if (timing_.load()) {  // completed inside the timed window: its stage times count
        decode_ns_ += s.decode_ns;
        gpu_ns_ += s.gpu_ns;
        png_ns_ += png_ns;
        jpeg_ns_ += jpeg_ns;
        png_bytes_ += png.size();
        jpeg_bytes_ += jpg.size();
        ++timed_cards_;
      }
      ++completed_;
    });
    decode(s);
  }

  const Config& cfg_;
  const std::vector<fs::path>& files_;
  ic::Device device_;
  int max_w_, max_h_;
  social_card::TextMode text_;
  DecodeMode decode_;
  EncodeMode jpeg_;
  EncodeMode png_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  Pool* pool_ = nullptr;
  std::atomic<std::uint64_t> next_photo_{0}, completed_{0}, timed_cards_{0};
  std::atomic<std::int64_t> decode_ns_{0}, gpu_ns_{0}, png_ns_{0}, jpeg_ns_{0};
  std::atomic<std::uint64_t> png_bytes_{0}, jpeg_bytes_{0};
  std::atomic<bool> timing_{false}, stop_{false}, failed_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

const char* text_name(social_card::TextMode m) {
  switch (m) {
    case social_card::TextMode::per_card: return "per card";
    case social_card::TextMode::cached: return "cached (same text on every card: rendered once per lane)";
    case social_card::TextMode::none: return "none (built without text)";
  }
  return "?";
}

/// The decode column: where the photo was decoded, and for GPU-encode rows where the JPEG and the
/// PNG were made.
std::string codec_name(const Result& r) {
  std::string d = r.decode == DecodeMode::cpu ? "TurboJPEG (CPU)"
                  : r.decode_hardware         ? "nvJPEG (GPU, hardware)"
                                              : "nvJPEG (GPU, CUDA)";
  // Only GPU-encode rows say so: the TurboJPEG-encode rows keep the labels of earlier runs.
  if (r.jpeg == EncodeMode::gpu) d += ", JPEG encode nvJPEG (GPU)";
  if (r.png == EncodeMode::gpu) d += ", PNG encode PngDeflate::parallel (GPU)";
  return d;
}

int make_photos(const fs::path& dir, int n) {
  fs::create_directories(dir);
  ic::OwningStream stream;
  ic::Workspace ws;
  const ic::Exec ex{stream, &ws};
  ic::ImageF32 photo(1920, 1280);
  const auto t0 = Clock::now();
  for (int i = 1; i <= n; ++i) {
    social_card::render_photo(photo, std::uint32_t(i), ex);
    char name[32];
    std::snprintf(name, sizeof name, "photo_%04d.jpg", i);
    ic::io::save(photo, dir / name, {.quality = 90}, ex);
  }
  std::printf("wrote %d photos (1920x1280, JPEG quality 90) to %s in %.1f s on %s\n", n, dir.c_str(), seconds_since(t0),
              photo.device().name().c_str());
  return 0;
}

std::vector<int> parse_list(const std::string& s) {
  std::vector<int> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) v.push_back(std::max(1, std::atoi(item.c_str())));
  return v;
}

/// "cpu", "gpu" or "both" -> the modes (DecodeMode or EncodeMode); empty for anything else.
template <class Mode>
std::vector<Mode> where(const std::string& d) {
  if (d == "cpu") return {Mode::cpu};
  if (d == "gpu") return {Mode::gpu};
  if (d == "both") return {Mode::cpu, Mode::gpu};
  return {};
}

/// name(m) for each mode, joined by "; ".
template <class Mode, class Name>
std::string joined(const std::vector<Mode>& modes, Name&& name) {
  std::string s;
  for (const Mode m : modes) s += (s.empty() ? "" : "; ") + name(m);
  return s;
}

int usage() {
  std::fprintf(stderr,
               "usage: imagecuda_pipeline --make-photos DIR N\n"
               "       imagecuda_pipeline --photos DIR [--threads 1,4,8] [--seconds S] [--codec-threads C]\n"
               "                          [--slots K] [--depth D] [--text per-card|cached|both] [--png-compression L]\n"
               "                          [--decode cpu|gpu|both] [--jpeg-encode cpu|gpu|both] [--png-encode cpu|gpu|both]\n"
               "                          [--out FILE.md]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) try {
  Config cfg;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "--make-photos") return make_photos(args[1], std::max(1, std::atoi(args[2].c_str())));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw ic::Error(ic::ErrorCode::invalid_argument, "imagecuda_pipeline: " + args[i] + " needs a value");
      return args[++i];
    };
    if (args[i] == "--photos") cfg.photos = value();
    else if (args[i] == "--threads") cfg.threads = parse_list(value());
    else if (args[i] == "--seconds") cfg.seconds = std::atof(value().c_str());
    else if (args[i] == "--codec-threads") cfg.codec_threads = std::atoi(value().c_str());
    else if (args[i] == "--slots") cfg.slots = std::max(1, std::atoi(value().c_str()));
    else if (args[i] == "--depth") cfg.depth = std::max(1, std::atoi(value().c_str()));
    else if (args[i] == "--png-compression") cfg.png_compression = std::atoi(value().c_str());
    else if (args[i] == "--out") cfg.out = fs::path(value());
    else if (args[i] == "--decode") {
      const auto m = where<DecodeMode>(value());
      if (m.empty()) return usage();
      cfg.decode_modes = m;
    } else if (args[i] == "--jpeg-encode") {
      cfg.jpeg_modes = where<EncodeMode>(value());
      if (cfg.jpeg_modes.empty()) return usage();
    } else if (args[i] == "--png-encode") {
      cfg.png_modes = where<EncodeMode>(value());
      if (cfg.png_modes.empty()) return usage();
    } else if (args[i] == "--text") {
      const std::string t = value();
      if (t == "per-card") cfg.text_modes = {social_card::TextMode::per_card};
      else if (t == "cached") cfg.text_modes = {social_card::TextMode::cached};
      else if (t == "both") cfg.text_modes = {social_card::TextMode::per_card, social_card::TextMode::cached};
      else return usage();
    } else return usage();
  }
  if (cfg.photos.empty() || cfg.threads.empty()) return usage();

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(cfg.photos)) {
    auto ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (e.is_regular_file() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png")) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw ic::Error(ic::ErrorCode::io, "imagecuda_pipeline: no .jpg/.png files in '" + cfg.photos.string() + "'");
  int max_w = 1, max_h = 1;
  for (const auto& f : files) {
    const auto info = ic::io::probe(f);
    max_w = std::max(max_w, info.width);
    max_h = std::max(max_h, info.height);
  }

  const ic::Device device = ic::default_device();
  // Lanes wait for their streams: yield the CPU while waiting instead of spinning, so that the
  // codec threads keep every core (set before the CUDA context exists; harmless if it does).
  std::string device_name = device.name();
  if (device.is_cuda()) {
    const bool blocking = cudaSetDeviceFlags(cudaDeviceScheduleBlockingSync) == cudaSuccess;
    (void)cudaGetLastError();  // "already active" is not an error here: clear it
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, device.ordinal()) == cudaSuccess)
      device_name += fmt::format(" ({})", prop.name);
    device_name += blocking ? ", lanes wait with blocking sync" : ", lanes wait with the default (may spin)";
  }
  const int codec = cfg.codec_threads > 0 ? cfg.codec_threads : int(std::max(1u, std::thread::hardware_concurrency()));
#if !defined(IMAGECUDA_HAS_TEXT)
  cfg.text_modes = {social_card::TextMode::none};
#endif
  const bool gpu_decode = gpu_decode_available(device);
  if (!cfg.decode_modes)
    cfg.decode_modes = gpu_decode ? std::vector<DecodeMode>{DecodeMode::cpu, DecodeMode::gpu}
                                  : std::vector<DecodeMode>{DecodeMode::cpu};
  const auto needs_nvjpeg = [&](const char* flag) {
    return ic::Error(ic::ErrorCode::unsupported,
                     fmt::format("imagecuda_pipeline: {} gpu needs a build with nvJPEG (IMAGECUDA_WITH_NVJPEG) "
                                 "and a CUDA device; this is {} on {}",
                                 flag,
#if defined(IMAGECUDA_HAS_NVJPEG)
                                 "a build with nvJPEG",
#else
                                 "a build without nvJPEG",
#endif
                                 device));
  };
  for (const DecodeMode m : *cfg.decode_modes)
    if (m == DecodeMode::gpu && !gpu_decode) throw needs_nvjpeg("--decode");
  for (const EncodeMode m : cfg.jpeg_modes)
    if (m == EncodeMode::gpu && !gpu_decode) throw needs_nvjpeg("--jpeg-encode");
  for (const EncodeMode m : cfg.png_modes)
    if (m == EncodeMode::gpu && !device.is_cuda())
      throw ic::Error(ic::ErrorCode::unsupported, "imagecuda_pipeline: --png-encode gpu needs a CUDA device");

  const std::string decoders = joined(*cfg.decode_modes, [&](DecodeMode m) -> std::string {
    if (m == DecodeMode::cpu) return "TurboJPEG on the codec threads";
#if defined(IMAGECUDA_HAS_NVJPEG)
    return "one io::GpuJpegDecoder per lane on its stream (" + ic::io::GpuJpegDecoder(device).description() + ")";
#else
    return "";  // not reached: --decode gpu needs nvJPEG (checked above)
#endif
  });
  const std::string encoders = joined(cfg.jpeg_modes, [&](EncodeMode m) -> std::string {
    if (m == EncodeMode::cpu) return "TurboJPEG on the codec threads";
#if defined(IMAGECUDA_HAS_NVJPEG)
    return "one io::GpuJpegEncoder per lane on its stream (" + ic::io::GpuJpegEncoder(device).description() + ")";
#else
    return "";  // not reached: --jpeg-encode gpu needs nvJPEG (checked above)
#endif
  });
  const std::string png_encoders = joined(cfg.png_modes, [](EncodeMode m) -> std::string {
    return m == EncodeMode::cpu ? "libdeflate on the codec threads"
                                : "io::encode with PngDeflate::parallel on each lane's stream (GPU)";
  });
  std::string header = fmt::format(
      "social-card pipeline (docs/pipeline.md): {} photos up to {}x{} from {}, device {}, {} codec threads, "
      "{} cards in flight per lane ({} enqueued on its stream), PNG level {} (libdeflate rows), JPEG q{}, {}s per run, "
      "photo decode: {}, card JPEG encode: {}, card PNG encode: {}",
      files.size(), max_w, max_h, cfg.photos.string(), device_name, codec, cfg.slots, cfg.depth, cfg.png_compression,
      social_card::jpeg_quality, cfg.seconds, decoders, encoders, png_encoders);
  std::printf("%s\n", header.c_str());
  std::vector<Result> results;
  bool grew = false;
  for (const DecodeMode decode : *cfg.decode_modes) {
   for (const EncodeMode jpeg : cfg.jpeg_modes) {
   for (const EncodeMode png : cfg.png_modes) {
    for (const auto mode : cfg.text_modes) {
      for (const int lanes : cfg.threads) {
        Run run(cfg, files, lanes, mode, decode, jpeg, png, device, max_w, max_h);
        const Result r = run.execute();
        grew = grew || r.allocations_grew();
        std::printf(
            "lanes %d, text %s, decode %s: %.1f cards/s (%llu cards in %.2f s); per card: read+decode %.2f ms, "
            "GPU stage %.2f ms, PNG %.2f ms (%.0f KiB), JPEG %.2f ms (%.0f KiB); allocations %llu -> %llu, "
            "nvJPEG device+pinned %llu+%llu -> %llu+%llu%s\n",
            r.lanes, text_name(r.text), codec_name(r).c_str(), r.cards_per_s(), (unsigned long long)r.cards, r.seconds,
            r.decode_ms, r.gpu_ms, r.png_ms, r.png_kb, r.jpeg_ms, r.jpeg_kb, (unsigned long long)r.before.allocations,
            (unsigned long long)r.after.allocations, (unsigned long long)r.nvjpeg_before.device,
            (unsigned long long)r.nvjpeg_before.pinned, (unsigned long long)r.nvjpeg_after.device,
            (unsigned long long)r.nvjpeg_after.pinned,
            r.allocations_grew() ? "  GREW AFTER WARM-UP" : " (none after warm-up)");
        std::fflush(stdout);
        results.push_back(r);
      }
    }
   }
   }
  }

  if (cfg.out) {
    std::FILE* f = std::fopen(cfg.out->c_str(), "w");
    if (f == nullptr) throw ic::Error(ic::ErrorCode::io, "imagecuda_pipeline: cannot write '" + cfg.out->string() + "'");
    std::fprintf(f, "# imagecuda social-card pipeline\n\n%s.\n\n", header.c_str());
    std::fprintf(f,
                 "Per-card times are the sums over threads divided by the cards (each stage runs on many cards at "
                 "once, so they add up to more than 1/(cards/s)). GPU stage = from the lane starting to enqueue the card "
                 "(per-card text, upload or GPU decode, steps 2-7, 8-bit convert, download) to its download being "
                 "complete; with several cards enqueued per lane it includes waiting behind the previous one. "
                 "read+decode: TurboJPEG rows = file read + decode on a codec thread; nvJPEG rows = file read on a "
                 "codec thread + the host time of GpuJpegDecoder::decode on the lane (its GPU time is in the GPU "
                 "stage). Allocations: imagecuda's device allocations (memory_stats), and for nvJPEG rows nvJPEG's own "
                 "device+pinned allocations summed over the lanes' decoders and encoders. JPEG ms: TurboJPEG on a codec "
                 "thread, or for JPEG-encode-nvJPEG rows the lane's GpuJpegEncoder::encode call after the card is complete; "
                 "PNG ms: libdeflate on a codec thread, or for PNG-encode-GPU rows the lane's io::encode call "
                 "(PngDeflate::parallel) after the card is complete (lanes that encode wait for each card before the "
                 "next one: --depth has no effect there).\n\n");
    std::fprintf(f, "| lanes (streams) | text | decode | cards/s | read+decode ms | GPU stage ms | PNG ms | JPEG ms | PNG KiB | JPEG KiB | allocations before -> after |\n");
    std::fprintf(f, "|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const auto& r : results) {
      std::string alloc = fmt::format("{} -> {}", r.before.allocations, r.after.allocations);
      if (r.decode == DecodeMode::gpu || r.jpeg == EncodeMode::gpu)
        alloc += fmt::format("; nvJPEG {}+{} -> {}+{}", r.nvjpeg_before.device, r.nvjpeg_before.pinned,
                             r.nvjpeg_after.device, r.nvjpeg_after.pinned);
      std::fprintf(f, "| %d | %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.0f | %.0f | %s%s |\n", r.lanes,
                   text_name(r.text), codec_name(r).c_str(), r.cards_per_s(), r.decode_ms, r.gpu_ms, r.png_ms, r.jpeg_ms,
                   r.png_kb, r.jpeg_kb, alloc.c_str(), r.allocations_grew() ? " GREW" : "");
    }
    std::fclose(f);
    std::printf("wrote %s\n", cfg.out->c_str());
  }
  if (grew) {
    std::fprintf(stderr, "imagecuda_pipeline: device allocations grew after warm-up\n");
    return 1;
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "imagecuda_pipeline: %s\n", e.what());
  return 1;
}
