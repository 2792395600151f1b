// SPDX-License-Identifier: MIT
/// @file nvjpeg.cpp  io::GpuJpegDecoder: JPEG decode on the GPU through nvJPEG. Compiled only
/// when the library is built with nvJPEG (IMAGECUDA_WITH_NVJPEG; see docs/io.md).
///
/// The header is read and checked on the host first, with the same TurboJPEG parser and limits
/// as io::probe/io::load (so a bad header gives the same Error whichever decoder reads it). Then:
///   - hardware backend (the GPU's JPEG engines): nvjpegDecodeBatched with a batch of one, for
///     every file nvjpegDecodeBatchedSupported accepts (baseline, one scan, no 4:1:1 / 4:1:0);
///   - otherwise nvJPEG's decoupled API with the default backend (created on first need), which
///     also reads progressive files.
/// Both write interleaved RGB into the decoder's grow-only scratch; a kernel expands it to RGBA8
/// in the destination with the EXIF orientation applied. Every nvJPEG and CUDA status is checked.
///
/// io::GpuJpegEncoder (at the end): a kernel composites RGBA8 over white into three planes in
/// the encoder's scratch, nvjpegEncodeImage encodes them on the caller's stream, and
/// nvjpegEncodeRetrieveBitstream copies the file to the host.
#include <cuda_runtime.h>
#include <nvjpeg.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <utility>

#include "codec.hpp"
#include "imagecuda/detail/cuda_check.hpp"
#include "imagecuda/detail/dispatch.hpp"
#include "imagecuda/io_nvjpeg.hpp"
#include "io/nvjpeg_kernels.hpp"

