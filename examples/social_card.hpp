// SPDX-License-Identifier: MIT
/// @file social_card.hpp  The social-card pipeline of issue #10, written once and shared by
/// examples/social_card.cpp, benchmarks/pipeline.cpp and tests/test_pipeline.cpp (the steps are
/// those of docs/pipeline.md, numbered as there); and the generator of the photo-like test
/// pictures (examples/make_test_photo.cpp, `imagecuda_pipeline --make-photos`).
///
/// A CardRenderer owns everything one card needs on one stream: a Workspace sized from the ops'
/// *_requirements, destination images with capacity for the largest photo, the text layers. After
/// construction, rendering a card allocates nothing on the device (memory_stats() stays flat).
#pragma once

#include <imagecuda/imagecuda.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace social_card {

namespace ic = imagecuda;

// ---------------------------------------------------------------------------------------------
// The card's definition (docs/pipeline.md; the same numbers as benchmarks/compare/).
// ---------------------------------------------------------------------------------------------
inline constexpr int card_width = 1200;
inline constexpr int card_height = 630;
inline constexpr int background_blur = 24;              // gaussian radius (sigma = radius / 3)
inline constexpr float background_brightness = -0.25f;  // PyImageCUDA's adjust_brightness
inline constexpr float4 overlay_left = {0.02f, 0.03f, 0.08f, 0.85f};
inline constexpr float4 overlay_right = {0.02f, 0.03f, 0.08f, 0.0f};
inline constexpr int inset_size = 440;
inline constexpr float inset_corner_radius = 36.f;
inline constexpr ic::effect::DropShadowParams inset_shadow{
    .offset_x = 0, .offset_y = 14, .blur = 24, .color = {0.f, 0.f, 0.f, 0.55f}, .expand = true};
inline constexpr int inset_offset_x = -70;  // from the right edge, vertically centred
inline constexpr std::string_view title_text = "Rendering 1,000 cards a second on one GPU";
inline constexpr std::string_view subtitle_text = "imagecuda \xC2\xB7 C++20 \xC2\xB7 CUDA";  // U+00B7 middle dots
inline constexpr int title_x = 70, title_y = 150, subtitle_x = 70, subtitle_y = 460;
inline constexpr int jpeg_quality = 90;

#if defined(IMAGECUDA_HAS_TEXT)
inline ic::text::TextParams title_params() {
  return {.font = "DejaVu Sans Bold", .size = 54.f, .color = ic::rgba(1.f, 1.f, 1.f, 1.f), .max_width = 620};
}
inline ic::text::TextParams subtitle_params() {
  return {.font = "DejaVu Sans", .size = 30.f, .color = ic::rgba(0.85f, 0.88f, 0.95f, 1.f)};
}
#endif

/// Whether the text is rendered for every card (the honest cost), once per renderer and reused
/// (the text is the same on every card), or not at all.
enum class TextMode { per_card, cached, none };

struct RendererOptions {
  int max_photo_width = 1920;   ///< capacity of the photo images: larger photos throw
  int max_photo_height = 1280;
  TextMode text = TextMode::per_card;  ///< without IMAGECUDA_HAS_TEXT: always none
};

/// Renders cards on one stream. Not thread-safe: one per host thread.
class CardRenderer {
 public:
  CardRenderer(ic::Device device, ic::Stream stream, const RendererOptions& o = {})
      : device_(device),
        stream_(stream),
        options_(o),
        ws_(requirements(o), device, stream),
        photo8_(o.max_photo_width, o.max_photo_height, device, stream),
        photo_(o.max_photo_width, o.max_photo_height, device, stream),
        card_(card_width, card_height, device, stream),
        overlay_(card_width, card_height, device, stream),
        inset_(inset_size, inset_size, device, stream),
        shadowed_(shadow_canvas().width, shadow_canvas().height, device, stream),
        card8_(card_width, card_height, device, stream) {
#if defined(IMAGECUDA_HAS_TEXT)
    if (options_.text != TextMode::none) {
      // Text layers sized by measuring (shaping only); render_text() then reuses them.
      const auto t = ic::text::measure(title_text, title_params());
      const auto s = ic::text::measure(subtitle_text, subtitle_params());
      title_ = ic::ImageF32(std::max(t.width, 1), std::max(t.height, 1), device, stream);
      subtitle_ = ic::ImageF32(std::max(s.width, 1), std::max(s.height, 1), device, stream);
      if (options_.text == TextMode::cached) render_text();
    }
#else
    options_.text = TextMode::none;
#endif
  }

