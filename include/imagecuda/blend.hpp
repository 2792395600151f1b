// SPDX-License-Identifier: MIT
/// @file blend.hpp  blend: composite an overlay onto a base in place (PyImageCUDA's Blend), with
/// W3C Compositing Level 1 alpha handling and the full W3C mode set.
///
///   blend::normal(base, logo, {.anchor = blend::Anchor::bottom_right, .offset_x = -20, .offset_y = -20});
///   blend::multiply(base, texture, {.opacity = 0.5f});
///   blend::composite(base, layer, blend::Mode::color_dodge);
///   blend::mask(base, shape, {.mode = blend::MaskMode::alpha});
///
/// Placement: the overlay's top-left corner goes to the anchor point of the base (the reference's
/// floor-divided centring), moved by the offsets (negative too). The overlay may be larger than the
/// base or lie partly or wholly outside it: only base pixels under the overlay change.
///
/// Contract: float4 pixels, straight alpha; base modified in place, any views (crop views
/// included); both on one device; the overlay may be the base itself only at the same position
/// (each pixel then reads itself), any other overlap of what is read and written is an Error; no
/// scratch; deterministic; asynchronous on `ex.stream`.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/blend.hpp"
#include "detail/dispatch.hpp"

namespace imagecuda::blend {

/// Where the overlay is placed on the base before the offsets are added.
enum class Anchor : int {
  top_left,
  top_center,
  top_right,
  center_left,
  center,
  center_right,
  bottom_left,
  bottom_center,
  bottom_right,
};

/// Parameters of the blend modes (normal ... hard_light, composite), with PyImageCUDA's defaults.
struct BlendParams {
  Anchor anchor = Anchor::top_left;
  int offset_x = 0;      ///< pixels, added to the anchored position (negative moves left)
  int offset_y = 0;      ///< pixels, added to the anchored position (negative moves up)
  float opacity = 1.0f;  ///< multiplies the overlay's alpha; not clamped; |opacity| < 1e-6 does nothing
};

/// Parameters of blend::mask, with PyImageCUDA's defaults.
struct MaskParams {
  Anchor anchor = Anchor::top_left;
  int offset_x = 0;
  int offset_y = 0;
  MaskMode mode = MaskMode::luminance;
};

/// Name of a Mode, e.g. "color_dodge".
constexpr std::string_view to_string(Mode m) noexcept {
  constexpr std::string_view names[] = {"normal",     "multiply",   "screen",    "add",     "overlay",
                                        "soft_light", "hard_light", "darken",    "lighten", "color_dodge",
                                        "color_burn", "difference", "exclusion", "hue",     "saturation",
                                        "color",      "luminosity"};
  return int(m) >= 0 && int(m) < mode_count ? names[int(m)] : std::string_view("unknown");
}

}  // namespace imagecuda::blend