namespace imagecuda::io {
namespace {

constexpr const char* op_create = "io::GpuJpegDecoder";
constexpr const char* op_decode = "io::GpuJpegDecoder::decode";
constexpr const char* op_info = "io::GpuJpegDecoder::info";

const char* status_name(nvjpegStatus_t s) noexcept {
  switch (s) {
    case NVJPEG_STATUS_SUCCESS: return "NVJPEG_STATUS_SUCCESS";
    case NVJPEG_STATUS_NOT_INITIALIZED: return "NVJPEG_STATUS_NOT_INITIALIZED";
    case NVJPEG_STATUS_INVALID_PARAMETER: return "NVJPEG_STATUS_INVALID_PARAMETER";
    case NVJPEG_STATUS_BAD_JPEG: return "NVJPEG_STATUS_BAD_JPEG";
    case NVJPEG_STATUS_JPEG_NOT_SUPPORTED: return "NVJPEG_STATUS_JPEG_NOT_SUPPORTED";
    case NVJPEG_STATUS_ALLOCATOR_FAILURE: return "NVJPEG_STATUS_ALLOCATOR_FAILURE";
    case NVJPEG_STATUS_EXECUTION_FAILED: return "NVJPEG_STATUS_EXECUTION_FAILED";
    case NVJPEG_STATUS_ARCH_MISMATCH: return "NVJPEG_STATUS_ARCH_MISMATCH";
    case NVJPEG_STATUS_INTERNAL_ERROR: return "NVJPEG_STATUS_INTERNAL_ERROR";
    case NVJPEG_STATUS_IMPLEMENTATION_NOT_SUPPORTED: return "NVJPEG_STATUS_IMPLEMENTATION_NOT_SUPPORTED";
    case NVJPEG_STATUS_INCOMPLETE_BITSTREAM: return "NVJPEG_STATUS_INCOMPLETE_BITSTREAM";
  }
  return "unknown nvJPEG status";
}

/// The ErrorCode of a failed nvJPEG call that worked on a file.
ErrorCode code_of(nvjpegStatus_t s) noexcept {
  switch (s) {
    case NVJPEG_STATUS_BAD_JPEG:
    case NVJPEG_STATUS_INCOMPLETE_BITSTREAM: return ErrorCode::decode;
    case NVJPEG_STATUS_JPEG_NOT_SUPPORTED:
    case NVJPEG_STATUS_IMPLEMENTATION_NOT_SUPPORTED:
    case NVJPEG_STATUS_ARCH_MISMATCH: return ErrorCode::unsupported;
    case NVJPEG_STATUS_ALLOCATOR_FAILURE: return ErrorCode::out_of_memory;
    case NVJPEG_STATUS_INVALID_PARAMETER: return ErrorCode::invalid_argument;
    default: return ErrorCode::cuda;
  }
}

/// Throws Error{code_of(s)} "<op>: <name>: <call> failed: <STATUS> (<n>)" unless s is success.
void check_nv(nvjpegStatus_t s, const codec::Origin& o, const char* call) {
  if (s != NVJPEG_STATUS_SUCCESS) [[unlikely]]
    codec::fail(o, code_of(s), "{} failed: {} ({})", call, status_name(s), int(s));
}
/// The same for the handle's set-up (no file involved).
void check_nv(nvjpegStatus_t s, const char* op, Device d, const char* call) {
  if (s != NVJPEG_STATUS_SUCCESS) [[unlikely]]
    imagecuda::detail::fail(s == NVJPEG_STATUS_ALLOCATOR_FAILURE ? ErrorCode::out_of_memory : ErrorCode::unsupported,
                 "{}: {} on {} failed: {} ({})", op, call, d, status_name(s), int(s));
}
void check_cuda(cudaError_t e, const char* op, const char* call) {
  if (e != cudaSuccess) [[unlikely]] {
    (void)cudaGetLastError();
    imagecuda::detail::fail(e == cudaErrorMemoryAllocation ? ErrorCode::out_of_memory : ErrorCode::cuda, "{}: {} failed: {} ({})",
                 op, call, cudaGetErrorName(e), cudaGetErrorString(e));
  }
}

/// What the host learns from the header before anything runs on the device.
struct Parsed {
  int width = 0, height = 0;     // stored size
  int orientation = 1;           // to apply (1 when autorotate is off)
  int out_width = 0, out_height = 0;
  int channels = 3;
  int exif_orientation = 1;      // what the file says
};

/// Offset of the first SOS marker (walking the marker segments from SOI), or 0 if the walk
/// ends first. Bounds-checked.
std::size_t first_scan(const unsigned char* d, std::size_t n) noexcept {
  std::size_t off = 2;
  while (off + 4 <= n) {
    if (d[off] != 0xFF) return 0;
    const unsigned char m = d[off + 1];
    if (m == 0xFF) {
      ++off;
      continue;
    }
    if (m == 0xDA) return off;
    if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      off += 2;
      continue;
    }
    if (m == 0xD9) return 0;
    const std::size_t len = std::size_t(d[off + 2]) << 8 | d[off + 3];
    if (len < 2 || len > n - off - 2) return 0;
    off += 2 + len;
  }
  return 0;
}

/// The header checks shared by info() and decode(): format, TurboJPEG header (size limits,
/// unsupported processes), colour space, orientation; and, for decode, the end-of-image marker.
Parsed parse(std::span<const std::byte> bytes, const LoadParams& p, const codec::Origin& o, bool need_eoi) {
  const Format f = codec::detect_format(bytes, o);
  if (f != Format::jpeg)
    codec::fail(o, ErrorCode::unsupported, "the GPU decoder reads JPEG only, this is a PNG (use io::load)");
  const codec::Header h = codec::jpeg_header(bytes, o, p);
  if (h.channels == 4)
    codec::fail(o, ErrorCode::unsupported, "CMYK/YCCK JPEG is not supported by the GPU decoder (use io::load)");
  Parsed r;
  r.width = h.width;
  r.height = h.height;
  r.channels = h.channels;
  r.exif_orientation = h.orientation;
  r.orientation = p.autorotate ? h.orientation : 1;
  std::tie(r.out_width, r.out_height) = codec::oriented_size(h.width, h.height, r.orientation);
  if (need_eoi) {
    const auto* d = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t n = bytes.size();
    const std::size_t sos = first_scan(d, n);
    if (sos == 0) codec::fail(o, ErrorCode::decode, "truncated JPEG: no scan (SOS marker) in {} bytes", n);
    // The entropy-coded data never holds FF D9 (0xFF is stuffed as FF 00), so an EOI after the
    // first scan marks the end of the image; usually at the very end (trailing bytes are rare).
    bool eoi = false;
    for (std::size_t i = n - 2; i > sos + 3; --i) {
      if (d[i] == 0xFF && d[i + 1] == 0xD9) {
        eoi = true;
        break;
      }
    }
    if (!eoi) codec::fail(o, ErrorCode::decode, "truncated JPEG: no end-of-image marker after the scan ({} bytes)", n);
  }
  return r;
}

// nvJPEG's memory goes through these (the V2 allocator interface): plain cudaMalloc and
// cudaMallocHost, as nvJPEG's defaults, but counted per decoder.
struct Counters {
  std::atomic<std::uint64_t> device{0}, pinned{0};
  std::atomic<std::size_t> device_bytes{0}, pinned_bytes{0};
};

int dev_malloc(void* ctx, void** ptr, std::size_t size, cudaStream_t) {
  const cudaError_t e = cudaMalloc(ptr, size);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    *ptr = nullptr;
    return int(e);
  }
  auto* c = static_cast<Counters*>(ctx);
  ++c->device;
  c->device_bytes += size;
  return 0;
}
int dev_free(void* ctx, void* ptr, std::size_t size, cudaStream_t) {
  if (ptr == nullptr) return 0;
  const cudaError_t e = cudaFree(ptr);  // waits for the device: nothing in flight can use it
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return int(e);
  }
  static_cast<Counters*>(ctx)->device_bytes -= size;
  return 0;
}
int pinned_malloc(void* ctx, void** ptr, std::size_t size, cudaStream_t) {
  const cudaError_t e = cudaMallocHost(ptr, size);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    *ptr = nullptr;
    return int(e);
  }
  auto* c = static_cast<Counters*>(ctx);
  ++c->pinned;
  c->pinned_bytes += size;
  return 0;
}
int pinned_free(void* ctx, void* ptr, std::size_t size, cudaStream_t) {
  if (ptr == nullptr) return 0;
  // Stream-ordered semantics: a copy may still read it. The stream nvJPEG names may already be
  // destroyed (at the decoder's destruction), so wait for the whole device: this happens only
  // when a buffer grows (warm-up) and when the decoder is destroyed.
  (void)cudaDeviceSynchronize();
  const cudaError_t e = cudaFreeHost(ptr);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return int(e);
  }
  static_cast<Counters*>(ctx)->pinned_bytes -= size;
  return 0;
}