  [[nodiscard]] ic::Stream stream() const noexcept { return stream_; }
  [[nodiscard]] ic::Device device() const noexcept { return device_; }
  [[nodiscard]] TextMode text_mode() const noexcept { return options_.text; }
  [[nodiscard]] const ic::ImageF32& card() const noexcept { return card_; }

  /// Step 1, the simple form: decode a PNG/JPEG on this thread (TurboJPEG / libspng) and upload
  /// it into the f32 photo (8-bit staging from the workspace, v/255 on the device).
  void load(std::span<const std::byte> file) { ic::io::load(file, photo_, {.device = device_}, exec()); }
  void load(const std::filesystem::path& file) { ic::io::load(file, photo_, {.device = device_}, exec()); }

  /// Step 1, the pipelined form: 8-bit RGBA decoded elsewhere (io::decode, e.g. on a codec
  /// thread into pinned memory) is uploaded asynchronously and converted to f32 (v/255: the same
  /// pixels as load()). Keep `rgba` alive and unchanged until the stream has passed this point.
  void upload(const uchar4* rgba, int width, int height) {
    photo8_.set_size(width, height);  // throws if larger than the capacity
    ic::io::upload(photo8_, std::span<const uchar4>(rgba, std::size_t(width) * std::size_t(height)), exec());
    ic::io::convert(photo8_.view(), photo_, exec());
  }

  /// Step 1, the GPU-decoded form: 8-bit RGBA already on this renderer's device (e.g. decoded
  /// by io::GpuJpegDecoder on this stream) converted to the f32 photo (v/255, as upload()).
  void set_photo(ic::ConstImageView<uchar4> rgba) { ic::io::convert(rgba, photo_, exec()); }

  /// Steps 2-7: the card, in card(). Asynchronous on the stream.
  void compose() {
    const ic::Exec ex = exec();
    // 2. Background: cover 1200x630 (scale so both sides cover, centre crop), bilinear.
    ic::resize::fit(photo_, card_, card_width, card_height, ic::resize::Fit::cover, ic::Interpolation::bilinear, ex);
    // 3. Gaussian blur, radius 24 (sigma 8), in place (the workspace holds the temporary).
    ic::filter::gaussian_blur(card_, card_, {.radius = background_blur}, ex);
    // 4. Darker: rgb = clamp(rgb - 0.25).
    ic::adjust::brightness(card_, background_brightness, ex);
    // 5. Horizontal gradient overlay, dark navy on the left fading to transparent, blended NORMAL.
    ic::fill::gradient(overlay_, overlay_left, overlay_right,
                       {.direction = ic::fill::GradientDirection::horizontal}, ex);
    ic::blend::normal(card_, overlay_, {}, ex);
    // 6. Inset: cover 440x440, rounded corners, drop shadow on an expanded canvas, blended
    //    NORMAL centre-right, 70 px in from the right edge (the shadow is part of the layer).
    ic::resize::fit(photo_, inset_, inset_size, inset_size, ic::resize::Fit::cover, ic::Interpolation::bilinear, ex);
    ic::effect::rounded_corners(inset_, inset_corner_radius, ex);
    ic::effect::drop_shadow(inset_, shadowed_, inset_shadow, ex);
    ic::blend::normal(card_, shadowed_, {.anchor = ic::blend::Anchor::center_right, .offset_x = inset_offset_x}, ex);
    // 7. Title and subtitle, blended NORMAL at their positions.
    if (options_.text == TextMode::none) return;
    if (options_.text == TextMode::per_card && !text_ready_) render_text();
    text_ready_ = false;
    ic::blend::normal(card_, title_, {.offset_x = title_x, .offset_y = title_y}, ex);
    ic::blend::normal(card_, subtitle_, {.offset_x = subtitle_x, .offset_y = subtitle_y}, ex);
  }

  /// Optional: renders this card's text layers now instead of in compose() (the same pixels).
  /// A pipeline calls it before upload(): the text module stages its glyph lists in one shared
  /// pinned buffer and waits for the previous user's copy, which is then not queued behind this
  /// stream's (or another lane's) heavy kernels.
  void prepare_text() {
    if (options_.text != TextMode::per_card || text_ready_) return;
    render_text();
    text_ready_ = true;
  }

