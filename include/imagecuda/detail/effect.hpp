// SPDX-License-Identifier: MIT
/// @file effect.hpp  Per-pixel formulas of the effect module (PyImageCUDA's src/efffects/*.cu),
/// and their launchers. Each functor is a work item `f(i, j)` over an index grid that both
/// backends visit unchanged (extent_x() x extent_y()).
///
/// Every a*b + c whose rounding could move a result across a branch is written as fmaf(a, b, c):
/// nvcc contracts such sums into FMAs and the host compiler does not, so spelling them out makes
/// the two backends compute the same bits.
#pragma once

#include <driver_types.h>

#include <cstdint>

#include "edt.hpp"
#include "vec.hpp"

namespace imagecuda::detail {

// -------------------------------------------------------------------------------------------
// rounded_corners
// -------------------------------------------------------------------------------------------

/// Column (row) of the i-th visited pixel of a corner band: the first `box`, then the last `box`
/// of `n` (all of them when the two overlap). Only the corner boxes can change.
IMAGECUDA_HD inline int corner_coord(int i, int n, int box) {
  return 2 * box >= n ? i : (i < box ? i : n - 2 * box + i);
}
IMAGECUDA_HD inline int corner_extent(int n, int box) { return 2 * box >= n ? n : 2 * box; }

/// effect::rounded_corners (reference kernel): p = (x + 0.5, y + 0.5); corner zones
/// px < r && py < r, px > w - r && py < r, px < r && py > h - r, px > w - r && py > h - r (strict,
/// tested in that order); in a zone d = |p - corner centre| - r, A *= smoothstep01(clamp(-d, 0, 1))
/// (a 1-px antialiasing band inside the arc). RGB and pixels outside the zones are untouched.
/// Visited: only the (box_x x box_y) corner boxes, box = min(side, ceil(r)), which contain every zone.
struct RoundedCorners {
  Pitched<float4> img;
  float r;
  int box_x, box_y;

  IMAGECUDA_HD int extent_x() const { return corner_extent(img.width, box_x); }
  IMAGECUDA_HD int extent_y() const { return corner_extent(img.height, box_y); }
  /// The alpha factor at (x, y), or false outside the corner zones (the pixel is left as it is).
  IMAGECUDA_HD bool factor(int x, int y, float& k) const {
    const float px = float(x) + 0.5f, py = float(y) + 0.5f;
    const float left = r, top = r, right = float(img.width) - r, bottom = float(img.height) - r;
    float cx, cy;
    if (px < left && py < top) {
      cx = left; cy = top;
    } else if (px > right && py < top) {
      cx = right; cy = top;
    } else if (px < left && py > bottom) {
      cx = left; cy = bottom;
    } else if (px > right && py > bottom) {
      cx = right; cy = bottom;
    } else {
      return false;
    }
    const float dx = px - cx, dy = py - cy;
    const float d = sqrtf(fmaf(dx, dx, dy * dy)) - r;
    const float t = clamp01(-d);
    k = t * t * (3.f - 2.f * t);
    return true;
  }
  /// The formula at one pixel (a fused pass applies it to every pixel of the view).
  IMAGECUDA_HD float4 pixel(float4 p, int x, int y) const {
    float k;
    if (factor(x, y, k)) p.w *= k;
    return p;
  }
  IMAGECUDA_HD void operator()(int i, int j) const {
    const int x = corner_coord(i, img.width, box_x);
    const int y = corner_coord(j, img.height, box_y);
    float k;
    if (factor(x, y, k)) img.at(x, y).w *= k;
  }
};

// -------------------------------------------------------------------------------------------
// vignette
// -------------------------------------------------------------------------------------------

/// effect::vignette (reference kernel): u = x/(w-1)*2-1, v = y/(h-1)*2-1 (u = 0 when w == 1,
/// v = 0 when h == 1: the reference divides by zero there); d = sqrt(u^2 + v^2);
/// k = d < s0 ? 0 : d > s1 ? 1 : smoothstep(s0, s1, d) with s0 = radius - softness/2,
/// s1 = radius + softness/2; mix = k * color.a; rgb = rgb*(1-mix) + color.rgb*mix; A untouched.
/// smoothstep is the clamped helper, so softness 0 at d == radius gives k = 0 (the reference: NaN).
/// Pixels with mix == 0 are neither read nor written (the formula leaves them unchanged).
struct Vignette {
  Pitched<float4> img;
  float s0, s1;
  float4 color;