/// What a decoder's or encoder's counters say now.
GpuJpegAllocations allocations_of(const Counters& c) {
  return {c.device.load(), c.pinned.load(), c.device_bytes.load(), c.pinned_bytes.load()};
}

/// "nvJPEG <major>.<minor>.<patch>" of the library loaded.
std::string nvjpeg_version() {
  int major = -1, minor = -1, patch = -1;
  (void)nvjpegGetProperty(MAJOR_VERSION, &major);
  (void)nvjpegGetProperty(MINOR_VERSION, &minor);
  (void)nvjpegGetProperty(PATCH_LEVEL, &patch);
  return fmt::format("nvJPEG {}.{}.{}", major, minor, patch);
}

/// The constructors' check of their device: a CUDA device that exists.
void check_cuda_device(Device device, const char* op) {
  imagecuda::detail::expects(device.is_cuda(), ErrorCode::invalid_argument, "{}: device must be a CUDA device, got {}",
                             op, device);
  imagecuda::detail::expects(GpuJpegDecoder::available(device), ErrorCode::invalid_argument,
                             "{}: device {} does not exist ({} CUDA devices)", op, device, cuda_device_count());
}

/// Error{invalid_argument} for a call on a moved-from decoder or encoder (`what`).
void check_live(bool live, const char* op, const char* what) {
  imagecuda::detail::expects(live, ErrorCode::invalid_argument, "{}: the {} was moved from", op, what);
}

/// For destructors: makes `device` current when it can (never throws) and restores the previous
/// device at the end of the scope.
struct DeviceSwitch {
  int previous = -1;
  explicit DeviceSwitch(Device d) noexcept {
    int current = -1;
    if (cudaGetDevice(&current) == cudaSuccess && current != d.ordinal() && cudaSetDevice(d.ordinal()) == cudaSuccess)
      previous = current;
  }
  ~DeviceSwitch() { imagecuda::detail::restore_device(previous); }
  DeviceSwitch(const DeviceSwitch&) = delete;
  DeviceSwitch& operator=(const DeviceSwitch&) = delete;
};

/// What the decoder and the encoder share: the device, nvJPEG's handle with the counting
/// allocators, and a grow-only scratch from imagecuda's allocator (memory_stats counts it). The
/// derived destructors release their own nvJPEG objects first; this one then the handle and, on
/// the legacy stream, the scratch (every user of it is complete by then: the decoder waits for
/// its last decode, every encode waits for its stream).
struct NvjpegCommon {
  Device device;
  Counters counters;
  nvjpegDevAllocatorV2_t dev_alloc{&dev_malloc, &dev_free, &counters};
  nvjpegPinnedAllocatorV2_t pin_alloc{&pinned_malloc, &pinned_free, &counters};
  nvjpegHandle_t handle = nullptr;
  bool counted = false;  // nvJPEG allocates through the counting allocators
  void* scratch = nullptr;
  std::size_t scratch_bytes = 0;

  explicit NvjpegCommon(Device d) : device(d) {}
  NvjpegCommon(const NvjpegCommon&) = delete;
  NvjpegCommon& operator=(const NvjpegCommon&) = delete;
  ~NvjpegCommon() {
    {
      const DeviceSwitch on(device);
      if (handle != nullptr) (void)nvjpegDestroy(handle);
      (void)cudaGetLastError();
    }
    if (scratch != nullptr) imagecuda::detail::deallocate(device, scratch, scratch_bytes, Stream{});
  }

  /// Grow-only scratch of at least `bytes`, ordered on `stream`: the previous user of the old
  /// block is ordered before `stream`'s work already (or complete).
  unsigned char* scratch_for(std::size_t bytes, Stream stream, const char* op) {
    if (bytes > scratch_bytes) {
      void* p = imagecuda::detail::allocate(device, bytes, stream, op);
      if (scratch != nullptr) imagecuda::detail::deallocate(device, scratch, scratch_bytes, stream);
      scratch = p;
      scratch_bytes = bytes;
    }
    return static_cast<unsigned char*>(scratch);
  }
};

}  // namespace

