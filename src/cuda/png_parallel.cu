// SPDX-License-Identifier: MIT
/// @file png_parallel.cu  PngDeflate::parallel on a CUDA device: one block per 16 KiB segment of
/// the filtered stream (src/io/png_parallel.hpp has the format and the shared formula).
///
/// Three kernels on the caller's stream, then two downloads:
/// 1. opaque_kernel: flags[0] (of the 16 flag bytes: [0] opaque, [2..3] the stream's size) stays nonzero when every alpha is 255 (RGB is written), else 0.
/// 2. deflate_kernel: per segment, the filtered bytes into shared memory, their Adler-32 sums, a
///    histogram of the run tokens, the Huffman tables (ranks in parallel, lengths on one thread),
///    every thread's bit offset from a block scan, the bits written with shared-memory atomics,
///    and the block (or a stored block when not smaller) into the segment's slot.
/// 3. gather_kernel: each segment's bytes to its place in the zlib stream (offset: the sum of the
///    segments before it), the zlib header, and Adler-32 from all the segments' sums.
#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>

#include <cstring>

#include "io/png_parallel.hpp"
#include "io/png_parallel_kernels.hpp"
#include "launch.cuh"

namespace imagecuda::detail::cuda {
namespace {

namespace pz = io::codec::pz;
using pz::u32;
using pz::u64;
using pz::u8;

constexpr int threads = 256;    // opaque_kernel, gather_kernel
constexpr int dthreads = 1024;  // deflate_kernel: its phases are chains of dependent loads; many warps hide them
constexpr u32 chunk = pz::segment_bytes / dthreads;  // bytes of the segment each thread tokenises
constexpr u32 none = 0xffffffffu;
static_assert(pz::segment_bytes % dthreads == 0);
static_assert(pz::lit_symbols + 1 <= dthreads, "write_header_parallel: a thread per code-length token");

// tools/diag/pz_profile.cu defines IMAGECUDA_PZ_PROFILE to time deflate_kernel's phases (clock64
// on thread 0, printed for a few blocks); off in the library.
#if defined(IMAGECUDA_PZ_PROFILE)
#define PZ_MARK(k) \
  if (threadIdx.x == 0) pz_clock[k] = clock64()
#else
#define PZ_MARK(k) \
  do {             \
  } while (0)
#endif

__global__ void __launch_bounds__(threads) opaque_kernel(Pitched<const uchar4> img, u32* flags) {
  bool translucent = false;
  const u64 w = u64(img.width), n = w * u64(img.height);
  for (u64 i = blockIdx.x * threads + threadIdx.x; i < n; i += u64(gridDim.x) * threads) {
    const u64 y = i / w;
    translucent |= img.row(int(y))[i - y * w].w != 255;
  }
  if (__any_sync(0xffffffffu, translucent) && (threadIdx.x & 31) == 0) atomicAnd(flags, 0u);
}

/// The filtered stream once opaque_kernel has decided: RGB when flags[0] stayed nonzero, else RGBA.
__device__ pz::Geometry geometry(int width, int height, const u32* flags) {
  return pz::Geometry{u32(width), u32(height), flags[0] != 0 ? 3u : 4u};
}

/// in[]: the segment's filtered bytes, stored transposed so that the threads, each walking its own
/// chunk of `chunk` (16) bytes, read different banks: byte j (chunk j / 16, position j % 16) is at
/// (j % 16) * in_row + j / 16. The 4 bytes of padding a row turn the bank by one per position.
constexpr u32 in_row = dthreads + 4;
__device__ __forceinline__ u32 in_index(u32 j) { return (j % chunk) * in_row + j / chunk; }

struct Shared {
  u8 in[chunk * in_row];
  u32 out[pz::slot_bytes / 4];
  u32 hist[pz::lit_symbols];
  pz::SymFreq sorted[pz::lit_symbols];
  pz::Tables tables;
  u32 lcount[16];      // canonical_codes_warp: codes per length, then the next code of each
  int used;
  u64 bytes;  // the dynamic block's bytes
  union {
    cub::BlockReduce<u64, dthreads>::TempStorage reduce;
    cub::BlockScan<u64, dthreads, cub::BLOCK_SCAN_WARP_SCANS>::TempStorage scan;
    cub::BlockScan<u32, dthreads, cub::BLOCK_SCAN_WARP_SCANS>::TempStorage scan32;
  } cub;
};
static_assert(sizeof(Shared) <= 48 * 1024, "deflate_kernel's shared memory must fit without an opt-in");

/// Calls f(length, byte) for each run that starts in this thread's chunk [c0, c1) of in[0..len):
/// `first` is the first run start in the chunk, `next` the first in a later chunk (or `none`).
template <class F>
__device__ void for_runs(const Shared& sh, u32 len, u32 first, u32 next, F&& f) {
  const u32 c0 = threadIdx.x * chunk, c1 = min(c0 + chunk, len);
  if (first == none) return;
  for (u32 r = first; r < c1;) {
    u32 e = r + 1;
    while (e < c1 && sh.in[in_index(e)] == sh.in[in_index(e - 1)]) ++e;
    if (e == c1 && c1 < len && sh.in[in_index(c1)] == sh.in[in_index(c1 - 1)])  // the run goes on into later chunks
      e = next == none ? len : next;
    f(e - r, sh.in[in_index(r)]);
    r = e;
  }
}

/// The filtered bytes of this thread's chunk (t * 16 .. t * 16 + 15) into in[], with their
/// Adler-32 sums: the row and column advance by one a byte (no division after the first).
template <u32 Bpp>
__device__ void fill(Shared& sh, const u8* base, std::size_t pitch, u32 rb, u32 y0, u32 i0, u32 len, u64& a,
                     u64& b) {
  const u32 j0 = threadIdx.x * chunk;
  if (j0 >= len) return;
  const u32 n = min(chunk, len - j0);
  u32 y = y0 + (i0 + j0) / rb, i = (i0 + j0) % rb;
#pragma unroll 4
  for (u32 k = 0; k < n; ++k) {
    const u8 x = pz::filtered_byte<Bpp>(base, pitch, y, i);
    sh.in[k * in_row + threadIdx.x] = x;
    a += x;
    b += u64(len - (j0 + k)) * x;
    if (++i == rb) {
      i = 0;
      ++y;
    }
  }
}

/// pz::canonical_codes on one warp: the code of symbol s is the first code of its length plus
/// the number of symbols before s with that length (RFC 1951 3.2.2), bit-reversed.
__device__ void canonical_codes_warp(Shared& sh, const u8* len, int n, pz::u16* code) {
  const u32 lane = threadIdx.x & 31u, lower = (1u << lane) - 1u;
  if (lane < 16) sh.lcount[lane] = 0;
  __syncwarp();
  for (int base = 0; base < n; base += 32) {
    const int s = base + int(lane);
    const u32 l = s < n ? len[s] : 0u;
    const u32 same = __match_any_sync(0xffffffffu, l);
    if (l != 0 && (same & lower) == 0) sh.lcount[l] += u32(__popc(same));  // the group's first lane
    __syncwarp();
  }
  if (lane == 0) {  // lcount becomes the next code of each length
    u32 c = 0, prev = 0;
    for (int bits = 1; bits <= 15; ++bits) {
      c = (c + prev) << 1;
      prev = sh.lcount[bits];
      sh.lcount[bits] = c;
    }
  }
  __syncwarp();
  for (int base = 0; base < n; base += 32) {
    const int s = base + int(lane);
    const u32 l = s < n ? len[s] : 0u;
    const u32 same = __match_any_sync(0xffffffffu, l);
    if (l != 0) code[s] = pz::u16(__brev(sh.lcount[l] + u32(__popc(same & lower))) >> (32 - l));
    __syncwarp();
    if (l != 0 && (same & lower) == 0) sh.lcount[l] += u32(__popc(same));
    __syncwarp();
  }
}

/// pz::write_header's bits with a thread per field: the fixed fields on thread 0, the code-length
/// code lengths on threads 0..nclen-1, each code-length token on a thread of its own at its
/// offset from a block scan. Called by every thread of the block.
__device__ void write_header_parallel(Shared& sh, bool final) {
  const pz::Tables& tb = sh.tables;
  const int t = int(threadIdx.x);
  if (t == 0) {
    pz::BitWriter w{sh.out, 0};
    pz::write_fixed_fields(tb, final, w);
  }
  if (t < tb.nclen) pz::BitWriter{sh.out, pz::header_fixed_bits + 3 * u64(t)}.put(pz::cl_length_field(tb, t));
  const pz::Field f = t < tb.ntok ? pz::cl_token_field(tb, t) : pz::Field{0, 0};
  u32 offset = 0;
  cub::BlockScan<u32, dthreads, cub::BLOCK_SCAN_WARP_SCANS>(sh.cub.scan32).ExclusiveSum(f.n, offset);
  pz::BitWriter{sh.out, pz::header_fixed_bits + 3 * u64(tb.nclen) + offset}.put(f);  // no bits past ntok
}

struct MinOp {
  __device__ u32 operator()(u32 a, u32 b) const { return a < b ? a : b; }
};

__global__ void __launch_bounds__(dthreads)
    deflate_kernel(Pitched<const uchar4> img, const u32* flags, pz::SegmentResult* results, u8* slots) {
  extern __shared__ __align__(16) unsigned char smem[];
  Shared& sh = *reinterpret_cast<Shared*>(smem);
  const pz::Geometry g = geometry(img.width, img.height, flags);
  const u32 seg = blockIdx.x, t = threadIdx.x;
  if (seg >= g.segments()) return;  // sized for RGBA; an opaque image has fewer segments
  const u32 len = g.segment_length(seg);
  const bool final = seg + 1 == g.segments();
#if defined(IMAGECUDA_PZ_PROFILE)
  long long pz_clock[12] = {};
  PZ_MARK(0);
#endif
  const u64 start = u64(seg) * pz::segment_bytes;
  const u32 rb = u32(g.row_bytes());  // < 2^18
  const u32 y0 = u32(start / rb), i0 = u32(start - u64(y0) * rb);
  const auto* base = reinterpret_cast<const u8*>(img.data);

  // Filtered bytes and the segment's Adler-32 sums.
  u64 a = 0, b = 0;
  if (g.bpp == 3)
    fill<3>(sh, base, img.pitch, rb, y0, i0, len, a, b);
  else
    fill<4>(sh, base, img.pitch, rb, y0, i0, len, a, b);
  for (u32 s = t; s < pz::lit_symbols; s += dthreads) sh.hist[s] = s == 256 ? 1u : 0u;  // end of block
  __syncthreads();
  PZ_MARK(1);
  {
    using Reduce = cub::BlockReduce<u64, dthreads>;
    const u64 sa = Reduce(sh.cub.reduce).Sum(a);
    __syncthreads();
    const u64 sb = Reduce(sh.cub.reduce).Sum(b);
    __syncthreads();
    PZ_MARK(2);
    if (t == 0) {
      results[seg].a = sa;
      results[seg].b = sb;
    }
  }

  // Run starts: the first in this thread's chunk, and the first in any later chunk (a suffix
  // minimum: an exclusive min-scan over the chunks in reverse order, exchanged through out[]).
  u32 first = none, next = none;
  {
    const u32 c0 = t * chunk, c1 = min(c0 + chunk, len);
    for (u32 i = c0; i < c1; ++i)
      if (i == 0 || sh.in[in_index(i)] != sh.in[in_index(i - 1)]) {
        first = i;
        break;
      }
    u32* x = sh.out;
    x[t] = first;
    __syncthreads();
    const u32 mirrored = x[dthreads - 1 - t];
    u32 after = none;
    cub::BlockScan<u32, dthreads, cub::BLOCK_SCAN_WARP_SCANS>(sh.cub.scan32).ExclusiveScan(mirrored, after, none, MinOp{});
    __syncthreads();
    x[dthreads - 1 - t] = after;
    __syncthreads();
    next = x[t];
  }
  PZ_MARK(3);
  pz::HistVisitor hv{sh.hist};
  for_runs(sh, len, first, next, [&](u32 n, u8 v) { pz::run_tokens(n, v, hv); });
  __syncthreads();
  PZ_MARK(4);

  // Tables: the used symbols ranked by (frequency, symbol), the rest on one thread.
  if (t == 0) sh.used = 0;
  __syncthreads();
  for (u32 s = t; s < pz::lit_symbols; s += dthreads) {
    const u32 f = sh.hist[s];
    if (f == 0) continue;
    u32 rank = 0;
    for (u32 k = 0; k < pz::lit_symbols; ++k) {
      const u32 fk = sh.hist[k];
      rank += fk != 0 && (fk < f || (fk == f && k < s));
    }
    sh.sorted[rank] = pz::SymFreq{f, s};
    atomicAdd(&sh.used, 1);
  }
  __syncthreads();
  PZ_MARK(5);
  if (t == 0) pz::lit_lengths(sh.tables, sh.sorted, sh.used);
  __syncthreads();
  PZ_MARK(10);
  if (t < 32)
    canonical_codes_warp(sh, sh.tables.lit_len, pz::lit_symbols, sh.tables.lit_code);
  else if (t == 32)
    pz::cl_tables(sh.tables);
  __syncthreads();
  PZ_MARK(6);

  // Bit offsets.
  pz::BitCounter bc{&sh.tables};
  for_runs(sh, len, first, next, [&](u32 n, u8 v) { pz::run_tokens(n, v, bc); });
  u64 offset = 0, data_bits = 0;
  cub::BlockScan<u64, dthreads, cub::BLOCK_SCAN_WARP_SCANS>(sh.cub.scan).ExclusiveSum(bc.bits, offset, data_bits);
  if (t == 0) sh.bytes = pz::block_bytes(sh.tables.header_bits + data_bits, sh.tables, final);
  __syncthreads();
  PZ_MARK(7);
  const u64 bytes = sh.bytes;
  u8* slot = slots + std::size_t(seg) * pz::slot_bytes;

  if (bytes >= 5 + u64(len)) {  // stored: not larger than the Huffman block
    if (t == 0) pz::stored_header(slot, len, final);
    for (u32 j = t; j < len; j += dthreads) slot[5 + j] = sh.in[in_index(j)];
    if (t == 0) results[seg].bytes = 5 + len;
    return;
  }
  const u32 words = u32((bytes + 3) / 4);
  for (u32 k = t; k < words; k += dthreads) sh.out[k] = 0;
  __syncthreads();
  write_header_parallel(sh, final);
  pz::TokenWriter tw{&sh.tables, pz::BitWriter{sh.out, sh.tables.header_bits + offset}};
  for_runs(sh, len, first, next, [&](u32 n, u8 v) { pz::run_tokens(n, v, tw); });
  if (t == dthreads - 1) {
    pz::BitWriter w{sh.out, sh.tables.header_bits + data_bits};
    pz::write_end(sh.tables, final, w);
  }
  __syncthreads();
  PZ_MARK(8);
  auto* slot_words = reinterpret_cast<u32*>(slot);
  for (u32 k = t; k < words; k += dthreads) slot_words[k] = sh.out[k];
  if (t == 0) results[seg].bytes = u32(bytes);
#if defined(IMAGECUDA_PZ_PROFILE)
  PZ_MARK(9);
  if (t == 0 && (seg == 0 || seg == g.segments() / 2 || seg + 1 == g.segments()))
    printf("seg %u used %d ntok %d: fill %lld reduce %lld first %lld hist %lld rank %lld lengths %lld codes+cl %lld "
           "count+scan %lld write %lld copy %lld all %lld cycles\n",
           seg, sh.used, sh.tables.ntok, pz_clock[1] - pz_clock[0], pz_clock[2] - pz_clock[1], pz_clock[3] - pz_clock[2],
           pz_clock[4] - pz_clock[3], pz_clock[5] - pz_clock[4], pz_clock[10] - pz_clock[5], pz_clock[6] - pz_clock[10],
           pz_clock[7] - pz_clock[6], pz_clock[8] - pz_clock[7], pz_clock[9] - pz_clock[8], pz_clock[9] - pz_clock[0]);
#endif
}

__global__ void __launch_bounds__(threads)
    gather_kernel(int width, int height, u32* flags, const pz::SegmentResult* results, const u8* slots, u8* stream) {
  const pz::Geometry g = geometry(width, height, flags);
  const u32 segs = g.segments(), seg = blockIdx.x, t = threadIdx.x;
  if (seg >= segs) return;
  using Reduce = cub::BlockReduce<u64, threads>;
  __shared__ Reduce::TempStorage tmp;
  __shared__ u64 offset_shared;
  u64 before = 0;
  for (u32 s = t; s < seg; s += threads) before += results[s].bytes;
  const u64 sum = Reduce(tmp).Sum(before);
  if (t == 0) offset_shared = 2 + sum;
  __syncthreads();
  const u64 offset = offset_shared;
  const u32 n = results[seg].bytes;
  const u8* src = slots + std::size_t(seg) * pz::slot_bytes;
  for (u32 j = t; j < n; j += threads) stream[offset + j] = src[j];
  if (seg == 0 && t == 0) pz::put_zlib_header(stream);
  if (seg + 1 != segs) return;
  // The last block: Adler-32 of the whole stream after its bytes, and the stream's size.
  __syncthreads();
  u64 sa = 0, sb = 0;
  const u64 size = g.size();
  for (u32 s = t; s < segs; s += threads) {
    const u64 end = u64(s) * pz::segment_bytes + g.segment_length(s);
    pz::adler_add(results[s], size - end, sa, sb);
  }
  const u64 ta = Reduce(tmp).Sum(sa);
  __syncthreads();
  const u64 tb = Reduce(tmp).Sum(sb);
  if (t == 0) {
    pz::put_adler(stream + offset + n, pz::adler_finish(ta, tb, size));
    *reinterpret_cast<u64*>(flags + 2) = offset + n + 4;  // flags[2..3]: the stream's size
  }
}

}  // namespace

PngParallelHead png_parallel_deflate(Pitched<const uchar4> img, void* scratch, cudaStream_t s) {
  constexpr const char* op = "io::encode (PngDeflate::parallel)";
  const pz::Layout l = pz::scratch_layout(u32(img.width), u32(img.height));
  auto* base = static_cast<unsigned char*>(scratch);
  auto* flags = reinterpret_cast<u32*>(base + l.flags);
  auto* results = reinterpret_cast<pz::SegmentResult*>(base + l.results);
  u8* slots = base + l.slots;
  const u32 max_segments = pz::Geometry{u32(img.width), u32(img.height), 4}.segments();

  IMAGECUDA_CUDA_TRY(cudaMemsetAsync(flags, 1, 4 * sizeof(u32), s), op);  // opaque until a kernel says not
  const u64 pixels = u64(img.width) * u64(img.height);
  const u64 wanted = (pixels + threads - 1) / threads;
  const u32 blocks = u32(wanted < 1024 ? wanted : 1024);
  opaque_kernel<<<blocks, threads, 0, s>>>(img, flags);
  check_launch(op);

  deflate_kernel<<<max_segments, dthreads, sizeof(Shared), s>>>(img, flags, results, slots);
  check_launch(op);
  gather_kernel<<<max_segments, threads, 0, s>>>(img.width, img.height, flags, results, slots, base + l.stream);
  check_launch(op);

  u32 head[4] = {0, 0, 0, 0};
  IMAGECUDA_CUDA_TRY(cudaMemcpyAsync(head, flags, sizeof(head), cudaMemcpyDeviceToHost, s), op);
  IMAGECUDA_CUDA_TRY(cudaStreamSynchronize(s), op);
  u64 bytes = 0;
  std::memcpy(&bytes, head + 2, sizeof(bytes));
  return PngParallelHead{head[0] != 0, bytes};
}

void png_parallel_fetch(const void* scratch, int width, int height, std::size_t offset, std::size_t bytes, void* dst,
                        cudaStream_t s) {
  const pz::Layout l = pz::scratch_layout(u32(width), u32(height));
  IMAGECUDA_CUDA_TRY(cudaMemcpyAsync(dst, static_cast<const unsigned char*>(scratch) + l.stream + offset, bytes,
                                     cudaMemcpyDeviceToHost, s),
                     "io::encode (PngDeflate::parallel)");
}

}  // namespace imagecuda::detail::cuda
