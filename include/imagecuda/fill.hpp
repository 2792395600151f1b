// SPDX-License-Identifier: MIT
/// @file fill.hpp  fill: in-place generators. Each writes every pixel of the view it is given.
///
/// Pixel coordinates are the view's integer indices (x, y) with no +0.5, as PyImageCUDA; on a
/// crop_view the pattern is laid out in the view's own coordinates. Every function validates its
/// arguments on the host (Error{invalid_argument}) before any work, then runs asynchronously on
/// the Exec's stream (CUDA) or on the CPU thread pool. The CUDA and CPU backends give identical
/// bits for every function (see detail/fill.hpp, "Bit-reproducible float arithmetic").
#pragma once

#include <cmath>
#include <cstdint>

#include "core/color.hpp"
#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/fill.hpp"

namespace imagecuda::fill {

/// Sets every pixel of `dst` to `rgba` (straight alpha, any finite values kept as given).
inline void color(ImageView<float4> dst, float4 rgba, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  check_view("fill::color", "dst", dst);
  check_finite("fill::color", "rgba", rgba);
  const FillColor f{rgba};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_color(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_color(pitched(dst), f); });
}

/// Direction of fill::gradient (the reference's 'horizontal', 'vertical', 'diagonal', 'radial').
enum class GradientDirection { horizontal = 0, vertical = 1, diagonal = 2, radial = 3 };

struct GradientParams {
  GradientDirection direction = GradientDirection::horizontal;
  /// Mirror the ramp so that it goes rgba1 -> rgba2 -> rgba1 (tiles without a seam).
  bool seamless = false;
};

/// Linear (or radial) ramp from rgba1 to rgba2: px = rgba1 + (rgba2 - rgba1) * t with
/// t = x/(w-1) (horizontal), y/(h-1) (vertical), their mean (diagonal), or
/// min(1, sqrt(nx^2 + ny^2) * sqrt(2)) with nx = x/(w-1) - 0.5, ny = y/(h-1) - 0.5 (radial: 0 at the
/// centre, 1 at the corners). A side of 1 pixel gives t = 0.5 (0 for the radial terms).
inline void gradient(ImageView<float4> dst, float4 rgba1, float4 rgba2, const GradientParams& p = {},
                     const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::gradient";
  check_view(op, "dst", dst);
  check_finite(op, "rgba1", rgba1);
  check_finite(op, "rgba2", rgba2);
  const int dir = static_cast<int>(p.direction);
  expects(dir >= 0 && dir <= 3, ErrorCode::invalid_argument,
          "{}: direction must be horizontal, vertical, diagonal or radial, got {}", op, dir);
  const FillGradient f{rgba1,
                       make4(rgba2.x - rgba1.x, rgba2.y - rgba1.y, rgba2.z - rgba1.z, rgba2.w - rgba1.w),
                       dst.width(),
                       dst.height(),
                       dir,
                       p.seamless};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_gradient(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_gradient(pitched(dst), f); });
}

/// Integer offsets are limited to +-2^30 so that x + offset can never overflow an int.
inline constexpr int max_offset = 1 << 30;

}  // namespace imagecuda::fill

namespace imagecuda::detail {
inline void fill_check_offset(const char* op, const char* arg, int v) {
  expects(v >= -fill::max_offset && v <= fill::max_offset, ErrorCode::invalid_argument,
          "{}: {} must be in [-{}, {}], got {}", op, arg, fill::max_offset, fill::max_offset, v);
}
/// cos and sin of an angle in degrees, computed in double; exact at multiples of 90 degrees so
/// that axis-aligned patterns stay exactly axis-aligned.
inline void fill_cos_sin_degrees(float degrees, float& c, float& s) {
  const double d = std::fmod(double(degrees), 360.0);
  const double q = d / 90.0;
  if (q == std::floor(q)) {
    const int k = (int(q) % 4 + 4) % 4;
    constexpr float cs[4][2] = {{1.f, 0.f}, {0.f, 1.f}, {-1.f, 0.f}, {0.f, -1.f}};
    c = cs[k][0];
    s = cs[k][1];
    return;
  }
  const double r = d * (3.14159265358979323846 / 180.0);
  c = float(std::cos(r));
  s = float(std::sin(r));
}
}  // namespace imagecuda::detail