struct GpuJpegDecoder::Impl : NvjpegCommon {
  bool hardware = false;
  bool interpolated = false;             // chroma upsampling with interpolation
  nvjpegJpegState_t hw_state = nullptr;  // batched decode on the hardware backend
  nvjpegJpegStream_t jstream = nullptr;  // the parsed file (support check, decoupled decode)
  // The decoupled (default backend) path, created on first need.
  nvjpegJpegDecoder_t dec = nullptr;
  nvjpegJpegState_t dec_state = nullptr;
  nvjpegBufferPinned_t dec_pinned = nullptr;
  nvjpegBufferDevice_t dec_device = nullptr;
  nvjpegDecodeParams_t dec_params = nullptr;
  cudaEvent_t transfer_done = nullptr;  // the decoupled path's last host-to-device transfer
  bool transfer_pending = false;
  // Ordering between decodes on different streams.
  cudaEvent_t done = nullptr;
  Stream last{};
  bool used = false;
  // The scratch (NvjpegCommon) holds nvJPEG's interleaved RGB output.

  explicit Impl(Device d) : NvjpegCommon(d) {}

  ~Impl() {
    const DeviceSwitch on(device);
    if (used && done != nullptr) (void)cudaEventSynchronize(done);
    if (transfer_pending && transfer_done != nullptr) (void)cudaEventSynchronize(transfer_done);
    if (dec_params != nullptr) (void)nvjpegDecodeParamsDestroy(dec_params);
    if (dec_state != nullptr) (void)nvjpegJpegStateDestroy(dec_state);
    if (dec_pinned != nullptr) (void)nvjpegBufferPinnedDestroy(dec_pinned);
    if (dec_device != nullptr) (void)nvjpegBufferDeviceDestroy(dec_device);
    if (dec != nullptr) (void)nvjpegDecoderDestroy(dec);
    if (jstream != nullptr) (void)nvjpegJpegStreamDestroy(jstream);
    if (hw_state != nullptr) (void)nvjpegJpegStateDestroy(hw_state);
    if (transfer_done != nullptr) (void)cudaEventDestroy(transfer_done);
    if (done != nullptr) (void)cudaEventDestroy(done);
    (void)cudaGetLastError();
    // NvjpegCommon then destroys the handle and frees the scratch (the last decode is complete).
  }

  /// Handle on the hardware backend if it can be had (with its batched state), else default.
  /// Preferred, in this order: the counting allocators (nvjpegCreateExV2), then nvJPEG's own
  /// (nvjpegCreateEx, not counted); chroma upsampling with interpolation
  /// (NVJPEG_FLAGS_UPSAMPLING_WITH_INTERPOLATION, like libjpeg-turbo's default "fancy"
  /// upsampling), then without. Whatever fails on the hardware backend (ARCH_MISMATCH /
  /// JPEG_NOT_SUPPORTED / IMPLEMENTATION_NOT_SUPPORTED: no JPEG engines) moves on to the default.
  void create(bool allow_hardware) {
    const unsigned int flag_sets[2] = {NVJPEG_FLAGS_UPSAMPLING_WITH_INTERPOLATION, NVJPEG_FLAGS_DEFAULT};
    const auto try_create = [&](nvjpegBackend_t backend, bool with_counting, unsigned int flags) {
      nvjpegHandle_t h = nullptr;
      const nvjpegStatus_t st = with_counting ? nvjpegCreateExV2(backend, &dev_alloc, &pin_alloc, flags, &h)
                                              : nvjpegCreateEx(backend, nullptr, nullptr, flags, &h);
      if (st == NVJPEG_STATUS_SUCCESS) {
        handle = h;
        counted = with_counting;
        interpolated = flags != NVJPEG_FLAGS_DEFAULT;
      }
      return st;
    };
    if (allow_hardware) {
      for (const bool with_counting : {true, false}) {
        for (const unsigned int flags : flag_sets) {
          if (try_create(NVJPEG_BACKEND_HARDWARE, with_counting, flags) != NVJPEG_STATUS_SUCCESS) continue;
          if (nvjpegJpegStateCreate(handle, &hw_state) == NVJPEG_STATUS_SUCCESS &&
              nvjpegDecodeBatchedInitialize(handle, hw_state, 1, 1, NVJPEG_OUTPUT_RGBI) == NVJPEG_STATUS_SUCCESS) {
            hardware = true;
            break;
          }
          if (hw_state != nullptr) (void)nvjpegJpegStateDestroy(hw_state);
          hw_state = nullptr;
          (void)nvjpegDestroy(handle);
          handle = nullptr;
        }
        if (hardware) break;
      }
    }
    if (handle == nullptr) {
      nvjpegStatus_t first = NVJPEG_STATUS_SUCCESS;
      for (const bool with_counting : {true, false}) {
        for (const unsigned int flags : flag_sets) {
          const nvjpegStatus_t st = try_create(NVJPEG_BACKEND_DEFAULT, with_counting, flags);
          if (first == NVJPEG_STATUS_SUCCESS) first = st;
          if (st == NVJPEG_STATUS_SUCCESS) break;
        }
        if (handle != nullptr) break;
      }
      if (handle == nullptr) check_nv(first, op_create, device, "nvjpegCreateExV2(NVJPEG_BACKEND_DEFAULT)");
    }
    check_nv(nvjpegJpegStreamCreate(handle, &jstream), op_create, device, "nvjpegJpegStreamCreate");
    check_cuda(cudaEventCreateWithFlags(&done, cudaEventDisableTiming), op_create, "cudaEventCreateWithFlags");
  }

