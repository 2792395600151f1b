// SPDX-License-Identifier: MIT
/// @file fill.hpp  Per-pixel formulas of the fill module (written with vec.hpp's bit-reproducible
/// fp:: helpers) and the launchers' declarations.
#pragma once

#include <driver_types.h>

#include <cstdint>

#include "vec.hpp"

namespace imagecuda::detail {

// fp:: (vec.hpp): the bit-reproducible float helpers every fill functor is written with.
namespace fp {

/// a*(1-t) + b*t per channel, fused the same way on both backends (PyImageCUDA's pixel lerp).
IMAGECUDA_HD inline float4 lerp4(float4 a, float4 b, float t) {
  const float s = 1.f - t;
  return make4(fma(b.x, t, mul(a.x, s)), fma(b.y, t, mul(a.y, s)), fma(b.z, t, mul(a.z, s)),
               fma(b.w, t, mul(a.w, s)));
}

/// PyImageCUDA's smoothstep(e0, e1, x) with 1/(e1-e0) precomputed on the host (`inv`): the same
/// value wherever e1-e0 is a power of two (every hard edge), and the same NaN/inf behaviour when
/// e1 == e0 (inv = inf: x == e0 gives 0, x > e0 gives 1).
IMAGECUDA_HD inline float smoothstep_inv(float e0, float inv, float x) {
  const float t = fminf(fmaxf(mul(sub(x, e0), inv), 0.f), 1.f);
  return mul(mul(t, t), sub(3.f, mul(2.f, t)));
}

inline constexpr float pi = 3.14159265358979323846f;
inline constexpr float half_pi = 1.57079632679489661923f;

/// sin(x) and cos(x) for |x| <= pi/2: near-minimax polynomials (max error 5e-9 and 5e-8 before
/// rounding; sin(0) = 0 and cos(0) = 1 exactly), evaluated with fused multiply-adds, identical on
/// both backends.
IMAGECUDA_HD inline float sin_half_range(float x) {
  const float z = mul(x, x);
  float p = fma(z, 2.600054813e-06f, -1.980661473e-04f);
  p = fma(p, z, 8.333017118e-03f);
  p = fma(p, z, -1.666665673e-01f);
  return fma(mul(p, z), x, x);
}
IMAGECUDA_HD inline float cos_half_range(float x) {
  const float z = mul(x, x);
  float p = fma(z, 2.319438863e-05f, -1.385592739e-03f);
  p = fma(p, z, 4.166398942e-02f);
  p = fma(p, z, -4.999993145e-01f);
  return fma(p, z, 1.f);
}

/// atan2f(y, x) (the angle of the vector (x, y), in (-pi, pi]) from a minimax polynomial
/// (max error about 4e-8 rad), identical on both backends. (0, 0) gives 0.
IMAGECUDA_HD inline float atan2(float y, float x) {
  const float ax = fabsf(x), ay = fabsf(y);
  const float lo = fminf(ax, ay), hi = fmaxf(ax, ay);
  const float r = hi > 0.f ? div(lo, hi) : 0.f;
  const float z = mul(r, r);
  float p = fma(z, -4.054564983e-03f, 2.186295576e-02f);
  p = fma(p, z, -5.591233447e-02f);
  p = fma(p, z, 9.642198682e-02f);
  p = fma(p, z, -1.390863061e-01f);
  p = fma(p, z, 1.994656622e-01f);
  p = fma(p, z, -3.332985938e-01f);
  p = fma(p, z, 9.999993443e-01f);
  float a = mul(p, r);
  if (ay > ax) a = sub(half_pi, a);
  if (x < 0.f) a = sub(pi, a);
  return y < 0.f ? -a : a;
}
}  // namespace fp

// ------------------------------------------------------------------------------------------------
// Integer hashing for noise and perlin (replaces the reference's fract(sin(x)*43758.5453), whose
// result depends on each device's sinf).
// ------------------------------------------------------------------------------------------------

/// lowbias32 (C. Wellons' 32-bit integer finaliser): a bijection with strong avalanche.
IMAGECUDA_HD inline std::uint32_t fill_mix32(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x7feb352dU;
  h ^= h >> 15;
  h *= 0x846ca68bU;
  h ^= h >> 16;
  return h;
}

/// The seed's contribution to a hash: its float bits (with -0 folded onto +0), mixed.
IMAGECUDA_HD inline std::uint32_t fill_seed_bits(float seed) { return fill_mix32(fp::bits(seed + 0.f) ^ 0x9e3779b9U); }

/// The top 23 bits of `h` as a float in [1, 2) (exact on both backends, no conversion unit).
IMAGECUDA_HD inline float fill_one_to_two(std::uint32_t h) { return fp::from_bits(0x3f800000U | (h >> 9)); }

/// White-noise value of pixel (x, y) for a mixed seed: uniform on [0, 1) in steps of 2^-23.
IMAGECUDA_HD inline float fill_noise_value(int x, int y, std::uint32_t s) {
  return fill_one_to_two(fill_mix32(fill_mix32(std::uint32_t(y) + s) ^ std::uint32_t(x))) - 1.f;
}

// ------------------------------------------------------------------------------------------------
// The fill functors: f(x, y) -> pixel, x and y integer pixel indices of the view (no +0.5).
// Every parameter is resolved on the host (public fill.hpp); the functors only evaluate.
// ------------------------------------------------------------------------------------------------

/// fill::color: px = rgba.
struct FillColor {
  float4 c;
  IMAGECUDA_HD float4 operator()(int, int) const { return c; }
};

/// fill::gradient. direction: 0 horizontal, 1 vertical, 2 diagonal, 3 radial.
struct FillGradient {
  float4 c1;
  float4 dc;  // c2 - c1
  int w, h;
  int direction;
  bool seamless;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float fx = float(x), fy = float(y);
    float t;
    switch (direction) {
      case 0: t = w > 1 ? fp::div(fx, float(w - 1)) : 0.5f; break;
      case 1: t = h > 1 ? fp::div(fy, float(h - 1)) : 0.5f; break;
      case 2:
        t = (w > 1 && h > 1) ? fp::mul(fp::add(fp::div(fx, float(w - 1)), fp::div(fy, float(h - 1))), 0.5f) : 0.5f;
        break;
      default: {
        const float nx = w > 1 ? fp::sub(fp::div(fx, float(w - 1)), 0.5f) : 0.f;
        const float ny = h > 1 ? fp::sub(fp::div(fy, float(h - 1)), 0.5f) : 0.f;
        t = fminf(1.f, fp::mul(fp::sqrt(fp::fma(nx, nx, fp::mul(ny, ny))), 1.414213562f));
      }
    }
    if (seamless) t = t < 0.5f ? fp::mul(t, 2.f) : fp::mul(2.f, fp::sub(1.f, t));
    t = fminf(fmaxf(t, 0.f), 1.f);
    return make4(fp::fma(dc.x, t, c1.x), fp::fma(dc.y, t, c1.y), fp::fma(dc.z, t, c1.z), fp::fma(dc.w, t, c1.w));
  }
};