  /// Step 8, device half: the card to 8 bits (round(clamp(v)*255), on the device) and an
  /// asynchronous download into `rgba` (card_width*card_height pixels; pinned for a true async
  /// copy). Synchronize the stream before encoding it (io::encode of a host view).
  void download(uchar4* rgba) {
    to_8bit();
    ic::io::download_async<uchar4>(card8_.view(), rgba, card_width * sizeof(uchar4), exec());
  }
  /// Step 8 without the download, for encoders that read card8() on the device.
  void to_8bit() { ic::io::convert(card_.view(), card8_, exec()); }

  /// The 8-bit card download() or to_8bit() converted, on the device (e.g. for
  /// io::GpuJpegEncoder on this renderer's stream, in stream order before the next card's).
  [[nodiscard]] const ic::ImageU8& card8() const noexcept { return card8_; }

  /// The Workspace every step fits in, for photos up to the given size.
  [[nodiscard]] static ic::WorkspaceRequirements requirements(const RendererOptions& o) {
    const int w = o.max_photo_width, h = o.max_photo_height;
    using ic::resize::Fit;
    auto r = ic::resize::fit_requirements(w, h, card_width, card_height, Fit::cover);
    r = max(r, ic::resize::fit_requirements(w, h, inset_size, inset_size, Fit::cover));
    r = max(r, ic::filter::blur_requirements(card_width, card_height));
    r = max(r, ic::effect::drop_shadow_requirements(inset_size, inset_size, inset_shadow));
    r = max(r, ic::io::load_requirements(w, h));
    r = max(r, ic::io::save_requirements(card_width, card_height));
    return r;
  }

 private:
  static ic::effect::DropShadowCanvas shadow_canvas() {
    return ic::effect::drop_shadow_canvas(inset_size, inset_size, inset_shadow);
  }
  [[nodiscard]] ic::Exec exec() noexcept { return {stream_, &ws_}; }

  void render_text() {
#if defined(IMAGECUDA_HAS_TEXT)
    // Shaping and rasterising run on the host (HarfBuzz/FreeType, glyphs cached); the layer is
    // composited into the preallocated image on the stream.
    ic::text::create(title_text, title_, title_params(), exec());
    ic::text::create(subtitle_text, subtitle_, subtitle_params(), exec());
#endif
  }

  ic::Device device_;
  ic::Stream stream_;
  RendererOptions options_;
  ic::Workspace ws_;
  ic::ImageU8 photo8_;     // decoded photo, 8 bits (pipelined form)
  ic::ImageF32 photo_;     // the f32 working copy
  ic::ImageF32 card_;      // background, then the whole card
  ic::ImageF32 overlay_;   // the gradient
  ic::ImageF32 inset_;     // 440x440 rounded
  ic::ImageF32 shadowed_;  // inset + its shadow
  ic::ImageU8 card8_;      // the card in 8 bits, downloaded for the encoders
  ic::ImageF32 title_;
  ic::ImageF32 subtitle_;
  bool text_ready_ = false;  // prepare_text() already rendered this card's text
};