  IMAGECUDA_HD int extent_x() const { return img.width; }
  IMAGECUDA_HD int extent_y() const { return img.height; }
  IMAGECUDA_HD float mix(int x, int y) const {
    const float u = img.width > 1 ? float(x) / float(img.width - 1) * 2.f - 1.f : 0.f;
    const float v = img.height > 1 ? float(y) / float(img.height - 1) * 2.f - 1.f : 0.f;
    const float d = sqrtf(fmaf(u, u, v * v));
    const float k = d < s0 ? 0.f : (d > s1 ? 1.f : smoothstep(s0, s1, d));
    return k * color.w;
  }
  IMAGECUDA_HD float4 apply(float4 c, float m) const {
    return make4(fmaf(c.x, 1.f - m, color.x * m), fmaf(c.y, 1.f - m, color.y * m), fmaf(c.z, 1.f - m, color.z * m), c.w);
  }
  /// The formula at one pixel (a fused pass applies it to every pixel of the view).
  IMAGECUDA_HD float4 pixel(float4 p, int x, int y) const {
    const float m = mix(x, y);
    return m == 0.f ? p : apply(p, m);
  }
  IMAGECUDA_HD void operator()(int x, int y) const {
    const float m = mix(x, y);
    if (m == 0.f) return;
    float4& p = img.at(x, y);
    p = apply(p, m);
  }
};

// -------------------------------------------------------------------------------------------
// chroma_key
// -------------------------------------------------------------------------------------------

/// effect::chroma_key (reference kernel), HSV with h in degrees:
/// hd = |h - kh|, hd = hd > 180 ? 360 - hd : hd, hd /= 180;
/// dist = sqrt(2 hd^2 + (s - ks)^2 + 0.5 (v - kv)^2);
/// alpha = dist < threshold ? (smoothness > 1e-4 ? smoothstep(max(0, threshold - smoothness),
/// threshold, dist) : 0) : 1. Spill (spill > 0.001 and 0.1 < alpha < 0.9): amt = (1-alpha)*spill,
/// s_c = max(0, c - key_c*amt), and if luma(s) > 0.001, c = min(1, s_c * luma(orig) / luma(s)).
/// A *= alpha. Pixels with alpha == 1 are not written (the formula leaves them unchanged).
struct ChromaKey {
  Pitched<float4> img;
  float kr, kg, kb;  ///< key colour
  Hsv key;           ///< rgb_to_hsv(key colour)
  float threshold, smoothness, spill;

  IMAGECUDA_HD int extent_x() const { return img.width; }
  IMAGECUDA_HD int extent_y() const { return img.height; }
  /// The keyed pixel, or false where alpha = 1 (the pixel is left as it is).
  IMAGECUDA_HD bool key_pixel(float4 p, float4& out) const {
    const Hsv c = rgb_to_hsv(p.x, p.y, p.z);
    float hd = fabsf(c.h - key.h);
    if (hd > 180.f) hd = 360.f - hd;
    hd /= 180.f;
    const float ds = c.s - key.s, dv = c.v - key.v;
    const float dist = sqrtf(fmaf(2.f * hd, hd, fmaf(ds, ds, 0.5f * dv * dv)));
    if (!(dist < threshold)) return false;  // alpha = 1
    const float alpha = smoothness > 0.0001f ? smoothstep(fmaxf(0.f, threshold - smoothness), threshold, dist) : 0.f;
    float r = p.x, g = p.y, b = p.z;
    if (spill > 0.001f && alpha > 0.1f && alpha < 0.9f) {
      const float amt = (1.f - alpha) * spill;
      const float sr = fmaxf(0.f, fmaf(-kr, amt, r)), sg = fmaxf(0.f, fmaf(-kg, amt, g)),
                  sb = fmaxf(0.f, fmaf(-kb, amt, b));
      const float lo = luma(r, g, b), ls = luma(sr, sg, sb);  // may differ by an ulp between backends
      if (ls > 0.001f) {
        r = fminf(1.f, sr * lo / ls);
        g = fminf(1.f, sg * lo / ls);
        b = fminf(1.f, sb * lo / ls);
      }
    }
    out = make4(r, g, b, p.w * alpha);
    return true;
  }
  /// The formula at one pixel (a fused pass applies it to every pixel of the view).
  IMAGECUDA_HD float4 pixel(float4 p, int, int) const {
    float4 o;
    return key_pixel(p, o) ? o : p;
  }
  IMAGECUDA_HD void operator()(int x, int y) const {
    float4& px = img.at(x, y);
    float4 o;
    if (key_pixel(px, o)) px = o;
  }
};

// -------------------------------------------------------------------------------------------
// stroke
// -------------------------------------------------------------------------------------------

/// The stroke's seeds (reference detect_edges_kernel), in canvas coordinates: the source pixel
/// at (x - off, y - off) has alpha > 0 and one of its 8 neighbours has alpha <= 0 or lies
/// outside the source. Canvas pixels outside the source are never seeds.
struct StrokeSeed {
  Pitched<const float4> src;
  int off;