namespace imagecuda::fill {

struct CheckerboardParams {
  int size = 20;  ///< square side in pixels, > 0
  float4 color1 = rgba(0.8f, 0.8f, 0.8f, 1.f);
  float4 color2 = rgba(0.5f, 0.5f, 0.5f, 1.f);
  int offset_x = 0;  ///< added to x (the pattern moves left as it grows)
  int offset_y = 0;
};

/// Squares of `size` pixels: with sx = x + offset_x, gx = sx/size (C division) minus 1 if sx < 0
/// (likewise gy), px = (gx + gy) % 2 == 0 ? color1 : color2 — PyImageCUDA's integer arithmetic,
/// kept with its quirks on negative coordinates (see docs/fill.md).
inline void checkerboard(ImageView<float4> dst, const CheckerboardParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::checkerboard";
  check_view(op, "dst", dst);
  expects(p.size > 0, ErrorCode::invalid_argument, "{}: size must be > 0, got {}", op, p.size);
  check_finite(op, "color1", p.color1);
  check_finite(op, "color2", p.color2);
  fill_check_offset(op, "offset_x", p.offset_x);
  fill_check_offset(op, "offset_y", p.offset_y);
  const FillCheckerboard f{p.color1, p.color2, p.size, p.offset_x, p.offset_y};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_checkerboard(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_checkerboard(pitched(dst), f); });
}

struct GridParams {
  int spacing = 50;     ///< distance between lines in pixels, > 0
  int line_width = 1;   ///< > 0
  float4 color = rgba(0.5f, 0.5f, 0.5f, 1.f);
  float4 bg_color = rgba(0.f, 0.f, 0.f, 0.f);
  int offset_x = 0;  ///< added to x
  int offset_y = 0;
};

/// Hard-edged grid lines: mx = (x + offset_x) mod spacing (likewise my);
/// px = (mx < line_width || my < line_width) ? color : bg_color.
inline void grid(ImageView<float4> dst, const GridParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::grid";
  check_view(op, "dst", dst);
  expects(p.spacing > 0, ErrorCode::invalid_argument, "{}: spacing must be > 0, got {}", op, p.spacing);
  expects(p.line_width > 0, ErrorCode::invalid_argument, "{}: line_width must be > 0, got {}", op, p.line_width);
  check_finite(op, "color", p.color);
  check_finite(op, "bg_color", p.bg_color);
  fill_check_offset(op, "offset_x", p.offset_x);
  fill_check_offset(op, "offset_y", p.offset_y);
  const FillGrid f{p.color, p.bg_color, p.spacing, p.line_width, p.offset_x, p.offset_y};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_grid(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_grid(pitched(dst), f); });
}

struct StripesParams {
  float angle = 45.f;  ///< degrees; 0 gives vertical stripes, the normal turns clockwise as it grows
  int spacing = 40;    ///< period in pixels, > 0
  int width = 20;      ///< stripe width in pixels, >= 0
  float4 color1 = rgba(1.f, 1.f, 1.f, 1.f);  ///< the stripe
  float4 color2 = rgba(0.f, 0.f, 0.f, 0.f);  ///< the gap
  int offset = 0;  ///< added to the position along the normal
};

/// Anti-aliased stripes: pos = x*cos(angle) + y*sin(angle) + offset, t = pos mod spacing in
/// [0, spacing); m = min(rising edge at 0, falling edge at width) with 1-pixel smoothstep ramps;
/// px = color2*(1-m) + color1*m.
inline void stripes(ImageView<float4> dst, const StripesParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::stripes";
  check_view(op, "dst", dst);
  check_finite(op, "angle", p.angle);
  expects(p.spacing > 0, ErrorCode::invalid_argument, "{}: spacing must be > 0, got {}", op, p.spacing);
  expects(p.width >= 0, ErrorCode::invalid_argument, "{}: width must be >= 0, got {}", op, p.width);
  check_finite(op, "color1", p.color1);
  check_finite(op, "color2", p.color2);
  fill_check_offset(op, "offset", p.offset);
  FillStripes f{};
  f.c1 = p.color1;
  f.c2 = p.color2;
  fill_cos_sin_degrees(p.angle, f.cos_a, f.sin_a);
  f.spacing = float(p.spacing);
  f.offset = float(p.offset);
  f.spacing_m1 = f.spacing - 1.f;
  f.inv_wrap = 1.f / ((f.spacing + 1.f) - f.spacing);
  const float width = float(p.width);
  f.down_e0 = width - 1.f;
  f.down_inv = 1.f / ((width + 1.f) - (width - 1.f));
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_stripes(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_stripes(pitched(dst), f); });
}

struct DotsParams {
  int spacing = 40;      ///< cell size in pixels, > 0
  float radius = 10.f;   ///< >= 0
  float4 color = rgba(1.f, 1.f, 1.f, 1.f);
  float4 bg_color = rgba(0.f, 0.f, 0.f, 0.f);
  int offset_x = 0;  ///< SUBTRACTED from x (the reference's convention, unlike checkerboard and grid)
  int offset_y = 0;
  float softness = 0.f;  ///< >= 0; edge half-width = softness*radius, or 0.5 px when 0
};