namespace imagecuda::detail {

/// The part of the base that a placed overlay covers: base pixel (base_x + i, base_y + j) lies
/// under overlay pixel (overlay_x + i, overlay_y + j) for 0 <= i < width, 0 <= j < height.
struct BlendRegion {
  int base_x = 0, base_y = 0, overlay_x = 0, overlay_y = 0, width = 0, height = 0;
  [[nodiscard]] bool empty() const noexcept { return width <= 0 || height <= 0; }
};

/// Python's floor division by 2.
constexpr std::int64_t floor_half(std::int64_t v) noexcept { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

/// PyImageCUDA's _calculate_position plus its per-pixel clipping, done once on the host.
inline BlendRegion blend_region(int bw, int bh, int ow, int oh, blend::Anchor anchor, int offset_x, int offset_y) {
  using blend::Anchor;
  const int col = int(anchor) % 3;  // 0 left, 1 centre, 2 right
  const int row = int(anchor) / 3;  // 0 top, 1 centre, 2 bottom
  const std::int64_t dx = std::int64_t(bw) - ow, dy = std::int64_t(bh) - oh;
  const std::int64_t px = std::int64_t(offset_x) + (col == 1 ? floor_half(dx) : col == 2 ? dx : 0);
  const std::int64_t py = std::int64_t(offset_y) + (row == 1 ? floor_half(dy) : row == 2 ? dy : 0);
  const std::int64_t x0 = std::max<std::int64_t>(0, px), x1 = std::min<std::int64_t>(bw, px + ow);
  const std::int64_t y0 = std::max<std::int64_t>(0, py), y1 = std::min<std::int64_t>(bh, py + oh);
  if (x1 <= x0 || y1 <= y0) return {};
  return BlendRegion{int(x0), int(y0), int(x0 - px), int(y0 - py), int(x1 - x0), int(y1 - y0)};
}

/// True when the w x h pixels read through `read` (pitch rp) include pixels written through
/// `write` (pitch wp) other than the very same pixel (a race on the GPU). Exact for views that
/// share a pitch (all views of one image); conservative (address ranges) otherwise.
inline bool blend_overlaps(const void* write, std::size_t wp, const void* read, std::size_t rp, int w, int h) {
  const auto a = reinterpret_cast<std::uintptr_t>(write), b = reinterpret_cast<std::uintptr_t>(read);
  const std::uintptr_t row_bytes = std::uintptr_t(w) * sizeof(float4);
  const std::uintptr_t a_end = a + std::uintptr_t(h - 1) * wp + row_bytes;
  const std::uintptr_t b_end = b + std::uintptr_t(h - 1) * rp + row_bytes;
  if (a_end <= b || b_end <= a) return false;  // disjoint memory
  if (wp != rp || wp % sizeof(float4) != 0) return true;
  if (a == b) return false;  // every pixel reads itself
  const std::int64_t diff = std::int64_t(b) - std::int64_t(a);
  if (diff % std::int64_t(sizeof(float4)) != 0) return true;
  // In pixel units: read pixel (i, j) is at d + j*R + i, written pixel (i', j') at j'*R + i'.
  const std::int64_t R = std::int64_t(wp / sizeof(float4)), d = diff / std::int64_t(sizeof(float4));
  const std::int64_t dy = d >= 0 ? d / R : -((-d + R - 1) / R), dx = d - dy * R;  // 0 <= dx < R
  const bool same_row_hit = dx < w && dy > -h && dy < h;
  const bool wrapped_hit = dx + w > R && dy >= -h && dy < h - 1;  // read rows that run into the next row
  return same_row_hit || wrapped_hit;
}

/// Validates the images and the anchor of a blend op.
inline void blend_check(const char* op, const char* overlay_name, ConstImageView<float4> base,
                        ConstImageView<float4> overlay, blend::Anchor anchor) {
  check_view(op, "base", base);
  check_view(op, overlay_name, overlay);
  check_same_device(op, "base", base.device(), overlay_name, overlay.device());
  expects(int(anchor) >= 0 && int(anchor) < 9, ErrorCode::invalid_argument, "{}: unknown anchor {}", op, int(anchor));
}

/// Places and clips the overlay, checks aliasing and launches (arguments already validated).
template <class LaunchCuda, class LaunchHost>
void blend_launch(const char* op, const char* overlay_name, ImageView<float4> base, ConstImageView<float4> overlay,
                  blend::Anchor anchor, int offset_x, int offset_y, const Exec& ex, LaunchCuda on_cuda,
                  LaunchHost on_host) {
  const BlendRegion r =
      blend_region(base.width(), base.height(), overlay.width(), overlay.height(), anchor, offset_x, offset_y);
  if (r.empty()) return;
  const Pitched<float4> b{base.row(r.base_y) + r.base_x, base.pitch(), r.width, r.height};
  const Pitched<const float4> o{overlay.row(r.overlay_y) + r.overlay_x, overlay.pitch(), r.width, r.height};
  expects(!blend_overlaps(b.data, b.pitch, o.data, o.pitch, r.width, r.height), ErrorCode::invalid_argument,
          "{}: {} overlaps the base pixels it is blended onto (an image may be blended onto itself only at the "
          "same position)",
          op, overlay_name);
  dispatch_per_pixel(
      base.device(), [&] { on_cuda(b, o, ex.stream.value()); }, [&] { on_host(b, o); });
}

inline void blend_composite(const char* op, ImageView<float4> base, ConstImageView<float4> overlay, blend::Mode mode,
                            const blend::BlendParams& p, const Exec& ex) {
  blend_check(op, "overlay", base, overlay, p.anchor);
  expects(int(mode) >= 0 && int(mode) < blend::mode_count, ErrorCode::invalid_argument, "{}: unknown mode {}", op,
          int(mode));
  expects(std::isfinite(p.opacity), ErrorCode::invalid_argument, "{}: opacity must be finite, got {}", op, p.opacity);
  if (std::fabs(double(p.opacity)) < 1e-6) return;  // the reference's early-out
  blend_launch(
      op, "overlay", base, overlay, p.anchor, p.offset_x, p.offset_y, ex,
      [&](Pitched<float4> b, Pitched<const float4> o, cudaStream_t s) {
        cuda::blend_composite(b, o, mode, p.opacity, s);
      },
      [&](Pitched<float4> b, Pitched<const float4> o) { host::blend_composite(b, o, mode, p.opacity); });
}

}  // namespace imagecuda::detail

namespace imagecuda::blend {

/// Composites `overlay` onto `base` in place with blend mode `mode` (W3C Compositing Level 1):
///   Sa = overlay.a * opacity,  Oa = Sa + base.a (1 - Sa)
///   Cs' = (1 - base.a) Cs + base.a B(Cb, Cs)
///   base.rgb = (Cs' Sa + Cb base.a (1 - Sa)) / Oa  (0 when Oa <= 1e-6),  base.a = Oa
/// On an opaque base this is PyImageCUDA's formula exactly. Nothing is clamped.
inline void composite(ImageView<float4> base, ConstImageView<float4> overlay, Mode mode, const BlendParams& p = {},
                      const Exec& ex = {}) {
  detail::blend_composite("blend::composite", base, overlay, mode, p, ex);
}

/// B = Cs (plain source-over).
inline void normal(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                   const Exec& ex = {}) {
  detail::blend_composite("blend::normal", base, overlay, Mode::normal, p, ex);
}
/// B = Cb * Cs.
inline void multiply(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                     const Exec& ex = {}) {
  detail::blend_composite("blend::multiply", base, overlay, Mode::multiply, p, ex);
}
/// B = 1 - (1 - Cb)(1 - Cs).
inline void screen(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                   const Exec& ex = {}) {
  detail::blend_composite("blend::screen", base, overlay, Mode::screen, p, ex);
}
/// B = min(Cb + Cs, 1).
inline void add(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                const Exec& ex = {}) {
  detail::blend_composite("blend::add", base, overlay, Mode::add, p, ex);
}
/// B = Cb < 0.5 ? 2 Cb Cs : 1 - 2 (1 - Cb)(1 - Cs).
inline void overlay(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                    const Exec& ex = {}) {
  detail::blend_composite("blend::overlay", base, overlay, Mode::overlay, p, ex);
}
/// B = (1 - 2 Cs) Cb^2 + 2 Cs Cb (Pegtop's soft light, as PyImageCUDA).
inline void soft_light(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                       const Exec& ex = {}) {
  detail::blend_composite("blend::soft_light", base, overlay, Mode::soft_light, p, ex);
}
/// B = Cs < 0.5 ? 2 Cs Cb : 1 - 2 (1 - Cs)(1 - Cb).
inline void hard_light(ImageView<float4> base, ConstImageView<float4> overlay, const BlendParams& p = {},
                       const Exec& ex = {}) {
  detail::blend_composite("blend::hard_light", base, overlay, Mode::hard_light, p, ex);
}

/// Multiplies the base's alpha by the placed mask's alpha or Rec.601 luminance; base pixels the
/// mask does not cover are unchanged.
inline void mask(ImageView<float4> base, ConstImageView<float4> mask, const MaskParams& p = {}, const Exec& ex = {}) {
  using namespace imagecuda::detail;
  expects(p.mode == MaskMode::alpha || p.mode == MaskMode::luminance, ErrorCode::invalid_argument,
          "blend::mask: unknown mode {}", int(p.mode));
  blend_check("blend::mask", "mask", base, mask, p.anchor);
  const MaskOp f{p.mode};
  blend_launch(
      "blend::mask", "mask", base, mask, p.anchor, p.offset_x, p.offset_y, ex,
      [&](Pitched<float4> b, Pitched<const float4> m, cudaStream_t s) { cuda::blend_mask(b, m, f, s); },
      [&](Pitched<float4> b, Pitched<const float4> m) { host::blend_mask(b, m, f); });
}

}  // namespace imagecuda::blend