/// fill::checkerboard, with the reference's integer arithmetic (and its negative-side quirks).
struct FillCheckerboard {
  float4 c1, c2;
  int size, off_x, off_y;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const int sx = x + off_x, sy = y + off_y;
    int gx = sx / size, gy = sy / size;  // truncation toward zero
    if (sx < 0) --gx;                    // off by one at negative exact multiples, as the reference
    if (sy < 0) --gy;
    return (gx + gy) % 2 == 0 ? c1 : c2;  // C %: a negative odd sum is -1, so color2
  }
};

/// fill::grid.
struct FillGrid {
  float4 line, bg;
  int spacing, line_width, off_x, off_y;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    int mx = (x + off_x) % spacing, my = (y + off_y) % spacing;
    if (mx < 0) mx += spacing;
    if (my < 0) my += spacing;
    return (mx < line_width || my < line_width) ? line : bg;
  }
};

/// fill::stripes (1-pixel anti-aliased edges). The smoothstep edges are resolved on the host:
/// up = smoothstep(0, 1, t), or smoothstep(spacing, spacing+1, t+1) past spacing-1;
/// down = 1 - smoothstep(width-1, width+1, t).
struct FillStripes {
  float4 c1, c2;
  float cos_a, sin_a;  // of the angle, computed on the host
  float spacing, offset;
  float spacing_m1;    // spacing - 1
  float inv_wrap;      // 1/((spacing+1) - spacing)
  float down_e0, down_inv;  // width - 1, 1/((width+1) - (width-1))
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float pos = fp::add(fp::add(fp::mul(float(x), cos_a), fp::mul(float(y), sin_a)), offset);
    float t = fmodf(pos, spacing);
    if (t < 0.f) t = fp::add(t, spacing);
    const float up = t > spacing_m1 ? fp::smoothstep_inv(spacing, inv_wrap, fp::add(t, 1.f))
                                    : fp::smoothstep_inv(0.f, 1.f, t);
    const float down = 1.f - fp::smoothstep_inv(down_e0, down_inv, t);
    return fp::lerp4(c2, c1, fminf(up, down));
  }
};