/// A dot centred in every spacing x spacing cell: mx = fmod(x - offset_x, spacing) (+spacing if
/// negative), d = |(mx, my) - spacing/2|, e = softness > 0 ? softness*radius : 0.5,
/// px = lerp(bg_color, color, 1 - smoothstep(radius - e, radius + e, d)).
inline void dots(ImageView<float4> dst, const DotsParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::dots";
  check_view(op, "dst", dst);
  expects(p.spacing > 0, ErrorCode::invalid_argument, "{}: spacing must be > 0, got {}", op, p.spacing);
  check_finite(op, "radius", p.radius);
  expects(p.radius >= 0.f, ErrorCode::invalid_argument, "{}: radius must be >= 0, got {}", op, p.radius);
  check_finite(op, "color", p.color);
  check_finite(op, "bg_color", p.bg_color);
  fill_check_offset(op, "offset_x", p.offset_x);
  fill_check_offset(op, "offset_y", p.offset_y);
  check_finite(op, "softness", p.softness);
  expects(p.softness >= 0.f, ErrorCode::invalid_argument, "{}: softness must be >= 0, got {}", op, p.softness);
  const float edge = p.softness > 0.f ? p.softness * p.radius : 0.5f;
  FillDots f{};
  f.dot = p.color;
  f.bg = p.bg_color;
  f.spacing = p.spacing;
  f.off_x = p.offset_x;
  f.off_y = p.offset_y;
  f.half = float(p.spacing) * 0.5f;
  f.e0 = p.radius - edge;
  f.inv = 1.f / ((p.radius + edge) - (p.radius - edge));
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_dots(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_dots(pitched(dst), f); });
}

struct CircleParams {
  float4 color = rgba(1.f, 1.f, 1.f, 1.f);
  float4 bg_color = rgba(0.f, 0.f, 0.f, 0.f);
  float softness = 0.f;  ///< >= 0; edge half-width = softness*r, or 0.5 px when 0
};

/// The largest centred disc: centre (w/2, h/2), r = min(w, h)/2, d = |(x, y) - centre|,
/// e = softness > 0 ? softness*r : 0.5, px = lerp(bg_color, color, 1 - smoothstep(r - e, r + e, d)).
inline void circle(ImageView<float4> dst, const CircleParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::circle";
  check_view(op, "dst", dst);
  check_finite(op, "color", p.color);
  check_finite(op, "bg_color", p.bg_color);
  check_finite(op, "softness", p.softness);
  expects(p.softness >= 0.f, ErrorCode::invalid_argument, "{}: softness must be >= 0, got {}", op, p.softness);
  const float w = float(dst.width()), h = float(dst.height());
  const float r = std::fmin(w, h) / 2.f;
  const float edge = p.softness > 0.f ? p.softness * r : 0.5f;
  const FillCircle f{p.color, p.bg_color, w / 2.f, h / 2.f, r - edge, 1.f / ((r + edge) - (r - edge))};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_circle(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_circle(pitched(dst), f); });
}

struct NoiseParams {
  float seed = 0.f;        ///< any finite value; every bit of it changes the pattern (-0 == +0)
  bool monochrome = true;  ///< R = G = B, else G and B use seed+1 and seed+2
};

/// Uniform white noise in [0, 1) (steps of 2^-23), alpha 1: R = hash(x, y, seed),
/// G = B = R (monochrome) or hash(x, y, seed + 1), hash(x, y, seed + 2). The hash is an integer
/// one (lowbias32 of the coordinates and the seed's bits): identical bits on every device.
inline void noise(ImageView<float4> dst, const NoiseParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::noise";
  check_view(op, "dst", dst);
  check_finite(op, "seed", p.seed);
  const FillNoise f{fill_seed_bits(p.seed), fill_seed_bits(p.seed + 1.f), fill_seed_bits(p.seed + 2.f), p.monochrome};
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_noise(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_noise(pitched(dst), f); });
}

struct PerlinParams {
  float scale = 50.f;  ///< lattice cell size in pixels; <= 0 becomes 0.001 (as the reference)
  float seed = 0.f;    ///< octave i uses seed + i*13.5
  int octaves = 1;     ///< <= 32; <= 0 gives color2 everywhere (as the reference)
  float persistence = 0.5f;  ///< amplitude factor per octave
  float lacunarity = 2.f;    ///< frequency factor per octave
  float offset_x = 0.f;      ///< added to x before scaling
  float offset_y = 0.f;
  float4 color1 = rgba(0.f, 0.f, 0.f, 1.f);  ///< at noise value -1
  float4 color2 = rgba(1.f, 1.f, 1.f, 1.f);  ///< at noise value +1
};