  void create_decoupled() {
    if (dec_params != nullptr) return;  // complete (a failed earlier attempt resumes where it stopped)
    if (dec == nullptr)
      check_nv(nvjpegDecoderCreate(handle, NVJPEG_BACKEND_DEFAULT, &dec), op_decode, device, "nvjpegDecoderCreate");
    if (dec_state == nullptr)
      check_nv(nvjpegDecoderStateCreate(handle, dec, &dec_state), op_decode, device, "nvjpegDecoderStateCreate");
    if (dec_pinned == nullptr)
      check_nv(counted ? nvjpegBufferPinnedCreateV2(handle, &pin_alloc, &dec_pinned)
                       : nvjpegBufferPinnedCreate(handle, nullptr, &dec_pinned),
               op_decode, device, "nvjpegBufferPinnedCreate");
    if (dec_device == nullptr)
      check_nv(counted ? nvjpegBufferDeviceCreateV2(handle, &dev_alloc, &dec_device)
                       : nvjpegBufferDeviceCreate(handle, nullptr, &dec_device),
               op_decode, device, "nvjpegBufferDeviceCreate");
    check_nv(nvjpegStateAttachPinnedBuffer(dec_state, dec_pinned), op_decode, device, "nvjpegStateAttachPinnedBuffer");
    check_nv(nvjpegStateAttachDeviceBuffer(dec_state, dec_device), op_decode, device, "nvjpegStateAttachDeviceBuffer");
    if (transfer_done == nullptr)
      check_cuda(cudaEventCreateWithFlags(&transfer_done, cudaEventDisableTiming), op_decode, "cudaEventCreateWithFlags");
    nvjpegDecodeParams_t params = nullptr;
    check_nv(nvjpegDecodeParamsCreate(handle, &params), op_decode, device, "nvjpegDecodeParamsCreate");
    const nvjpegStatus_t s = nvjpegDecodeParamsSetOutputFormat(params, NVJPEG_OUTPUT_RGBI);
    if (s != NVJPEG_STATUS_SUCCESS) (void)nvjpegDecodeParamsDestroy(params);
    check_nv(s, op_decode, device, "nvjpegDecodeParamsSetOutputFormat");
    dec_params = params;  // last: its presence means the path is complete
  }

