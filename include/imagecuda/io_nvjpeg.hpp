// SPDX-License-Identifier: MIT
/// @file io_nvjpeg.hpp  io::GpuJpegDecoder: JPEG decode on the GPU through nvJPEG (the hardware
/// JPEG engines of A100/H100-class GPUs when present, nvJPEG's CUDA decoder otherwise) straight
/// into an 8-bit RGBA image on the device, asynchronous on the caller's stream. io::GpuJpegEncoder:
/// JPEG encode of an 8-bit RGBA image on the device through nvJPEG's CUDA encoder.
///
/// Optional: declared only when the library was built with nvJPEG (CMake option
/// IMAGECUDA_WITH_NVJPEG, which defines IMAGECUDA_HAS_NVJPEG). nvjpeg.h is not included here.
/// See docs/io.md, "GPU JPEG decode".
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/image.hpp"
#include "core/view.hpp"
#include "core/workspace.hpp"
#include "io.hpp"

#if defined(IMAGECUDA_HAS_NVJPEG)

namespace imagecuda::io {

/// Decodes JPEG files on one CUDA device into RGBA8 (alpha 255), the same pixels as io::load up
/// to the IDCT and chroma upsampling of each decoder (see docs/io.md for the measured
/// differences). Holds the nvJPEG handle, its decode state and grow-only scratch: once a file
/// of the largest size has been decoded, later decodes allocate nothing. The scratch comes from
/// imagecuda's allocator (memory_stats counts it); nvJPEG's own device and pinned host memory
/// (cudaMalloc, cudaMallocHost) is counted by nvjpeg_allocations().
///
/// Not thread-safe: one decoder per host thread (e.g. per pipeline lane). Decodes run in the
/// order they are called; a decode on another stream than the previous one first waits (on the
/// device, not the host) for the previous one. Move-only; destruction waits for the decoder's
/// last stream to be done with its buffers.
/// nvJPEG's own allocations through one decoder (see GpuJpegDecoder::nvjpeg_allocations).
struct GpuJpegAllocations {
  std::uint64_t device = 0;        ///< device allocations (cudaMalloc) so far
  std::uint64_t pinned = 0;        ///< pinned host allocations (cudaMallocHost) so far
  std::size_t device_bytes = 0;    ///< device bytes held now
  std::size_t pinned_bytes = 0;    ///< pinned bytes held now
};

class GpuJpegDecoder {
 public:
  /// True when `device` is a CUDA device that exists (the library was built with nvJPEG, or
  /// this class would not be declared). Never throws.
  [[nodiscard]] static bool available(Device device = default_device()) noexcept;

  /// Creates the nvJPEG handle on `device`: the hardware backend when the GPU has JPEG engines
  /// and `allow_hardware`, else nvJPEG's default (CUDA) backend. Error{invalid_argument} for a
  /// CPU device or a missing CUDA device, Error{unsupported} when nvJPEG cannot run there (the
  /// message names nvJPEG's status).
  explicit GpuJpegDecoder(Device device = default_device(), bool allow_hardware = true);
  ~GpuJpegDecoder();
  GpuJpegDecoder(GpuJpegDecoder&&) noexcept;
  GpuJpegDecoder& operator=(GpuJpegDecoder&&) noexcept;
  GpuJpegDecoder(const GpuJpegDecoder&) = delete;
  GpuJpegDecoder& operator=(const GpuJpegDecoder&) = delete;

  [[nodiscard]] Device device() const;
  /// True when the hardware JPEG engines (nvJPEG's hardware backend) are in use for the files
  /// they support (baseline, one scan; progressive files go to the CUDA decoder).
  [[nodiscard]] bool hardware() const;
  /// For logs: nvJPEG's version, the device, the backend and whether chroma is upsampled with
  /// interpolation, e.g. "nvJPEG 13.3.2 on cuda:0, hardware backend, interpolated chroma upsampling".
  [[nodiscard]] std::string description() const;
  /// What nvJPEG itself has allocated through this decoder so far (counts never decrease). All
  /// zero if nvJPEG refused the counting allocators and uses its own (description() says so).
  [[nodiscard]] GpuJpegAllocations nvjpeg_allocations() const;

  /// Reads the header only (no decode, no device work): the size after EXIF orientation when
  /// `p.autorotate`, channels (1 grey, 3 colour), orientation. Throws what decode() throws for
  /// the header: Error{decode} for an empty, non-JPEG-but-unknown, truncated or corrupt header or
  /// a size over `p.max_pixels` / 32768 a side; Error{unsupported} for a PNG, a CMYK/YCCK JPEG,
  /// lossless, hierarchical or 12-bit JPEG.
  [[nodiscard]] ImageInfo info(std::span<const std::byte> jpeg, const LoadParams& p = {}) const;