/// Fractal (fBm) gradient noise: u = (x + offset_x)/scale, v = (y + offset_y)/scale;
/// total = sum_i perlin(u*f_i, v*f_i, seed + i*13.5) * a_i with f_i = lacunarity^i,
/// a_i = persistence^i; val = clamp(total / sum(a_i) * 0.5 + 0.5, 0, 1);
/// px = color1*(1-val) + color2*val. perlin() is the classic 2-D gradient noise with the fade
/// t^3(t(6t-15)+10) and random unit gradients at the lattice corners.
inline void perlin(ImageView<float4> dst, const PerlinParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::perlin";
  check_view(op, "dst", dst);
  check_finite(op, "scale", p.scale);
  check_finite(op, "seed", p.seed);
  expects(p.octaves <= FillPerlin::max_octaves, ErrorCode::invalid_argument, "{}: octaves must be <= {}, got {}",
          op, FillPerlin::max_octaves, p.octaves);
  check_finite(op, "persistence", p.persistence);
  check_finite(op, "lacunarity", p.lacunarity);
  check_finite(op, "offset_x", p.offset_x);
  check_finite(op, "offset_y", p.offset_y);
  check_finite(op, "color1", p.color1);
  check_finite(op, "color2", p.color2);
  FillPerlin f{};
  f.c1 = p.color1;
  f.c2 = p.color2;
  const float scale = p.scale <= 0.f ? 0.001f : p.scale;
  f.inv_scale = float(1.0 / double(scale));
  f.off_x = p.offset_x;
  f.off_y = p.offset_y;
  f.persistence = p.persistence;
  f.lacunarity = p.lacunarity;
  f.octaves = p.octaves;
  for (int i = 0; i < p.octaves; ++i) f.seed[i] = fill_seed_bits(p.seed + float(i) * 13.5f);
  dispatch(dst.device(), [&] { cuda::fill_perlin(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_perlin(pitched(dst), f); });
}

struct NgonParams {
  int sides = 3;  ///< >= 3
  float4 color = rgba(1.f, 1.f, 1.f, 1.f);
  float4 bg_color = rgba(0.f, 0.f, 0.f, 0.f);
  float rotation = 0.f;  ///< degrees, clockwise on screen; 0 puts a vertex at the top
  float softness = 0.f;  ///< >= 0; edge half-width = softness*R, or 0.5 px when 0
};

/// Regular polygon with circumradius R = min(w, h)/2 centred at (w/2, h/2), from its signed
/// distance: the point is rotated by -rotation, its angle from +y picks the nearest edge normal,
/// sdf = |p|*cos(angle - sector) - R*cos(pi/sides); px = lerp(bg, color, 1 - smoothstep(-e, e, sdf)).
inline void ngon(ImageView<float4> dst, const NgonParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  constexpr const char* op = "fill::ngon";
  check_view(op, "dst", dst);
  expects(p.sides >= 3, ErrorCode::invalid_argument, "{}: sides must be >= 3, got {}", op, p.sides);
  check_finite(op, "color", p.color);
  check_finite(op, "bg_color", p.bg_color);
  check_finite(op, "rotation", p.rotation);
  check_finite(op, "softness", p.softness);
  expects(p.softness >= 0.f, ErrorCode::invalid_argument, "{}: softness must be >= 0, got {}", op, p.softness);
  const float w = float(dst.width()), h = float(dst.height());
  const float radius = std::fmin(w, h) / 2.f;
  const float edge = p.softness > 0.f ? p.softness * radius : 0.5f;
  constexpr double two_pi = 6.28318530717958647692;
  FillNgon f{};
  f.color = p.color;
  f.bg = p.bg_color;
  f.cx = w / 2.f;
  f.cy = h / 2.f;
  float c = 1.f, s = 0.f;
  fill_cos_sin_degrees(p.rotation, c, s);
  f.cos_r = c;   // cos(-rotation)
  f.sin_r = -s;  // sin(-rotation)
  f.slice = float(two_pi / double(p.sides));
  f.inv_slice = float(double(p.sides) / two_pi);
  f.apothem = radius * float(std::cos(two_pi / 2.0 / double(p.sides)));
  f.e0 = -edge;
  f.inv = 1.f / (edge - (-edge));
  dispatch_per_pixel(dst.device(), [&] { cuda::fill_ngon(pitched(dst), f, ex.stream.value()); },
           [&] { host::fill_ngon(pitched(dst), f); });
}

}  // namespace imagecuda::fill