  IMAGECUDA_HD bool operator()(int x, int y) const {
    const int sx = x - off, sy = y - off;
    if (sx < 0 || sy < 0 || sx >= src.width || sy >= src.height) return false;
    if (!(src.at(sx, sy).w > 0.f)) return false;
    for (int dy = -1; dy <= 1; ++dy) {
      const int ny = sy + dy;
      for (int dx = -1; dx <= 1; ++dx) {
        if (dx == 0 && dy == 0) continue;
        const int nx = sx + dx;
        if (nx < 0 || ny < 0 || nx >= src.width || ny >= src.height) return true;
        if (src.at(nx, ny).w <= 0.f) return true;
      }
    }
    return false;
  }
};

/// The stroke composite (reference generate_stroke_composite), per canvas pixel with the exact
/// squared distance d2 to the nearest seed (edt_none: no seed):
///   f = d <= width ? min(1, width - d) : 0              (1-px ramp inside the outer radius)
///   outside: sa = color.a f; prem = src.rgb src.a + color.rgb sa (1 - src.a);
///            A = src.a + sa (1 - src.a)                  (source over the stroke)
///   inside:  m = color.a f; rgb = color.rgb m + src.rgb (1 - m); A = src.a; prem = rgb A
///   out = A > 1e-4 ? (prem / A, A) : (0, 0, 0, 0)
/// src is (0,0,0,0) outside the source. The edge at the shape is antialiased by the source's own
/// alpha (the stroke layer runs under the boundary pixels, f = 1 at d = 0).
struct StrokeComposite {
  Pitched<const float4> src;
  int off;
  float width;
  std::uint32_t width2;  ///< width * width
  float4 color;
  bool inside;

  IMAGECUDA_HD float coverage(std::uint32_t d2) const {
    return d2 <= width2 ? fminf(1.f, width - sqrtf(float(d2))) : 0.f;
  }
  IMAGECUDA_HD float4 operator()(int x, int y, std::uint32_t d2) const {
    const int sx = x - off, sy = y - off;
    const float4 s = (sx >= 0 && sy >= 0 && sx < src.width && sy < src.height) ? src.at(sx, sy) : make4(0, 0, 0, 0);
    const float f = coverage(d2);
    float pr, pg, pb, a;
    if (!inside) {
      const float sa = color.w * f;
      pr = fmaf(color.x * sa, 1.f - s.w, s.x * s.w);
      pg = fmaf(color.y * sa, 1.f - s.w, s.y * s.w);
      pb = fmaf(color.z * sa, 1.f - s.w, s.z * s.w);
      a = fmaf(sa, 1.f - s.w, s.w);
    } else {
      const float m = color.w * f;
      a = s.w;
      pr = fmaf(color.x, m, s.x * (1.f - m)) * a;
      pg = fmaf(color.y, m, s.y * (1.f - m)) * a;
      pb = fmaf(color.z, m, s.z * (1.f - m)) * a;
    }
    if (a > 0.0001f) return make4(pr / a, pg / a, pb / a, a);
    return make4(0.f, 0.f, 0.f, 0.f);
  }
};

namespace cuda {
void rounded_corners(const RoundedCorners& f, cudaStream_t stream);
void vignette(const Vignette& f, cudaStream_t stream);
void chroma_key(const ChromaKey& f, cudaStream_t stream);
/// Seeds, distance transform (scratch `b`, canvas = dst's size) and composite into dst.
void stroke(const StrokeSeed& seed, const EdtBuffers& b, const StrokeComposite& c, Pitched<float4> dst,
            cudaStream_t stream);
/// The same transform, writing the squared distances (edt_none: no seed) into `d2` (b.w*b.h).
void stroke_distance(const StrokeSeed& seed, const EdtBuffers& b, std::uint32_t* d2, cudaStream_t stream);
}  // namespace cuda
namespace host {
void rounded_corners(const RoundedCorners& f);
void vignette(const Vignette& f);
void chroma_key(const ChromaKey& f);
void stroke(const StrokeSeed& seed, const EdtBuffers& b, const StrokeComposite& c, Pitched<float4> dst);
void stroke_distance(const StrokeSeed& seed, const EdtBuffers& b, std::uint32_t* d2);
}  // namespace host

}  // namespace imagecuda::detail