  void decode(std::span<const std::byte> bytes, const Parsed& h, ImageView<uchar4> dst, const Exec& ex,
              const codec::Origin& o) {
    imagecuda::detail::DeviceGuard guard(device);
    const cudaStream_t s = ex.stream.value();
    // The decoupled path's pinned buffer and parsed stream are reused: its last transfer from
    // them must be done (a host wait; this path is only taken for files the hardware does not
    // decode, or without JPEG engines).
    if (transfer_pending) {
      check_cuda(cudaEventSynchronize(transfer_done), op_decode, "cudaEventSynchronize");
      transfer_pending = false;
    }
    // nvJPEG's state and the scratch are shared by all decodes: a new stream waits (on the
    // device) for the previous decode.
    if (used && !(last == ex.stream)) check_cuda(cudaStreamWaitEvent(s, done, 0), op_decode, "cudaStreamWaitEvent");
    const std::size_t pitch = (std::size_t(h.width) * 3 + 255) / 256 * 256;
    // The previous decode (on `last`) is ordered before this stream's work already (above).
    unsigned char* rgb = scratch_for(pitch * std::size_t(h.height), ex.stream, op_decode);
    last = ex.stream;

    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const std::size_t length = bytes.size();
    nvjpegImage_t out{};
    out.channel[0] = rgb;
    out.pitch[0] = pitch;

    // From here on work may be enqueued on `s`: whatever happens, later decodes are ordered
    // after it (the event), so a failed decode cannot race the next one on the scratch.
    struct MarkDone {
      Impl& self;
      cudaStream_t s;
      ~MarkDone() {
        if (cudaEventRecord(self.done, s) == cudaSuccess)
          self.used = true;
        else
          (void)cudaGetLastError();
      }
    } mark_done{*this, s};

    bool batched = false;
    if (hardware) {
      check_nv(nvjpegJpegStreamParseHeader(handle, data, length, jstream), o, "nvjpegJpegStreamParseHeader");
      int supported = -1;
      check_nv(nvjpegDecodeBatchedSupported(handle, jstream, &supported), o, "nvjpegDecodeBatchedSupported");
      batched = supported == 0;
    }
    if (batched) {
      nvjpegStatus_t st = nvjpegDecodeBatched(handle, hw_state, &data, &length, &out, s);
      if (st != NVJPEG_STATUS_SUCCESS) {
        // A failed batch leaves the state to be reset before the next one (nvJPEG's docs). The
        // failure may also be left over from an earlier file: reset and try this one once more,
        // so that it fails only for its own sake.
        check_nv(nvjpegDecodeBatchedInitialize(handle, hw_state, 1, 1, NVJPEG_OUTPUT_RGBI), o,
                 "nvjpegDecodeBatchedInitialize (after a failed batch)");
        st = nvjpegDecodeBatched(handle, hw_state, &data, &length, &out, s);
        if (st != NVJPEG_STATUS_SUCCESS) {
          (void)nvjpegDecodeBatchedInitialize(handle, hw_state, 1, 1, NVJPEG_OUTPUT_RGBI);
          check_nv(st, o, "nvjpegDecodeBatched (hardware)");
        }
      }
    } else {
      create_decoupled();
      check_nv(nvjpegJpegStreamParse(handle, data, length, 0, 0, jstream), o, "nvjpegJpegStreamParse");
      check_nv(nvjpegDecodeJpegHost(handle, dec, dec_state, dec_params, jstream), o, "nvjpegDecodeJpegHost");
      check_nv(nvjpegDecodeJpegTransferToDevice(handle, dec, dec_state, jstream, s), o,
               "nvjpegDecodeJpegTransferToDevice");
      check_cuda(cudaEventRecord(transfer_done, s), op_decode, "cudaEventRecord");
      transfer_pending = true;
      check_nv(nvjpegDecodeJpegDevice(handle, dec, dec_state, &out, s), o, "nvjpegDecodeJpegDevice");
    }
    imagecuda::detail::cuda::rgbi_to_rgba(rgb, pitch, h.width, h.height, h.orientation, imagecuda::detail::pitched(dst),
                                          s);
  }
};

bool GpuJpegDecoder::available(Device device) noexcept {
  return device.is_cuda() && device.ordinal() >= 0 && device.ordinal() < cuda_device_count();
}

GpuJpegDecoder::GpuJpegDecoder(Device device, bool allow_hardware) {
  check_cuda_device(device, op_create);
  imagecuda::detail::DeviceGuard guard(device);
  auto impl = std::make_unique<Impl>(device);
  impl->create(allow_hardware);
  impl_ = std::move(impl);
}

GpuJpegDecoder::~GpuJpegDecoder() = default;
GpuJpegDecoder::GpuJpegDecoder(GpuJpegDecoder&&) noexcept = default;
GpuJpegDecoder& GpuJpegDecoder::operator=(GpuJpegDecoder&&) noexcept = default;

Device GpuJpegDecoder::device() const {
  check_live(impl_ != nullptr, "io::GpuJpegDecoder::device", "decoder");
  return impl_->device;
}
bool GpuJpegDecoder::hardware() const {
  check_live(impl_ != nullptr, "io::GpuJpegDecoder::hardware", "decoder");
  return impl_->hardware;
}

std::string GpuJpegDecoder::description() const {
  check_live(impl_ != nullptr, "io::GpuJpegDecoder::description", "decoder");
  return fmt::format("{} on {}, {} backend, {} chroma upsampling{}", nvjpeg_version(), impl_->device,
                     impl_->hardware ? "hardware" : "default (CUDA)",
                     impl_->interpolated ? "interpolated" : "nearest (replicated)",
                     impl_->counted ? "" : ", nvJPEG's own allocators (not counted)");
}

GpuJpegAllocations GpuJpegDecoder::nvjpeg_allocations() const {
  check_live(impl_ != nullptr, "io::GpuJpegDecoder::nvjpeg_allocations", "decoder");
  return allocations_of(impl_->counters);
}

ImageInfo GpuJpegDecoder::info(std::span<const std::byte> jpeg, const LoadParams& p) const {
  check_live(impl_ != nullptr, op_info, "decoder");
  const codec::Origin o{op_info, "<memory>"};
  const Parsed h = parse(jpeg, p, o, false);
  ImageInfo r;
  r.width = h.out_width;
  r.height = h.out_height;
  r.format = Format::jpeg;
  r.bit_depth = 8;
  r.channels = h.channels;
  r.orientation = h.exif_orientation;
  return r;
}

