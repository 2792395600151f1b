// SPDX-License-Identifier: MIT
/// @file png_parallel.hpp  The one formula of SaveParams::png_deflate = PngDeflate::parallel,
/// shared by the CUDA kernels (src/cuda/png_parallel.cu) and the host encoder
/// (src/io/png_parallel.cpp), which therefore write the same bytes.
///
/// The zlib stream of an 8-bit PNG, built so that its parts can be made independently:
/// - rows filtered with Paeth (filter type 4) on every row, RGB when every alpha is 255, else RGBA;
/// - the filtered stream cut into segments of `segment_bytes`; each is one deflate block with its
///   own dynamic Huffman tables, or a stored block when that is not smaller;
/// - matches are runs only (distance 1, as zlib's Z_RLE strategy): a run of n equal bytes is a
///   literal, then matches of up to 258 bytes while 3 or more bytes are left, then literals.
///   Matches never reach across a segment's start, so segments need nothing from each other;
/// - a segment ends on a byte boundary: a dynamic block that is not the last is followed by an
///   empty stored block (zlib's sync flush); the last block sets BFINAL;
/// - Adler-32 from per-segment sums combined afterwards.
/// On a smooth card (docs/io.md) this is smaller than libdeflate's level 1 and as small as
/// level 2; noise falls back to stored blocks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "imagecuda/detail/vec.hpp"