// ---------------------------------------------------------------------------------------------
// Photo-like test pictures: a sunset sky, a sun with its glow, perlin clouds, three rows of
// hills and film grain, all from imagecuda fills and blends. `seed` moves the sun, the horizon
// and the hills, reseeds the clouds and grain, and turns the hue (seed 1: the bundled photo).
// Allocates its layers (not part of any timed path).
// ---------------------------------------------------------------------------------------------
inline void render_photo(ic::ImageF32& photo, std::uint32_t seed, const ic::Exec& ex = {}) {
  const int w = photo.width(), h = photo.height();
  const ic::Device dev = photo.device();
  std::uint32_t state = seed * 2654435761u + 0x9E3779B9u;
  auto rnd = [&state] {  // uniform in [0, 1), deterministic from the seed
    state = state * 1664525u + 1013904223u;
    return float(state >> 8) * (1.f / 16777216.f);
  };
  using ic::rgba;
  const int horizon = int(float(h) * (0.56f + 0.08f * rnd()));
  // Sky: deep blue at the top, orange at the horizon, a warm haze below (hidden by the hills).
  ic::fill::gradient(photo.crop_view(0, 0, w, horizon), rgba(0.09f, 0.13f, 0.32f), rgba(0.98f, 0.62f, 0.33f),
                     {.direction = ic::fill::GradientDirection::vertical}, ex);
  ic::fill::gradient(photo.crop_view(0, horizon, w, h - horizon), rgba(0.98f, 0.62f, 0.33f),
                     rgba(0.55f, 0.30f, 0.25f), {.direction = ic::fill::GradientDirection::vertical}, ex);
  // Sun glow and disc, low over the horizon.
  const int sun_x = int(float(w) * (0.25f + 0.5f * rnd())), sun_y = horizon - int(float(h) * 0.08f);
  // The glow: a disc half the layer's size, blurred until it fades out inside the layer.
  const int glow = std::max(8, int(float(h) * 0.8f));
  ic::ImageF32 layer(glow, glow, dev, ex.stream);
  ic::fill::color(layer, rgba(1.f, 0.80f, 0.50f, 0.f), ex);
  ic::fill::circle(layer.crop_view(glow / 4, glow / 4, glow / 2, glow / 2),
                   {.color = rgba(1.f, 0.80f, 0.50f, 0.8f), .bg_color = rgba(1.f, 0.80f, 0.50f, 0.f)}, ex);
  ic::filter::gaussian_blur(layer, layer, {.radius = std::min(glow / 8, 1000)}, ex);
  ic::blend::screen(photo, layer, {.offset_x = sun_x - glow / 2, .offset_y = sun_y - glow / 2}, ex);
  const int disc = std::max(4, int(float(h) * 0.10f));
  ic::ImageF32 sun(disc, disc, dev, ex.stream);
  ic::fill::circle(sun, {.color = rgba(1.f, 0.96f, 0.82f, 1.f), .bg_color = rgba(1.f, 0.96f, 0.82f, 0.f), .softness = 0.04f},
                   ex);
  ic::blend::normal(photo, sun, {.offset_x = sun_x - disc / 2, .offset_y = sun_y - disc / 2}, ex);
  // Clouds: fractal perlin noise, transparent to pink-white, over the sky.
  ic::ImageF32 clouds(w, horizon, dev, ex.stream);
  ic::fill::perlin(clouds, {.scale = float(w) * 0.22f, .seed = float(seed) * 7.f, .octaves = 6, .persistence = 0.55f,
                            .offset_x = rnd() * 1000.f, .color1 = rgba(1.f, 0.85f, 0.80f, 0.f),
                            .color2 = rgba(1.f, 0.88f, 0.85f, 0.75f)},
                   ex);
  ic::blend::screen(photo, clouds, {}, ex);
  // Hills: three discs far larger than the picture, back (hazy purple) to front (near black).
  const int d = int(float(w) * 1.15f);
  ic::ImageF32 hill(d, d, dev, ex.stream);
  const float4 colors[3] = {rgba(0.36f, 0.24f, 0.36f), rgba(0.20f, 0.14f, 0.22f), rgba(0.07f, 0.06f, 0.09f)};
  for (int i = 0; i < 3; ++i) {
    const float4 c = colors[i];
    ic::fill::circle(hill, {.color = c, .bg_color = rgba(c.x, c.y, c.z, 0.f), .softness = 0.002f}, ex);
    const int top = horizon - int(float(h) * (0.10f - 0.06f * float(i))) + int(float(h) * 0.05f * rnd());
    const int cx = int(float(w) * (rnd() * 1.2f - 0.1f));
    ic::blend::normal(photo, hill, {.offset_x = cx - d / 2, .offset_y = top + int(float(h) * 0.09f * float(i))}, ex);
  }
  // Film grain: monochrome noise, blended OVERLAY at low opacity.
  ic::ImageF32 grain(w, h, dev, ex.stream);
  ic::fill::noise(grain, {.seed = float(seed)}, ex);
  ic::blend::overlay(photo, grain, {.opacity = 0.07f}, ex);
  // Each seed its own colour cast.
  const float hue = float(int(seed * 37u % 61u) - 30);
  if (seed != 1) ic::adjust::hue(photo, hue, ex);
  ex.stream.synchronize();  // the layers die here: their frees are stream-ordered anyway
}

}  // namespace social_card