void GpuJpegDecoder::decode(std::span<const std::byte> jpeg, ImageU8& dst, const LoadParams& p, const Exec& ex) {
  check_live(impl_ != nullptr, op_decode, "decoder");
  const codec::Origin o{op_decode, "<memory>"};
  imagecuda::detail::check_image(op_decode, "dst", dst);
  imagecuda::detail::check_same_device(op_decode, "dst", dst.device(), "decoder", impl_->device);
  const Parsed h = parse(jpeg, p, o, true);
  imagecuda::detail::expects(std::size_t(h.out_width) * std::size_t(h.out_height) <= dst.capacity(), ErrorCode::invalid_argument,
                  "{}: dst capacity of {} pixels is too small for {}x{} ({} pixels)", op_decode, dst.capacity(),
                  h.out_width, h.out_height, std::size_t(h.out_width) * std::size_t(h.out_height));
  // dst's size changes only once the decode is enqueued: the view below is of the new size,
  // over dst's memory (rows tightly packed at the logical width, as set_size would make them).
  const ImageView<uchar4> view(dst.data(), h.out_width, h.out_height, std::size_t(h.out_width) * sizeof(uchar4),
                               dst.device());
  impl_->decode(jpeg, h, view, ex, o);
  dst.set_size(h.out_width, h.out_height);
  dst.set_stream(ex.stream);
}

void GpuJpegDecoder::decode(std::span<const std::byte> jpeg, ImageView<uchar4> dst, const LoadParams& p,
                            const Exec& ex) {
  check_live(impl_ != nullptr, op_decode, "decoder");
  const codec::Origin o{op_decode, "<memory>"};
  imagecuda::detail::check_view(op_decode, "dst", dst);
  imagecuda::detail::check_same_device(op_decode, "dst", dst.device(), "decoder", impl_->device);
  const Parsed h = parse(jpeg, p, o, true);
  imagecuda::detail::expects(dst.width() == h.out_width && dst.height() == h.out_height, ErrorCode::invalid_argument,
                  "{}: dst is {}x{} but the image is {}x{}", op_decode, dst.width(), dst.height(), h.out_width,
                  h.out_height);
  impl_->decode(jpeg, h, dst, ex, o);
}

// -------------------------------------------------------------------------------------------------
// io::GpuJpegEncoder
// -------------------------------------------------------------------------------------------------
namespace {
constexpr const char* op_enc_create = "io::GpuJpegEncoder";
constexpr const char* op_encode = "io::GpuJpegEncoder::encode";
}  // namespace

struct GpuJpegEncoder::Impl : NvjpegCommon {
  nvjpegEncoderState_t state = nullptr;
  nvjpegEncoderParams_t params = nullptr;
  int quality = -1;  // what params holds (set again only when it changes)
  // The scratch (NvjpegCommon) holds the three planes.

  explicit Impl(Device d) : NvjpegCommon(d) {}

  ~Impl() {
    const DeviceSwitch on(device);
    if (params != nullptr) (void)nvjpegEncoderParamsDestroy(params);
    if (state != nullptr) (void)nvjpegEncoderStateDestroy(state);
    (void)cudaGetLastError();
  }

  void create() {
    // The counting allocators first, as the decoder; nvJPEG's own if it refuses them.
    counted = nvjpegCreateExV2(NVJPEG_BACKEND_DEFAULT, &dev_alloc, &pin_alloc, NVJPEG_FLAGS_DEFAULT, &handle) ==
              NVJPEG_STATUS_SUCCESS;
    if (!counted) {
      handle = nullptr;
      const nvjpegStatus_t st = nvjpegCreateEx(NVJPEG_BACKEND_DEFAULT, nullptr, nullptr, NVJPEG_FLAGS_DEFAULT, &handle);
      if (st != NVJPEG_STATUS_SUCCESS) handle = nullptr;
      check_nv(st, op_enc_create, device, "nvjpegCreateEx(NVJPEG_BACKEND_DEFAULT)");
    }
    check_nv(nvjpegEncoderStateCreate(handle, &state, nullptr), op_enc_create, device, "nvjpegEncoderStateCreate");
    check_nv(nvjpegEncoderParamsCreate(handle, &params, nullptr), op_enc_create, device, "nvjpegEncoderParamsCreate");
    check_nv(nvjpegEncoderParamsSetOptimizedHuffman(params, 0, nullptr), op_enc_create, device,
             "nvjpegEncoderParamsSetOptimizedHuffman");
    check_nv(nvjpegEncoderParamsSetEncoding(params, NVJPEG_ENCODING_BASELINE_DCT, nullptr), op_enc_create, device,
             "nvjpegEncoderParamsSetEncoding");
  }