namespace imagecuda::io::codec::pz {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

/// Bytes of filtered stream per segment (per CUDA block).
inline constexpr u32 segment_bytes = 16384;
/// Bytes a segment may take in the scratch, whatever it holds (stored: 5 + segment_bytes).
inline constexpr u32 slot_bytes = segment_bytes + 64;
inline constexpr int lit_symbols = 286;  ///< literal/length alphabet 0..285
inline constexpr int cl_symbols = 19;    ///< code-length alphabet
inline constexpr int max_bits = 15;      ///< deflate's longest literal/length code
inline constexpr int cl_max_bits = 7;    ///< deflate's longest code-length code
inline constexpr u32 adler_mod = 65521;

// --- geometry ------------------------------------------------------------------------------------

/// The filtered stream of a w x h image with `bpp` bytes a pixel (3 or 4).
struct Geometry {
  u32 width = 0, height = 0, bpp = 0;
  IMAGECUDA_HD u64 row_bytes() const { return 1 + u64(width) * bpp; }
  IMAGECUDA_HD u64 size() const { return row_bytes() * height; }
  IMAGECUDA_HD u32 segments() const { return u32((size() + segment_bytes - 1) / segment_bytes); }
  IMAGECUDA_HD u32 segment_length(u32 s) const {
    const u64 start = u64(s) * segment_bytes, left = size() - start;
    return left < segment_bytes ? u32(left) : segment_bytes;
  }
};

/// Device scratch of the CUDA encoder for a w x h image: flags, per-segment results, segment
/// slots and the zlib stream. Sized for RGBA (the larger stream).
struct SegmentResult {
  u32 bytes;  ///< bytes the segment takes in the stream
  u32 pad;
  u64 a, b;  ///< Adler-32 sums of the segment alone: sum of x_j, sum of (len - j) * x_j
};
struct Layout {
  std::size_t flags = 0, results = 0, slots = 0, stream = 0, total = 0;
};
inline Layout scratch_layout(u32 w, u32 h) {
  const auto up = [](std::size_t v) { return (v + 255) / 256 * 256; };
  const Geometry g{w, h, 4};
  const std::size_t segs = g.segments();
  Layout l;
  l.flags = 0;
  l.results = 256;
  l.slots = l.results + up(segs * sizeof(SegmentResult));
  l.stream = l.slots + up(segs * std::size_t(slot_bytes));
  l.total = l.stream + up(2 + g.size() + 5 * segs + 4);
  return l;
}

// --- filter ----------------------------------------------------------------------------------------

/// PNG's Paeth predictor (PNG spec 9.4).
IMAGECUDA_HD inline int paeth_predict(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = p > a ? p - a : a - p, pb = p > b ? p - b : b - p, pc = p > c ? p - c : c - p;
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/// Byte i of row y of the filtered stream (i = 0: the filter type) of an RGBA8 image at `img`
/// (`pitch` bytes a row; pixel x is img[4x .. 4x+3], of which the first Bpp bytes are written).
template <u32 Bpp>
IMAGECUDA_HD inline u8 filtered_byte(const u8* img, std::size_t pitch, u32 y, u32 i) {
  if (i == 0) return 4;  // filter type: Paeth
  const u32 x = (i - 1) / Bpp, c = (i - 1) - x * Bpp;
  const u8* row = img + std::size_t(y) * pitch;
  const int v = row[4 * std::size_t(x) + c];
  const int a = x > 0 ? row[4 * std::size_t(x - 1) + c] : 0;
  const u8* up = y > 0 ? row - pitch : row;
  const int b = y > 0 ? up[4 * std::size_t(x) + c] : 0;
  const int d = x > 0 && y > 0 ? up[4 * std::size_t(x - 1) + c] : 0;
  return u8(v - paeth_predict(a, b, d));
}

// --- tokens ------------------------------------------------------------------------------------------

/// The tokens of a run of `n` equal bytes `b`: a literal, matches (distance 1) of up to 258 while
/// at least 3 bytes are left, then the 0..2 bytes left as literals.
template <class V>
IMAGECUDA_HD void run_tokens(u32 n, u8 b, V& v) {
  v.literal(b);
  u32 k = n - 1;
  while (k >= 3) {
    const u32 m = k < 258 ? k : 258;
    v.match(m);
    k -= m;
  }
  while (k-- > 0) v.literal(b);
}

struct LengthCode {
  u32 symbol, extra_bits, extra;
};
/// RFC 1951 3.2.5: the literal/length symbol and extra bits of a match length 3..258.
IMAGECUDA_HD inline LengthCode length_code(u32 len) {
  if (len == 258) return {285, 0, 0};
  const u32 l = len - 3;
  if (l < 8) return {257 + l, 0, 0};
  u32 top = 3;  // floor(log2(l)), l in 8..254
  while ((l >> (top + 1)) != 0) ++top;
  const u32 e = top - 2;
  return {257 + 4 * (e + 1) + ((l >> e) & 3u), e, l & ((1u << e) - 1)};
}

// --- Huffman tables ------------------------------------------------------------------------------------

struct SymFreq {
  u32 key;  ///< frequency in; code length out
  u32 sym;
};

/// Sorts the used symbols (freq != 0) of freq[0..n) by (frequency, symbol) into `out`; returns
/// how many. Insertion sort: the code-length alphabet, and the host (the CUDA kernel ranks the
/// literal/length symbols in parallel into the same order).
IMAGECUDA_HD inline int sort_used(const u32* freq, int n, SymFreq* out) {
  int m = 0;
  for (int s = 0; s < n; ++s) {
    if (freq[s] == 0) continue;
    int j = m++;
    while (j > 0 && out[j - 1].key > freq[s]) {  // equal keys keep symbol order (s ascends)
      out[j] = out[j - 1];
      --j;
    }
    out[j] = SymFreq{freq[s], u32(s)};
  }
  return m;
}

/// Code lengths of a Huffman code for a[0..n) sorted ascending by frequency (Moffat and
/// Katajainen's in-place method, as miniz's tdefl_calculate_minimum_redundancy): a[i].key
/// becomes the length of a[i]'s code.
IMAGECUDA_HD inline void minimum_redundancy(SymFreq* a, int n) {
  if (n == 0) return;
  if (n == 1) {
    a[0].key = 1;
    return;
  }
  a[0].key += a[1].key;
  int root = 0, leaf = 2;
  for (int next = 1; next < n - 1; ++next) {
    if (leaf >= n || a[root].key < a[leaf].key) {
      a[next].key = a[root].key;
      a[root++].key = u32(next);
    } else {
      a[next].key = a[leaf++].key;
    }
    if (leaf >= n || (root < next && a[root].key < a[leaf].key)) {
      a[next].key += a[root].key;
      a[root++].key = u32(next);
    } else {
      a[next].key += a[leaf++].key;
    }
  }
  a[n - 2].key = 0;
  for (int next = n - 3; next >= 0; --next) a[next].key = a[a[next].key].key + 1;
  int avbl = 1, used = 0, depth = 0;
  root = n - 2;
  int next = n - 1;
  while (avbl > 0) {
    while (root >= 0 && int(a[root].key) == depth) {
      ++used;
      --root;
    }
    while (avbl > used) {
      a[next--].key = u32(depth);
      --avbl;
    }
    avbl = 2 * used;
    ++depth;
    used = 0;
  }
}

/// Lengths of a code for the sorted used symbols a[0..n), at most `limit` bits (miniz's
/// tdefl_huffman_enforce_max_code_size), into len[sym]; the shortest codes to the most frequent.
IMAGECUDA_HD inline void huffman_lengths(SymFreq* a, int n, int limit, u8* len) {
  if (n == 0) return;
  minimum_redundancy(a, n);
  int count[33] = {};
  for (int i = 0; i < n; ++i) ++count[a[i].key < 32 ? a[i].key : 32];
  if (n > 1) {
    for (int i = limit + 1; i <= 32; ++i) count[limit] += count[i];
    u32 total = 0;
    for (int i = limit; i > 0; --i) total += u32(count[i]) << (limit - i);
    while (total != (1u << limit)) {
      --count[limit];
      for (int i = limit - 1; i > 0; --i)
        if (count[i] != 0) {
          --count[i];
          count[i + 1] += 2;
          break;
        }
      --total;
    }
  }
  int j = n;
  for (int i = 1; i <= limit; ++i)
    for (int c = count[i]; c > 0; --c) len[a[--j].sym] = u8(i);
}

/// Canonical codes (RFC 1951 3.2.2) of len[0..n), bit-reversed for deflate's LSB-first order.
IMAGECUDA_HD inline void canonical_codes(const u8* len, int n, u16* code) {
  u32 count[16] = {}, next[16] = {};
  for (int s = 0; s < n; ++s) ++count[len[s]];
  count[0] = 0;
  u32 c = 0;
  for (int b = 1; b <= 15; ++b) {
    c = (c + count[b - 1]) << 1;
    next[b] = c;
  }
  for (int s = 0; s < n; ++s) {
    const u32 l = len[s];
    if (l == 0) continue;
    const u32 v = next[l]++;
#ifdef __CUDA_ARCH__
    code[s] = u16(__brev(v) >> (32 - l));
#else
    u32 r = 0;
    for (u32 k = 0; k < l; ++k) r |= ((v >> k) & 1u) << (l - 1 - k);
    code[s] = u16(r);
#endif
  }
}

/// RFC 1951 3.2.7's permutation of the code-length code lengths.
IMAGECUDA_HD inline int cl_order(int i) {
  constexpr u8 order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  return order[i];
}

/// A segment's dynamic block header: the literal/length code (distance: one code, 0, of one bit)
/// and the code-length tokens that describe it.
struct Tables {
  u8 lit_len[lit_symbols];
  u16 lit_code[lit_symbols];
  u8 cl_len[cl_symbols];
  u16 cl_code[cl_symbols];
  u16 cl_tok[lit_symbols + 1];  ///< symbol | extra << 5
  int ntok;
  int nlit, nclen;
  u32 header_bits;  ///< from BFINAL to the last code-length token
};

IMAGECUDA_HD inline u32 cl_extra_bits(u32 sym) { return sym == 16 ? 2 : sym == 17 ? 3 : sym == 18 ? 7 : 0; }

/// The header's fields, which write_header puts one after another and the CUDA kernel puts a
/// thread each: the fixed fields (BFINAL, BTYPE, HLIT, HDIST, HCLEN: header_fixed_bits), then
/// nclen code-length code lengths of 3 bits, then the code-length tokens.
inline constexpr u32 header_fixed_bits = 1 + 2 + 5 + 5 + 4;
struct Field {
  u32 bits, n;  ///< n bits of `bits`, least significant first
};
/// The code-length code's length of symbol cl_order(i).
IMAGECUDA_HD inline Field cl_length_field(const Tables& t, int i) { return {t.cl_len[cl_order(i)], 3}; }
/// Code-length token k: its code, then its extra bits.
IMAGECUDA_HD inline Field cl_token_field(const Tables& t, int k) {
  const u32 sym = t.cl_tok[k] & 31u, extra = t.cl_tok[k] >> 5u, l = t.cl_len[sym];
  return {t.cl_code[sym] | extra << l, l + cl_extra_bits(sym)};
}

/// A segment's tables from the used literal/length symbols (hist[s] != 0) sorted into
/// `sorted[0..n)` in sort_used's order, in three steps (the CUDA kernel runs the codes of step 1
/// on one warp beside step 2 on another; the host calls finish_tables).
/// Step 1: the literal/length code lengths (then its codes: canonical_codes, and step 2, which
/// needs the lengths only).
IMAGECUDA_HD inline void lit_lengths(Tables& t, SymFreq* sorted, int n) {
  for (int s = 0; s < lit_symbols; ++s) {
    t.lit_len[s] = 0;
    t.lit_code[s] = 0;
  }
  huffman_lengths(sorted, n, max_bits, t.lit_len);
  t.nlit = lit_symbols;
  while (t.nlit > 257 && t.lit_len[t.nlit - 1] == 0) --t.nlit;
}

/// Step 2: the code-length code and the header's size.
IMAGECUDA_HD inline void cl_tables(Tables& t) {
  // Code lengths of nlit literal/length codes and the one distance code, run-length coded.
  const int total = t.nlit + 1;
  const auto len_at = [&](int i) -> u32 { return i < t.nlit ? t.lit_len[i] : 1u; };
  t.ntok = 0;
  u32 freq[cl_symbols] = {};
  const auto tok = [&](u32 sym, u32 extra) {
    t.cl_tok[t.ntok++] = u16(sym | extra << 5);
    ++freq[sym];
  };
  for (int i = 0; i < total;) {
    const u32 v = len_at(i);
    int run = 1;
    while (i + run < total && len_at(i + run) == v) ++run;
    i += run;
    if (v == 0) {
      while (run >= 11) {
        const int m = run < 138 ? run : 138;
        tok(18, u32(m - 11));
        run -= m;
      }
      if (run >= 3) {
        tok(17, u32(run - 3));
        run = 0;
      }
    } else {
      tok(v, 0);
      --run;
      while (run >= 3) {
        const int m = run < 6 ? run : 6;
        tok(16, u32(m - 3));
        run -= m;
      }
    }
    while (run-- > 0) tok(v, 0);
  }
  // zlib's inflate refuses an incomplete code-length code: make sure two symbols are used.
  int used = 0;
  for (int s = 0; s < cl_symbols; ++s) used += freq[s] != 0;
  for (int s = 0; used < 2; ++s)
    if (freq[s] == 0) {
      freq[s] = 1;
      ++used;
    }
  SymFreq cl[cl_symbols];
  const int m = sort_used(freq, cl_symbols, cl);
  for (int s = 0; s < cl_symbols; ++s) {
    t.cl_len[s] = 0;
    t.cl_code[s] = 0;
  }
  huffman_lengths(cl, m, cl_max_bits, t.cl_len);
  canonical_codes(t.cl_len, cl_symbols, t.cl_code);
  t.nclen = cl_symbols;
  while (t.nclen > 4 && t.cl_len[cl_order(t.nclen - 1)] == 0) --t.nclen;
  u32 bits = header_fixed_bits + 3 * u32(t.nclen);
  for (int k = 0; k < t.ntok; ++k) bits += cl_token_field(t, k).n;
  t.header_bits = bits;
}

IMAGECUDA_HD inline void finish_tables(Tables& t, SymFreq* sorted, int n) {
  lit_lengths(t, sorted, n);
  canonical_codes(t.lit_len, lit_symbols, t.lit_code);
  cl_tables(t);
}

// --- bits ------------------------------------------------------------------------------------------

/// ORs `v` into a 32-bit word: atomically on the device (threads share boundary words).
IMAGECUDA_HD inline void or_word(u32* p, u32 v) {
#ifdef __CUDA_ARCH__
  atomicOr(p, v);
#else
  *p |= v;
#endif
}
/// Adds one to a counter: atomically on the device (threads share the histogram).
IMAGECUDA_HD inline void add_one(u32* p) {
#ifdef __CUDA_ARCH__
  atomicAdd(p, 1u);
#else
  ++*p;
#endif
}

/// Writes LSB-first bit fields into zeroed little-endian 32-bit words, from bit `pos` on.
struct BitWriter {
  u32* words;
  u64 pos;
  IMAGECUDA_HD void put(u32 bits, u32 n) {  // n <= 32
    if (n == 0) return;
    const u64 w = pos >> 5;
    const u32 o = u32(pos & 31u);
    or_word(words + w, bits << o);
    if (o + n > 32) or_word(words + w + 1, bits >> (32 - o));
    pos += n;
  }
  IMAGECUDA_HD void put(Field f) { put(f.bits, f.n); }
};

/// Counts the tokens' symbols (end of block: the caller's).
struct HistVisitor {
  u32* hist;
  IMAGECUDA_HD void literal(u8 b) { add_one(hist + b); }
  IMAGECUDA_HD void match(u32 m) { add_one(hist + length_code(m).symbol); }
};

/// Counts the bits of tokens (the pass before the offsets are known).
struct BitCounter {
  const Tables* t;
  u64 bits = 0;
  IMAGECUDA_HD void literal(u8 b) { bits += t->lit_len[b]; }
  IMAGECUDA_HD void match(u32 m) {
    const LengthCode c = length_code(m);
    bits += t->lit_len[c.symbol] + c.extra_bits + 1;  // + the one-bit distance code 0 (distance 1)
  }
};

/// Writes tokens.
struct TokenWriter {
  const Tables* t;
  BitWriter w;
  IMAGECUDA_HD void literal(u8 b) { w.put(t->lit_code[b], t->lit_len[b]); }
  IMAGECUDA_HD void match(u32 m) {
    const LengthCode c = length_code(m);
    const u32 l = t->lit_len[c.symbol];
    w.put(t->lit_code[c.symbol] | c.extra << l, l + c.extra_bits + 1);  // distance code 0: a zero bit
  }
};

/// The header's fixed fields (header_fixed_bits).
IMAGECUDA_HD inline void write_fixed_fields(const Tables& t, bool final, BitWriter& w) {
  w.put(final ? 1u : 0u, 1);
  w.put(2, 2);  // dynamic Huffman
  w.put(u32(t.nlit - 257), 5);
  w.put(0, 5);  // one distance code
  w.put(u32(t.nclen - 4), 4);
}
/// The block header from BFINAL to the last code-length token.
IMAGECUDA_HD inline void write_header(const Tables& t, bool final, BitWriter& w) {
  write_fixed_fields(t, final, w);
  for (int i = 0; i < t.nclen; ++i) w.put(cl_length_field(t, i));
  for (int k = 0; k < t.ntok; ++k) w.put(cl_token_field(t, k));
}

/// Bits after the last token: end of block, then the empty stored block of a sync flush when
/// the block is not the last (aligned by the caller: see block_bytes), none for the last.
IMAGECUDA_HD inline u64 block_bytes(u64 bits_before_eob, const Tables& t, bool final) {
  const u64 end = bits_before_eob + t.lit_len[256];
  if (final) return (end + 7) / 8;
  return (end + 3 + 7) / 8 + 4;  // BFINAL 0, BTYPE 00, padding, LEN 0000, NLEN FFFF
}
IMAGECUDA_HD inline void write_end(const Tables& t, bool final, BitWriter& w) {
  w.put(t.lit_code[256], t.lit_len[256]);
  if (final) return;
  w.put(0, 3);
  w.pos = (w.pos + 7) & ~u64(7);
  w.put(0, 16);
  w.put(0xffffu, 16);
}

/// The stored block of `len` bytes: its 5 header bytes.
IMAGECUDA_HD inline void stored_header(u8* out, u32 len, bool final) {
  out[0] = final ? 1 : 0;
  out[1] = u8(len);
  out[2] = u8(len >> 8);
  out[3] = u8(~len);
  out[4] = u8(~len >> 8);
}

// --- Adler-32 ------------------------------------------------------------------------------------

/// Adds a segment's shares of Adler-32's a and b to running sums, given the bytes of the stream
/// after the segment (`after`); each share is reduced modulo 65521, so the sums cannot overflow.
IMAGECUDA_HD inline void adler_add(const SegmentResult& r, u64 after, u64& sum_a, u64& sum_b) {
  sum_a += r.a % adler_mod;
  sum_b += (r.b % adler_mod + (r.a % adler_mod) * (after % adler_mod)) % adler_mod;
}
/// Adler-32 of a stream of `size` bytes from adler_add's sums: a = 1 + sum_a, b = size + sum_b.
IMAGECUDA_HD inline u32 adler_finish(u64 sum_a, u64 sum_b, u64 size) {
  const u32 a = u32((1 + sum_a) % adler_mod), b = u32((size % adler_mod + sum_b) % adler_mod);
  return b << 16 | a;
}

// --- zlib framing ----------------------------------------------------------------------------------

/// The zlib stream's 2 header bytes: deflate with a 32 KiB window, no dictionary, "fastest";
/// (0x78 * 256 + 0x01) % 31 == 0.
IMAGECUDA_HD inline void put_zlib_header(u8* p) {
  p[0] = 0x78;
  p[1] = 0x01;
}
/// The stream's 4 trailing bytes: Adler-32, big-endian.
IMAGECUDA_HD inline void put_adler(u8* p, u32 adler) {
  p[0] = u8(adler >> 24);
  p[1] = u8(adler >> 16);
  p[2] = u8(adler >> 8);
  p[3] = u8(adler);
}

}  // namespace imagecuda::io::codec::pz
