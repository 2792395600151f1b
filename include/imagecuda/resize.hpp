// SPDX-License-Identifier: MIT
/// @file resize.hpp  resize: nearest, bilinear, bicubic, lanczos (antialiased downscaling by
/// default, PyImageCUDA's point sampling with `.antialias = false`), and fit for thumbnails.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "core/image.hpp"
#include "core/workspace.hpp"
#include "detail/dispatch.hpp"
#include "detail/resize.hpp"
#include "detail/transform.hpp"
#include "detail/transfer.hpp"

namespace imagecuda {

/// The four samplers of resize, rotate and zoom (PyImageCUDA's 'nearest' ... 'lanczos'), and
/// area, a box filter for resize only: each output pixel is the source area it covers,
/// averaged (OpenCV's INTER_AREA; NPP's SUPER when reducing).
enum class Interpolation { nearest = 0, bilinear = 1, bicubic = 2, lanczos = 3, area = 4 };

namespace resize {

using Interpolation = imagecuda::Interpolation;

/// Parameters of resize::nearest / bilinear / bicubic / lanczos.
struct ResizeParams {
  /// Output width; omitted: kept in proportion, int(src.w * (height / src.h)) (truncation).
  std::optional<int> width = std::nullopt;
  /// Output height; omitted: int(src.h * (width / src.w)). At least one must be given.
  std::optional<int> height = std::nullopt;
  /// Downscaling widens the filter by the scale factor (Pillow/libvips); false: the reference's
  /// point sampling (aliases on large reductions). Ignored by nearest, which never filters.
  bool antialias = true;
};
using NearestParams = ResizeParams;
using BilinearParams = ResizeParams;
using BicubicParams = ResizeParams;
using LanczosParams = ResizeParams;

/// How resize::fit maps the source into the width x height box.
enum class Fit {
  contain,  ///< whole source, aspect kept, centred; the empty bands are transparent (0,0,0,0)
  cover,    ///< box filled, aspect kept; the source's centre is cropped to the box's aspect
  fill      ///< stretched to the box (aspect not kept)
};

struct Size {
  int width = 0;
  int height = 0;
};

namespace detail {
using namespace imagecuda::detail;

inline SampleMode mode_of(Interpolation i) { return static_cast<SampleMode>(static_cast<int>(i)); }

/// `with_area`: resize's functions accept Interpolation::area; rotate and the transforms do not.
inline void check_interpolation(const char* op, Interpolation i, bool with_area = true) {
  const int v = static_cast<int>(i);
  expects(v >= 0 && v <= 4, ErrorCode::invalid_argument,
          "{}: interpolation must be nearest, bilinear, bicubic, lanczos or area, got {}", op, v);
  expects(with_area || i != Interpolation::area, ErrorCode::invalid_argument,
          "{}: interpolation area is a resize filter (it averages the source area each output pixel covers); "
          "use bilinear, bicubic or lanczos",
          op);
}

inline void check_dimension(const char* op, const char* arg, long long v) {
  expects(v >= 1, ErrorCode::invalid_argument, "{}: {} must be positive, got {}", op, arg, v);
  expects(v <= max_dimension, ErrorCode::invalid_argument, "{}: {} must be <= {}, got {}", op, arg, max_dimension, v);
}

/// The reference's output size: omitted sides follow the aspect with truncation.
inline Size output_size(const char* op, int sw, int sh, std::optional<int> w, std::optional<int> h) {
  expects(w.has_value() || h.has_value(), ErrorCode::invalid_argument,
          "{}: at least one of width or height must be specified", op);
  if (w) check_dimension(op, "width", *w);
  if (h) check_dimension(op, "height", *h);
  Size s{w.value_or(0), h.value_or(0)};
  if (!h) {
    const double v = std::floor(double(sh) * (double(*w) / double(sw)));
    expects(v >= 1 && v <= max_dimension, ErrorCode::invalid_argument,
            "{}: the height kept in proportion ({}) must be in 1..{}", op, v, max_dimension);
    s.height = int(v);
  }
  if (!w) {
    const double v = std::floor(double(sw) * (double(*h) / double(sh)));
    expects(v >= 1 && v <= max_dimension, ErrorCode::invalid_argument,
            "{}: the width kept in proportion ({}) must be in 1..{}", op, v, max_dimension);
    s.width = int(v);
  }
  return s;
}

/// True when (sw, sh) -> (dw, dh) is an antialiased reduction (the filter widened by the scale),
/// or any area resize (area weights at every scale, whatever `antialias` says).
inline bool filtered(int sw, int sh, int dw, int dh, SampleMode m, bool antialias) {
  if (m == SampleMode::area) return sw != dw || sh != dh;
  return antialias && m != SampleMode::nearest && (sw > dw || sh > dh);
}
/// True when an area resize reduces both axes by integer factors (dw divides sw, dh divides sh):
/// every output pixel is the mean of one kx x ky block (AreaBlocks: no weight tables, each source
/// pixel read once; the same sums in the same order as the tables' path).
inline bool area_blocks(int sw, int sh, int dw, int dh, SampleMode m) {
  return m == SampleMode::area && sw % dw == 0 && sh % dh == 0 && (sw != dw || sh != dh) &&
         cuda::resize_area_variant() != 1;
}
/// True when resize runs from per-column/per-row weight tables: every bicubic and lanczos
/// resize (the reference's separable weights computed once per column and row instead of per
/// pixel) and antialiased bilinear reductions. Nearest and point bilinear sample directly.
inline bool tabled(int sw, int sh, int dw, int dh, SampleMode m, bool antialias) {
  if (sw == dw && sh == dh) return false;
  return m == SampleMode::bicubic || m == SampleMode::lanczos || filtered(sw, sh, dw, dh, m, antialias);
}

/// True when a tabled resize runs in two passes (horizontal sums of every source row into an
/// intermediate dst_w x src_h image in the scratch, then the vertical sums): antialiased
/// reductions by more than 3x on an axis, where the one-pass tiles would filter many source
/// rows several times (or not fit in shared memory), unless the width grows (the intermediate
/// is then never larger than the source). Same sums in the same order either way.
inline bool two_pass(int sw, int sh, int dw, int dh, SampleMode m, bool antialias) {
  if (!tabled(sw, sh, dw, dh, m, antialias) || !filtered(sw, sh, dw, dh, m, antialias) || dw > sw) return false;
  return double(sw) > 3.0 * double(dw) || double(sh) > 3.0 * double(dh);
}

/// Scratch layout of the weight tables (x tap-major, y row-major, see ResizeAxisTable) and,
/// in the two-pass form, the intermediate image; the same add() sequence sizes and carves.
struct TableLayout {
  std::size_t fx = 0, wx = 0, fy = 0, wy = 0, mid = 0, total = 0;
  int kx = 0, ky = 0;
  bool point = true, two = false;
  TableLayout(int sw, int sh, int dw, int dh, SampleMode m, bool antialias) {
    point = !filtered(sw, sh, dw, dh, m, antialias);
    two = two_pass(sw, sh, dw, dh, m, antialias);
    const float scx = float(sw) / float(dw), scy = float(sh) / float(dh);
    kx = AxisFilter::tap_count(m, scx, point);
    ky = AxisFilter::tap_count(m, scy, point);
    if (!point) {  // never more taps than the source has
      kx = std::min(kx, sw);
      ky = std::min(ky, sh);
    }
    WorkspaceLayout l;
    fx = l.add<int>(std::size_t(dw));
    wx = l.add<float>(std::size_t(dw) * std::size_t(kx));
    fy = l.add<int>(std::size_t(dh));
    wy = l.add<float>(std::size_t(dh) * std::size_t(ky));
    if (two) mid = l.add<float4>(std::size_t(dw) * std::size_t(sh));
    total = l.total();
  }
};

/// Resamples all of `src` into the view `d` (any size). Shared by the four functions and fit.
inline void resample(const char* op, ConstImageView<float4> src, ImageView<float4> d, SampleMode m, bool antialias,
                     const Exec& ex) {
  const int sw = src.width(), sh = src.height(), dw = d.width(), dh = d.height();
  const Device dev = src.device();
  if (sw == dw && sh == dh) {
    if (src.data() != d.data())
      copy_2d(dev, d.data(), d.pitch(), src.data(), src.pitch(), std::size_t(dw) * sizeof(float4), dh, ex.stream);
    return;
  }
  const auto out = pitched(d);
  const float scx = float(sw) / float(dw), scy = float(sh) / float(dh);
  if (!tabled(sw, sh, dw, dh, m, antialias)) {
    const ResizeSample f{Sampler{pitched(src), m}, scx, scy};
    dispatch(dev, [&] { cuda::resize_sample(out, f, ex.stream.value()); }, [&] { host::resize_sample(out, f); });
    return;
  }
  if (area_blocks(sw, sh, dw, dh, m)) {
    const int kx = sw / dw, ky = sh / dh;
    const AreaBlocks f{pitched(src), kx, ky, 1.f / float(kx), 1.f / float(ky)};
    dispatch(dev, [&] { cuda::resize_area_blocks(out, f, ex.stream.value()); }, [&] { host::resize_area_blocks(out, f); });
    return;
  }
  const TableLayout t(sw, sh, dw, dh, m, antialias);
  Scratch scratch(op, dev, t.total, ex);
  const ResizeAxisTable tx{AxisFilter{m, scx, sw, t.kx, t.point}, scratch.at<int>(t.fx), scratch.at<float>(t.wx), 1,
                           std::size_t(dw)};
  const ResizeAxisTable ty{AxisFilter{m, scy, sh, t.ky, t.point}, scratch.at<int>(t.fy), scratch.at<float>(t.wy),
                           std::size_t(t.ky), 1};
  const ResizeFiltered f{pitched(src), tx.first, tx.weights, t.kx, dw, ty.first, ty.weights, t.ky,
                         m == SampleMode::lanczos};
  const Pitched<float4> mid{t.two ? scratch.at<float4>(t.mid) : nullptr, std::size_t(dw) * sizeof(float4), dw, sh};
  dispatch(
      dev,
      [&] {
        cuda::resize_axis_tables(dw, tx, dh, ty, ex.stream.value());
        if (t.two)
          cuda::resize_two_pass(out, f, mid, scx, ex.stream.value());
        else
          cuda::resize_filtered(out, f, scy, ex.stream.value());
      },
      [&] {
        host::resize_axis_tables(dw, tx, dh, ty);
        if (t.two)
          host::resize_two_pass(out, f, mid);
        else
          host::resize_filtered(out, f);
      });
}

inline void check_no_overlap(const char* op, ConstImageView<float4> src, const ImageF32& dst) {
  expects(!overlaps(src, dst), ErrorCode::invalid_argument, "{}: dst must not overlap src", op);
}

inline void run(const char* op, ConstImageView<float4> src, ImageF32& dst, Interpolation i, const ResizeParams& p,
                const Exec& ex) {
  check_interpolation(op, i);
  check_view(op, "src", src);
  check_image(op, "dst", dst);
  const Size s = output_size(op, src.width(), src.height(), p.width, p.height);
  if (!(s.width == src.width() && s.height == src.height() && src.data() == dst.view().data()))
    check_no_overlap(op, src, dst);
  prepare_dst(op, dst, s.width, s.height, src.device(), ex.stream);
  resample(op, src, dst.view(), mode_of(i), p.antialias, ex);
}

inline ImageF32 run_new(const char* op, ConstImageView<float4> src, Interpolation i, const ResizeParams& p,
                        const Exec& ex) {
  check_interpolation(op, i);
  check_view(op, "src", src);
  const Size s = output_size(op, src.width(), src.height(), p.width, p.height);
  ImageF32 out(s.width, s.height, src.device(), ex.stream);
  run(op, src, out, i, p, ex);
  return out;
}
}  // namespace detail

/// The output size resize gives `src_w` x `src_h` for (width, height) (omitted sides follow the
/// aspect with the reference's truncation). Throws like the resize functions.
[[nodiscard]] inline Size output_size(int src_w, int src_h, std::optional<int> width, std::optional<int> height) {
  detail::check_dimension("resize::output_size", "src width", src_w);
  detail::check_dimension("resize::output_size", "src height", src_h);
  return detail::output_size("resize::output_size", src_w, src_h, width, height);
}

/// Scratch one resize of src_w x src_h to dst_w x dst_h needs: the per-column and per-row
/// weight tables (at most a few hundred KB; 0 for nearest and point bilinear), plus for an
/// antialiased reduction by more than 3x an intermediate image of dst_w x src_h float4 (the
/// two-pass form: 8.8 MB for 3840x2160 -> 256x144). With it in the Exec's workspace: no allocation.
[[nodiscard]] inline WorkspaceRequirements resize_requirements(int src_w, int src_h, int dst_w, int dst_h,
                                                               Interpolation interpolation = Interpolation::bilinear,
                                                               bool antialias = true) {
  detail::check_dimension("resize::resize_requirements", "src_w", src_w);
  detail::check_dimension("resize::resize_requirements", "src_h", src_h);
  detail::check_dimension("resize::resize_requirements", "dst_w", dst_w);
  detail::check_dimension("resize::resize_requirements", "dst_h", dst_h);
  const auto m = detail::mode_of(interpolation);
  if (!detail::tabled(src_w, src_h, dst_w, dst_h, m, antialias) || detail::area_blocks(src_w, src_h, dst_w, dst_h, m))
    return {};
  return {detail::TableLayout(src_w, src_h, dst_w, dst_h, m, antialias).total};
}

/// resize with any sampler into `dst` (its logical size becomes the output size).
inline void resize(ConstImageView<float4> src, ImageF32& dst, Interpolation interpolation, const ResizeParams& p,
                   const Exec& ex = {}) {
  detail::run("resize::resize", src, dst, interpolation, p, ex);
}
[[nodiscard]] inline ImageF32 resize(ConstImageView<float4> src, Interpolation interpolation, const ResizeParams& p,
                                     const Exec& ex = {}) {
  return detail::run_new("resize::resize", src, interpolation, p, ex);
}

/// nearest: ix = (int)floorf(sx + 0.5) clamped, sx = (dx + 0.5) * sw/dw - 0.5. Never filtered.
inline void nearest(ConstImageView<float4> src, ImageF32& dst, const ResizeParams& p, const Exec& ex = {}) {
  detail::run("resize::nearest", src, dst, Interpolation::nearest, p, ex);
}
[[nodiscard]] inline ImageF32 nearest(ConstImageView<float4> src, const ResizeParams& p, const Exec& ex = {}) {
  return detail::run_new("resize::nearest", src, Interpolation::nearest, p, ex);
}
/// bilinear: the reference's clamped-coordinate lerp; antialiased downscale with a tent of
/// support = scale.
inline void bilinear(ConstImageView<float4> src, ImageF32& dst, const ResizeParams& p, const Exec& ex = {}) {
  detail::run("resize::bilinear", src, dst, Interpolation::bilinear, p, ex);
}
[[nodiscard]] inline ImageF32 bilinear(ConstImageView<float4> src, const ResizeParams& p, const Exec& ex = {}) {
  return detail::run_new("resize::bilinear", src, Interpolation::bilinear, p, ex);
}
/// bicubic: Keys a = -0.5, out-of-image taps skipped and renormalised, not clamped.
inline void bicubic(ConstImageView<float4> src, ImageF32& dst, const ResizeParams& p, const Exec& ex = {}) {
  detail::run("resize::bicubic", src, dst, Interpolation::bicubic, p, ex);
}
[[nodiscard]] inline ImageF32 bicubic(ConstImageView<float4> src, const ResizeParams& p, const Exec& ex = {}) {
  return detail::run_new("resize::bicubic", src, Interpolation::bicubic, p, ex);
}
/// lanczos: 6x6 lanczos-3, out-of-image taps skipped, normalised and clamped to [0,1].
inline void lanczos(ConstImageView<float4> src, ImageF32& dst, const ResizeParams& p, const Exec& ex = {}) {
  detail::run("resize::lanczos", src, dst, Interpolation::lanczos, p, ex);
}
[[nodiscard]] inline ImageF32 lanczos(ConstImageView<float4> src, const ResizeParams& p, const Exec& ex = {}) {
  return detail::run_new("resize::lanczos", src, Interpolation::lanczos, p, ex);
}
/// area: each output pixel is the mean of the source area it covers, partly covered pixels
/// weighted by the covered fraction (area_weight in detail/sampler.hpp), on premultiplied colour.
/// Every source pixel counts once (thumbnails, mip levels); sharper than the antialiased tent,
/// with more moire on fine periodic detail. By an integer factor k it is the mean of each k x k
/// block. Upscaling gives nearest-neighbour blocks with a one-pixel blend between them.
/// `antialias` is ignored (the filter is the footprint itself).
inline void area(ConstImageView<float4> src, ImageF32& dst, const ResizeParams& p, const Exec& ex = {}) {
  detail::run("resize::area", src, dst, Interpolation::area, p, ex);
}
[[nodiscard]] inline ImageF32 area(ConstImageView<float4> src, const ResizeParams& p, const Exec& ex = {}) {
  return detail::run_new("resize::area", src, Interpolation::area, p, ex);
}

namespace detail {
/// Where fit puts the source: the source rectangle read and the box rectangle written.
struct FitPlan {
  int sx = 0, sy = 0, sw = 0, sh = 0;  // source rectangle
  int dx = 0, dy = 0, dw = 0, dh = 0;  // rectangle of the box it fills
};
inline FitPlan fit_plan(const char* op, int sw, int sh, int width, int height, Fit fit) {
  check_dimension(op, "width", width);
  check_dimension(op, "height", height);
  const int fv = static_cast<int>(fit);
  expects(fv >= 0 && fv <= 2, ErrorCode::invalid_argument, "{}: fit must be contain, cover or fill, got {}", op, fv);
  FitPlan p{0, 0, sw, sh, 0, 0, width, height};
  if (fit == Fit::contain) {
    const double s = std::min(double(width) / sw, double(height) / sh);
    p.dw = std::clamp(int(std::lround(sw * s)), 1, width);
    p.dh = std::clamp(int(std::lround(sh * s)), 1, height);
    p.dx = (width - p.dw) / 2;
    p.dy = (height - p.dh) / 2;
  } else if (fit == Fit::cover) {
    const double s = std::max(double(width) / sw, double(height) / sh);
    p.sw = std::clamp(int(std::lround(width / s)), 1, sw);
    p.sh = std::clamp(int(std::lround(height / s)), 1, sh);
    p.sx = (sw - p.sw) / 2;
    p.sy = (sh - p.sh) / 2;
  }
  return p;
}
}  // namespace detail

/// Thumbnail into a width x height box (dst's logical size becomes width x height).
/// contain: the whole source scaled by min(W/sw, H/sh), centred, the rest transparent (0,0,0,0);
/// cover: scaled by max(W/sw, H/sh), the centre of the source cropped to the box;
/// fill: stretched. Antialiased like the resize functions.
inline void fit(ConstImageView<float4> src, ImageF32& dst, int width, int height, Fit fit = Fit::contain,
                Interpolation interpolation = Interpolation::bilinear, const Exec& ex = {}) {
  constexpr const char* op = "resize::fit";
  detail::check_interpolation(op, interpolation);
  imagecuda::detail::check_view(op, "src", src);
  const auto plan = detail::fit_plan(op, src.width(), src.height(), width, height, fit);
  imagecuda::detail::check_image(op, "dst", dst);
  detail::check_no_overlap(op, src, dst);
  imagecuda::detail::prepare_dst(op, dst, width, height, src.device(), ex.stream);
  auto d = dst.view();
  const auto out = imagecuda::detail::pitched(d);
  if (plan.dw != width || plan.dh != height) {  // letterbox: clear the box first (a crop far outside src)
    const imagecuda::detail::CropPad none{imagecuda::detail::pitched(src), -width, 0};
    imagecuda::detail::dispatch(
        src.device(), [&] { imagecuda::detail::cuda::crop(out, none, ex.stream.value()); },
        [&] { imagecuda::detail::host::crop(out, none); });
  }
  detail::resample(op, src.crop(plan.sx, plan.sy, plan.sw, plan.sh), d.crop(plan.dx, plan.dy, plan.dw, plan.dh),
                   detail::mode_of(interpolation), true, ex);
}
[[nodiscard]] inline ImageF32 fit(ConstImageView<float4> src, int width, int height, Fit fit = Fit::contain,
                                  Interpolation interpolation = Interpolation::bilinear, const Exec& ex = {}) {
  constexpr const char* op = "resize::fit";
  detail::check_interpolation(op, interpolation);
  imagecuda::detail::check_view(op, "src", src);
  (void)detail::fit_plan(op, src.width(), src.height(), width, height, fit);
  ImageF32 out(width, height, src.device(), ex.stream);
  resize::fit(src, out, width, height, fit, interpolation, ex);
  return out;
}

/// Scratch resize::fit needs (see resize_requirements).
[[nodiscard]] inline WorkspaceRequirements fit_requirements(int src_w, int src_h, int width, int height,
                                                            Fit fit = Fit::contain,
                                                            Interpolation interpolation = Interpolation::bilinear) {
  const auto p = detail::fit_plan("resize::fit_requirements", src_w, src_h, width, height, fit);
  return resize_requirements(p.sw, p.sh, p.dw, p.dh, interpolation, true);
}

}  // namespace resize
}  // namespace imagecuda