  void encode(ConstImageView<uchar4> img, std::vector<std::byte>& out, int q, const Exec& ex, const codec::Origin& o) {
    imagecuda::detail::DeviceGuard guard(device);
    const cudaStream_t s = ex.stream.value();
    const int w = img.width(), h = img.height();
    const std::size_t plane = std::size_t(w) * std::size_t(h);
    // The previous encode waited for its stream before returning: the old planes are free.
    unsigned char* r = scratch_for(3 * plane, ex.stream, op_encode);
    // From here on work may be enqueued on `s` (the parameter calls take it too): should anything
    // fail, wait for the stream before the error leaves, so that no later encode (on any stream)
    // or the destructor meets the planes and nvJPEG's state still in use; `out` is then empty.
    struct Settle {
      cudaStream_t s;
      std::vector<std::byte>& out;
      bool done = false;
      ~Settle() {
        if (done) return;
        (void)cudaStreamSynchronize(s);
        (void)cudaGetLastError();
        out.clear();
      }
    } settle{s, out};
    if (q != quality) {
      quality = -1;  // until both calls succeed
      check_nv(nvjpegEncoderParamsSetQuality(params, q, s), o, "nvjpegEncoderParamsSetQuality");
      // io::encode's choice (TurboJPEG): full chroma above quality 90.
      check_nv(nvjpegEncoderParamsSetSamplingFactors(params, q > 90 ? NVJPEG_CSS_444 : NVJPEG_CSS_420, s), o,
               "nvjpegEncoderParamsSetSamplingFactors");
      quality = q;
    }
    imagecuda::detail::cuda::rgba_over_white_to_planes(imagecuda::detail::pitched(img), r, r + plane, r + 2 * plane,
                                                       std::size_t(w), s);
    nvjpegImage_t src{};
    for (int c = 0; c < 3; ++c) {
      src.channel[c] = r + std::size_t(c) * plane;
      src.pitch[c] = std::size_t(w);
    }
    check_nv(nvjpegEncodeImage(handle, state, params, &src, NVJPEG_INPUT_RGB, w, h, s), o, "nvjpegEncodeImage");
    std::size_t length = 0;
    check_nv(nvjpegEncodeRetrieveBitstream(handle, state, nullptr, &length, s), o,
             "nvjpegEncodeRetrieveBitstream (length)");
    check_cuda(cudaStreamSynchronize(s), op_encode, "cudaStreamSynchronize");
    try {
      out.resize(length);
    } catch (const std::bad_alloc&) {
      codec::fail(o, ErrorCode::out_of_memory, "cannot allocate {} bytes for the JPEG", length);
    }
    check_nv(nvjpegEncodeRetrieveBitstream(handle, state, reinterpret_cast<unsigned char*>(out.data()), &length, s), o,
             "nvjpegEncodeRetrieveBitstream");
    check_cuda(cudaStreamSynchronize(s), op_encode, "cudaStreamSynchronize");
    out.resize(length);
    settle.done = true;
  }
};

bool GpuJpegEncoder::available(Device device) noexcept { return GpuJpegDecoder::available(device); }

GpuJpegEncoder::GpuJpegEncoder(Device device) {
  check_cuda_device(device, op_enc_create);
  imagecuda::detail::DeviceGuard guard(device);
  auto impl = std::make_unique<Impl>(device);
  impl->create();
  impl_ = std::move(impl);
}

GpuJpegEncoder::~GpuJpegEncoder() = default;
GpuJpegEncoder::GpuJpegEncoder(GpuJpegEncoder&&) noexcept = default;
GpuJpegEncoder& GpuJpegEncoder::operator=(GpuJpegEncoder&&) noexcept = default;

Device GpuJpegEncoder::device() const {
  check_live(impl_ != nullptr, "io::GpuJpegEncoder::device", "encoder");
  return impl_->device;
}

std::string GpuJpegEncoder::description() const {
  check_live(impl_ != nullptr, "io::GpuJpegEncoder::description", "encoder");
  return fmt::format("{} encoder on {}{}", nvjpeg_version(), impl_->device,
                     impl_->counted ? "" : ", nvJPEG's own allocators (not counted)");
}

GpuJpegAllocations GpuJpegEncoder::nvjpeg_allocations() const {
  check_live(impl_ != nullptr, "io::GpuJpegEncoder::nvjpeg_allocations", "encoder");
  return allocations_of(impl_->counters);
}

void GpuJpegEncoder::encode(ConstImageView<uchar4> img, std::vector<std::byte>& out, const SaveParams& p,
                            const Exec& ex) {
  check_live(impl_ != nullptr, op_encode, "encoder");
  const codec::Origin o{op_encode, "<memory>"};
  imagecuda::detail::check_view(op_encode, "img", img);
  imagecuda::detail::check_same_device(op_encode, "img", img.device(), "encoder", impl_->device);
  // As io::encode: its parameter checks, and JPEG is 8-bit.
  codec::check_quality_and_depth(o, p);
  if (p.bit_depth != 8) codec::fail(o, ErrorCode::unsupported, "JPEG is 8-bit only, got bit_depth {}", p.bit_depth);
  impl_->encode(img, out, p.quality, ex, o);
}

std::vector<std::byte> GpuJpegEncoder::encode(ConstImageView<uchar4> img, const SaveParams& p, const Exec& ex) {
  std::vector<std::byte> out;
  encode(img, out, p, ex);
  return out;
}

}  // namespace imagecuda::io