  /// Decodes into `dst` (on this decoder's device); its logical size becomes the file's
  /// (after EXIF orientation when `p.autorotate`). Error{invalid_argument} if its capacity is
  /// too small; on any error thrown before the device work is enqueued, dst keeps its size and
  /// contents. Asynchronous on `ex.stream`: keep `jpeg` alive and unchanged until the stream has
  /// passed this point (nvJPEG may read it from the host while the decode runs). Besides the
  /// header errors of info(): Error{decode} for a file without an end-of-image marker after its
  /// scan (truncated) and for what nvJPEG reports as a bad bitstream. Damage inside the
  /// entropy-coded data that nvJPEG does not report gives wrong pixels rather than an error
  /// (unlike io::load's strict TurboJPEG check). `p.device` and `p.strict` are not used;
  /// `ex.workspace` is not used (the decoder owns its scratch).
  void decode(std::span<const std::byte> jpeg, ImageU8& dst, const LoadParams& p = {}, const Exec& ex = {});
  /// Decodes into a view of exactly the (oriented) file size.
  void decode(std::span<const std::byte> jpeg, ImageView<uchar4> dst, const LoadParams& p = {}, const Exec& ex = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Encodes 8-bit RGBA images on one CUDA device as JPEG files with io::encode's JPEG choices:
/// SaveParams::quality (1..100), chroma 4:4:4 above quality 90 and 4:2:0 otherwise, baseline
/// Huffman tables, alpha composited over white (the same 8-bit formula). The DCT, quantisation
/// rounding and entropy coding are nvJPEG's: the bytes differ from TurboJPEG's, the decoded pixels
/// by IDCT-sized amounts (docs/io.md has the measured difference). What it takes off the CPU: in
/// a server that encodes on CPU threads, TurboJPEG's ~3-4 ms per 1200x630 card.
///
/// Holds the nvJPEG handle, an encoder state and parameters, and grow-only scratch (the three
/// planes, from imagecuda's allocator): once an image of the largest size has been encoded, later
/// encodes allocate nothing on the device (nvJPEG's own memory: nvjpeg_allocations()). Not
/// thread-safe: one encoder per host thread. Move-only.
class GpuJpegEncoder {
 public:
  /// True when `device` is a CUDA device that exists. Never throws.
  [[nodiscard]] static bool available(Device device = default_device()) noexcept;

  /// Creates the nvJPEG handle (default backend), encoder state and parameters on `device`.
  /// Error{invalid_argument} for a CPU device or a missing CUDA device, Error{unsupported} when
  /// nvJPEG cannot run there.
  explicit GpuJpegEncoder(Device device = default_device());
  ~GpuJpegEncoder();
  GpuJpegEncoder(GpuJpegEncoder&&) noexcept;
  GpuJpegEncoder& operator=(GpuJpegEncoder&&) noexcept;
  GpuJpegEncoder(const GpuJpegEncoder&) = delete;
  GpuJpegEncoder& operator=(const GpuJpegEncoder&) = delete;

  [[nodiscard]] Device device() const;
  /// For logs, e.g. "nvJPEG 13.0.4 encoder on cuda:0".
  [[nodiscard]] std::string description() const;
  /// What nvJPEG itself has allocated through this encoder so far (see GpuJpegDecoder's).
  [[nodiscard]] GpuJpegAllocations nvjpeg_allocations() const;

  /// Encodes `img` (on this encoder's device) into `out` (resized to the file; its capacity is
  /// reused). Enqueued on `ex.stream` after the work already there (e.g. the ops that drew
  /// `img`); returns once the file is on the host (it waits for the stream). Error{invalid_argument}
  /// for an empty image, quality outside 1..100 or bit_depth other than 8 or 16 (as io::encode),
  /// Error{device_mismatch} for an image on another device, Error{unsupported} for bit_depth 16; nvJPEG failures name the call and its status. `p.format` and
  /// `p.png_compression` are not used; `ex.workspace` is not used (the encoder owns its scratch).
  /// A failure after the GPU work was enqueued waits for `ex.stream` before it is thrown, leaving
  /// `out` empty and the encoder usable.
  void encode(ConstImageView<uchar4> img, std::vector<std::byte>& out, const SaveParams& p = {}, const Exec& ex = {});
  /// The same, returning a new vector.
  [[nodiscard]] std::vector<std::byte> encode(ConstImageView<uchar4> img, const SaveParams& p = {},
                                              const Exec& ex = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imagecuda::io

#endif  // IMAGECUDA_HAS_NVJPEG