/// fill::dots (the offset is subtracted, as the reference).
struct FillDots {
  float4 dot, bg;
  int spacing, off_x, off_y;
  float half, e0, inv;  // spacing/2, radius - edge, 1/(2*edge)
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float sp = float(spacing);
    float mx = fmodf(float(x - off_x), sp);
    if (mx < 0.f) mx = fp::add(mx, sp);
    float my = fmodf(float(y - off_y), sp);
    if (my < 0.f) my = fp::add(my, sp);
    const float dx = fp::sub(mx, half), dy = fp::sub(my, half);
    const float d = fp::sqrt(fp::fma(dx, dx, fp::mul(dy, dy)));
    return fp::lerp4(bg, dot, 1.f - fp::smoothstep_inv(e0, inv, d));
  }
};

/// fill::circle: centre (w/2, h/2), radius min(w, h)/2.
struct FillCircle {
  float4 color, bg;
  float cx, cy;
  float e0, inv;  // r - edge, 1/(2*edge)
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float dx = fp::sub(float(x), cx), dy = fp::sub(float(y), cy);
    const float d = fp::sqrt(fp::fma(dx, dx, fp::mul(dy, dy)));
    return fp::lerp4(bg, color, 1.f - fp::smoothstep_inv(e0, inv, d));
  }
};

/// fill::noise: R = hash(x, y, seed); G, B = hash with seed+1, seed+2 (or = R); A = 1.
struct FillNoise {
  std::uint32_t s0, s1, s2;  // fill_seed_bits(seed), fill_seed_bits(seed + 1), fill_seed_bits(seed + 2)
  bool monochrome;
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float r = fill_noise_value(x, y, s0);
    if (monochrome) return make4(r, r, r, 1.f);
    return make4(r, fill_noise_value(x, y, s1), fill_noise_value(x, y, s2), 1.f);
  }
};

/// fill::perlin: fBm of gradient noise, the reference's construction with an integer lattice hash.
struct FillPerlin {
  static constexpr int max_octaves = 32;
  float4 c1, c2;
  float inv_scale, off_x, off_y, persistence, lacunarity;
  int octaves;
  std::uint32_t seed[max_octaves];  // fill_seed_bits(seed + i*13.5) per octave

  /// The gradient of lattice corner `h`: the unit vector at angle a = 2*pi*u (u uniform in [0, 1)
  /// from the hash, as the reference's h*2*pi); with phi = a/2 - pi/2 in [-pi/2, pi/2):
  /// (cos a, sin a) = (sin^2 phi - cos^2 phi, -2 sin phi cos phi). Kept as gx and sc = sin*cos so
  /// that g.(dx, dy) = fma(gx, dx, sc*(-2 dy)).
  struct Corner {
    float gx, sc;
  };
  IMAGECUDA_HD static Corner corner(std::uint32_t h) {
    const float phi = fp::mul(fill_one_to_two(h) - 1.5f, fp::pi);
    const float s = fp::sin_half_range(phi), c = fp::cos_half_range(phi);
    return {fp::fma(s, s, -fp::mul(c, c)), fp::mul(s, c)};
  }
  /// Gradient of corner `h` dotted with (dx, dy); `m2dy` = -2*dy.
  IMAGECUDA_HD static float grad(std::uint32_t h, float dx, float m2dy) {
    const Corner g = corner(h);
    return fp::fma(g.gx, dx, fp::mul(g.sc, m2dy));
  }
  IMAGECUDA_HD static float fade(float t) {
    return fp::mul(fp::mul(fp::mul(t, t), t), fp::fma(t, fp::fma(t, 6.f, -15.f), 10.f));
  }
  IMAGECUDA_HD static float lerp(float a, float b, float t) { return fp::fma(t, fp::sub(b, a), a); }
  /// Integer lattice coordinate of a float cell index without a conversion instruction: the bits
  /// of X + 1.5*2^23 hold X exactly for |X| < 2^22 (beyond, float32 coordinates have no
  /// fractional part left and the pattern degenerates the same way on both backends).
  IMAGECUDA_HD static std::uint32_t lattice(float X) { return fp::bits(fp::add(X, 12582912.f)); }
  static constexpr std::uint32_t step_x = 0x8da6b343U, step_y = 0xd8163841U;

