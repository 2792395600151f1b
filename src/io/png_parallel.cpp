// SPDX-License-Identifier: MIT
/// @file png_parallel.cpp  PngDeflate::parallel on the host: the segments of png_parallel.hpp one
/// after another, with the functions the CUDA kernels use, so that the bytes are the same.
#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "codec.hpp"
#include "png_parallel.hpp"

namespace imagecuda::io::codec {
namespace {

static_assert(std::endian::native == std::endian::little, "the bit writer's words are stored little-endian");

/// Calls f(length, byte) for each run of equal bytes in in[0..len).
template <class F>
void for_runs(const pz::u8* in, pz::u32 len, F&& f) {
  for (pz::u32 r = 0; r < len;) {
    pz::u32 e = r + 1;
    while (e < len && in[e] == in[e - 1]) ++e;
    f(e - r, in[r]);
    r = e;
  }
}

}  // namespace

std::vector<std::uint8_t> png_parallel_zlib(const std::uint8_t* rgba, std::size_t pitch, int w, int h, bool& opaque) {
  using namespace pz;
  opaque = all_opaque(rgba, pitch, w, h);
  const Geometry g{u32(w), u32(h), opaque ? 3u : 4u};
  const u32 segs = g.segments();
  const u64 rb = g.row_bytes();
  std::vector<u8> z(2);
  z.reserve(2 + g.size() / 4 + 4);
  put_zlib_header(z.data());
  std::vector<u8> in(segment_bytes);
  std::vector<u32> out(slot_bytes / 4);
  u32 hist[lit_symbols];
  SymFreq sorted[lit_symbols];
  Tables t;
  u64 sum_a = 0, sum_b = 0;
  for (u32 s = 0; s < segs; ++s) {
    const u32 len = g.segment_length(s);
    const bool final = s + 1 == segs;
    const u64 start = u64(s) * segment_bytes;
    SegmentResult r{0, 0, 0, 0};
    u32 y = u32(start / rb), i = u32(start - u64(y) * rb);
    for (u32 j = 0; j < len; ++j) {
      const u8 x = opaque ? filtered_byte<3>(rgba, pitch, y, i) : filtered_byte<4>(rgba, pitch, y, i);
      in[j] = x;
      r.a += x;
      r.b += u64(len - j) * x;
      if (++i == rb) {
        i = 0;
        ++y;
      }
    }
    adler_add(r, g.size() - (start + len), sum_a, sum_b);

    for (u32& v : hist) v = 0;
    hist[256] = 1;  // end of block
    HistVisitor hv{hist};
    for_runs(in.data(), len, [&](u32 n, u8 v) { run_tokens(n, v, hv); });
    finish_tables(t, sorted, sort_used(hist, lit_symbols, sorted));
    BitCounter bc{&t};
    for_runs(in.data(), len, [&](u32 n, u8 v) { run_tokens(n, v, bc); });
    const u64 bytes = block_bytes(t.header_bits + bc.bits, t, final);
    const std::size_t at = z.size();
    if (bytes >= 5 + u64(len)) {  // stored: not larger than the Huffman block
      z.resize(at + 5 + len);
      stored_header(z.data() + at, len, final);
      std::copy(in.begin(), in.begin() + len, z.begin() + std::ptrdiff_t(at + 5));
      continue;
    }
    std::fill(out.begin(), out.end(), 0u);
    BitWriter w{out.data(), 0};
    write_header(t, final, w);
    TokenWriter tw{&t, w};
    for_runs(in.data(), len, [&](u32 n, u8 v) { run_tokens(n, v, tw); });
    write_end(t, final, tw.w);
    z.resize(at + bytes);
    std::memcpy(z.data() + at, out.data(), bytes);  // little-endian words: the bytes in order
  }
  z.resize(z.size() + 4);
  put_adler(z.data() + z.size() - 4, adler_finish(sum_a, sum_b, g.size()));
  return z;
}

}  // namespace imagecuda::io::codec