  /// One octave at (x, y): the reference's perlin(x, y, seed) with corners aa, ab, ba, bb.
  IMAGECUDA_HD static float single(float x, float y, std::uint32_t s) {
    const float X = floorf(x), Y = floorf(y);
    const float rx = fp::sub(x, X), ry = fp::sub(y, Y);
    const std::uint32_t ax = s + lattice(X) * step_x, bx = ax + step_x;  // columns X, X+1
    const std::uint32_t ay = lattice(Y) * step_y, by = ay + step_y;      // rows Y, Y+1
    const float rx1 = fp::sub(rx, 1.f), ry1 = fp::sub(ry, 1.f);
    const float m2ry = fp::mul(-2.f, ry), m2ry1 = fp::mul(-2.f, ry1);
    const float g_aa = grad(fill_mix32(ax ^ ay), rx, m2ry);
    const float g_ab = grad(fill_mix32(ax ^ by), rx, m2ry1);
    const float g_ba = grad(fill_mix32(bx ^ ay), rx1, m2ry);
    const float g_bb = grad(fill_mix32(bx ^ by), rx1, m2ry1);
    const float u = fade(rx), v = fade(ry);
    return lerp(lerp(g_aa, g_ba, u), lerp(g_ab, g_bb, u), v);
  }

  /// The pixel from the octave sum and the amplitude sum.
  IMAGECUDA_HD float4 finish(float total, float maxv) const {
    float val = fp::fma(fp::div(total, maxv), 0.5f, 0.5f);
    // octaves <= 0 (0/0) or a persistence that sums to 0: NaN -> 1 (the reference's clamp turns
    // NaN into 1), +-inf -> 1 / 0. Written with comparisons so both backends agree bit for bit.
    val = val != val ? 1.f : (val < 0.f ? 0.f : (val > 1.f ? 1.f : val));
    return fp::lerp4(c1, c2, val);
  }

  /// The definition, one pixel at a time.
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float u = fp::mul(fp::add(float(x), off_x), inv_scale);
    const float v = fp::mul(fp::add(float(y), off_y), inv_scale);
    float total = 0.f, freq = 1.f, amp = 1.f, maxv = 0.f;
    for (int i = 0; i < octaves; ++i) {
      total = fp::fma(single(fp::mul(u, freq), fp::mul(v, freq), seed[i]), amp, total);
      maxv = fp::add(maxv, amp);
      amp = fp::mul(amp, persistence);
      freq = fp::mul(freq, lacunarity);
    }
    return finish(total, maxv);
  }

  /// Pixels x0 .. x0+N-1 of row y into out[0 .. n-1] (n <= N): exactly operator()'s arithmetic
  /// pixel by pixel (equal bit for bit, tested), with what the pixels share computed once: the
  /// row's terms per octave, and a lattice cell's four corner gradients while x stays in it
  /// (a cell is `scale / lacunarity^i` pixels wide). Both backends evaluate perlin this way.
  template <int N>
  IMAGECUDA_HD void span(int x0, int y, int n, float4* out) const {
    float total[N], u[N];
IMAGECUDA_UNROLL
    for (int k = 0; k < N; ++k) {
      total[k] = 0.f;
      u[k] = fp::mul(fp::add(float(x0 + k), off_x), inv_scale);
    }
    const float v = fp::mul(fp::add(float(y), off_y), inv_scale);
    float freq = 1.f, amp = 1.f, maxv = 0.f;
    for (int i = 0; i < octaves; ++i) {
      const float yy = fp::mul(v, freq);
      const float Y = floorf(yy);
      const float ry = fp::sub(yy, Y);
      const std::uint32_t ay = lattice(Y) * step_y, by = ay + step_y;
      const float m2ry = fp::mul(-2.f, ry), m2ry1 = fp::mul(-2.f, fp::sub(ry, 1.f));
      const float fy = fade(ry);
      float cell = 0.f;
      bool have = false;
      float gaa = 0.f, gab = 0.f, gba = 0.f, gbb = 0.f, kaa = 0.f, kab = 0.f, kba = 0.f, kbb = 0.f;
IMAGECUDA_UNROLL
      for (int k = 0; k < N; ++k) {
        const float xx = fp::mul(u[k], freq);
        const float X = floorf(xx);
        if (!have || fp::bits(X) != fp::bits(cell)) {  // a new cell (bit compare: also for inf)
          have = true;
          cell = X;
          const std::uint32_t ax = seed[i] + lattice(X) * step_x, bx = ax + step_x;
          const Corner caa = corner(fill_mix32(ax ^ ay)), cab = corner(fill_mix32(ax ^ by));
          const Corner cba = corner(fill_mix32(bx ^ ay)), cbb = corner(fill_mix32(bx ^ by));
          gaa = caa.gx, kaa = fp::mul(caa.sc, m2ry);
          gab = cab.gx, kab = fp::mul(cab.sc, m2ry1);
          gba = cba.gx, kba = fp::mul(cba.sc, m2ry);
          gbb = cbb.gx, kbb = fp::mul(cbb.sc, m2ry1);
        }
        const float rx = fp::sub(xx, X), rx1 = fp::sub(rx, 1.f);
        const float fx = fade(rx);
        const float a = lerp(fp::fma(gaa, rx, kaa), fp::fma(gba, rx1, kba), fx);
        const float b = lerp(fp::fma(gab, rx, kab), fp::fma(gbb, rx1, kbb), fx);
        total[k] = fp::fma(lerp(a, b, fy), amp, total[k]);
      }
      maxv = fp::add(maxv, amp);
      amp = fp::mul(amp, persistence);
      freq = fp::mul(freq, lacunarity);
    }
IMAGECUDA_UNROLL
    for (int k = 0; k < N; ++k)
      if (k < n) out[k] = finish(total[k], maxv);
  }
};

/// fill::ngon: regular polygon of circumradius min(w, h)/2 centred at (w/2, h/2).
struct FillNgon {
  float4 color, bg;
  float cx, cy;
  float cos_r, sin_r;          // of -rotation
  float slice, inv_slice;      // 2*pi/sides and its inverse
  float apothem;               // R*cos(pi/sides)
  float e0, inv;               // -edge, 1/(2*edge)
  IMAGECUDA_HD float4 operator()(int x, int y) const {
    const float px = fp::sub(float(x), cx), py = fp::sub(float(y), cy);
    const float rx = fp::fma(px, cos_r, -fp::mul(py, sin_r));
    const float ry = fp::fma(px, sin_r, fp::mul(py, cos_r));
    const float angle = fp::atan2(rx, ry);  // measured from +y (screen down), as the reference
    const float k = floorf(fp::fma(angle, inv_slice, 0.5f));
    const float local = fp::fma(-k, slice, angle);  // angle - sector, |local| <= pi/sides
    const float len = fp::sqrt(fp::fma(rx, rx, fp::mul(ry, ry)));
    const float sdf = fp::sub(fp::mul(fp::cos_half_range(local), len), apothem);
    return fp::lerp4(bg, color, 1.f - fp::smoothstep_inv(e0, inv, sdf));
  }
};

namespace cuda {
void fill_color(Pitched<float4> dst, FillColor f, cudaStream_t stream);
void fill_gradient(Pitched<float4> dst, FillGradient f, cudaStream_t stream);
void fill_checkerboard(Pitched<float4> dst, FillCheckerboard f, cudaStream_t stream);
void fill_grid(Pitched<float4> dst, FillGrid f, cudaStream_t stream);
void fill_stripes(Pitched<float4> dst, FillStripes f, cudaStream_t stream);
void fill_dots(Pitched<float4> dst, FillDots f, cudaStream_t stream);
void fill_circle(Pitched<float4> dst, FillCircle f, cudaStream_t stream);
void fill_noise(Pitched<float4> dst, FillNoise f, cudaStream_t stream);
void fill_perlin(Pitched<float4> dst, const FillPerlin& f, cudaStream_t stream);
void fill_ngon(Pitched<float4> dst, FillNgon f, cudaStream_t stream);
}  // namespace cuda
namespace host {
void fill_color(Pitched<float4> dst, FillColor f);
void fill_gradient(Pitched<float4> dst, FillGradient f);
void fill_checkerboard(Pitched<float4> dst, FillCheckerboard f);
void fill_grid(Pitched<float4> dst, FillGrid f);
void fill_stripes(Pitched<float4> dst, FillStripes f);
void fill_dots(Pitched<float4> dst, FillDots f);
void fill_circle(Pitched<float4> dst, FillCircle f);
void fill_noise(Pitched<float4> dst, FillNoise f);
void fill_perlin(Pitched<float4> dst, const FillPerlin& f);
void fill_ngon(Pitched<float4> dst, FillNgon f);
}  // namespace host

}  // namespace imagecuda::detail
