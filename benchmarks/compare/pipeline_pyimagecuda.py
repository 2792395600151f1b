# SPDX-License-Identifier: MIT
"""The social-card pipeline (benchmarks/compare/README.md) written with PyImageCUDA 0.1.4.

Each worker thread owns its buffers (allocated once, at the largest sizes, and reused through
PyImageCUDA's dst/temp/u8 buffer arguments); the gradient layer is filled once per worker
(it is the same for every card). Everything else runs for every card, as the library's API
does it:
  1. load(path, autorotate=True): libvips decodes on the CPU, upload, u8 -> f32 on the GPU
  2. Resize.bilinear to cover 1200x630 + Transform.crop (centre)
  3. Filter.gaussian_blur(radius=24)          (sigma = 8, the default radius/3)
  4. Adjust.brightness(-0.25)
  5. Blend.normal(gradient)
  6. Resize.bilinear + crop to 440x440, Effect.rounded_corners(36),
     Effect.drop_shadow(offset (0,14), blur 24, (0,0,0,0.55), expand=True),
     Blend.normal(anchor='center-right', offset_x=-70)
  7. Text.create (Pango via libvips on the CPU, upload) for the title (DejaVu Sans Bold 54,
     wrapped at 620 px: Text.create has no width, so the line breaks are found once at start-up
     with the same renderer and passed as '\\n') and the subtitle; Blend.normal at (70,150),
     (70,460)
  8. what save() does, to memory instead of a file: convert_float_to_u8, download,
     pyvips new_from_memory(srgb), pngsave_buffer + jpegsave_buffer(Q=90)
PyImageCUDA holds the GIL in every call and runs every kernel on the legacy default stream,
so extra threads only overlap its libvips parts (decode, text, encode), which release the GIL.
"""
import sys
import threading

import pyvips

import card_common as cc
import pyimagecuda as pic
from pyimagecuda import Adjust, Blend, Effect, Fill, Filter, Image, ImageU8, Resize, Text, Transform

MAX_PHOTO = (4096, 4096)  # pixel capacity of the decode buffers (any aspect ratio with as many pixels)


def main():
    ap = cc.arg_parser(__doc__.splitlines()[0])
    a = ap.parse_args()
    pyvips.cache_set_max(0)  # Text.create goes through libvips: render the text for every card
    photos = cc.list_photos(a.photos)

    def measure(s):
        return pyvips.Image.text(s, font=f"{cc.TITLE_FONT} {cc.TITLE_SIZE}", dpi=72).width
    title = cc.wrap_title(measure)
    n = cc.INSET
    cw, ch, _, _ = cc.shadow_canvas(n, n)

    local = threading.local()

    def bufs():
        b = getattr(local, "b", None)
        if b is None:
            b = {
                "photo": Image(*MAX_PHOTO), "photo_u8": ImageU8(*MAX_PHOTO),
                "scaled": Image(2 * cc.CARD_W, 2 * cc.CARD_H),  # cover results of photos up to 1:3.6 or 3.6:1
                "bg": Image(cc.CARD_W, cc.CARD_H), "blur": Image(cc.CARD_W, cc.CARD_H),
                "blur_tmp": Image(cc.CARD_W, cc.CARD_H), "grad": Image(cc.CARD_W, cc.CARD_H),
                "inset": Image(n, n), "layer": Image(cw, ch), "shadow": Image(cw, ch), "shadow_tmp": Image(cw, ch),
                "text": Image(cc.CARD_W, cc.CARD_H), "text_u8": ImageU8(cc.CARD_W, cc.CARD_H),
                "out_u8": ImageU8(cc.CARD_W, cc.CARD_H),
            }
            Fill.gradient(b["grad"], cc.GRAD_LEFT, cc.GRAD_RIGHT, "horizontal")
            local.b = b
        return b

    def render(path):
        b = bufs()
        photo = b["photo"]
        pic.load(path, f32_buffer=photo, u8_buffer=b["photo_u8"], autorotate=True)
        w, h = photo.width, photo.height
        # 2-4: background
        sw, sh, ox, oy = cc.cover(w, h, cc.CARD_W, cc.CARD_H)
        Resize.bilinear(photo, sw, sh, dst_buffer=b["scaled"])
        Transform.crop(b["scaled"], ox, oy, cc.CARD_W, cc.CARD_H, dst_buffer=b["bg"])
        bg = b["blur"]
        Filter.gaussian_blur(b["bg"], radius=cc.BLUR_RADIUS, dst_buffer=bg, temp_buffer=b["blur_tmp"])
        Adjust.brightness(bg, cc.BRIGHTNESS)
        # 5: gradient
        Blend.normal(bg, b["grad"])
        # 6: inset
        sw, sh, ox, oy = cc.cover(w, h, n, n)
        Resize.bilinear(photo, sw, sh, dst_buffer=b["scaled"])
        Transform.crop(b["scaled"], ox, oy, n, n, dst_buffer=b["inset"])
        Effect.rounded_corners(b["inset"], cc.CORNER_RADIUS)
        Effect.drop_shadow(b["inset"], offset_x=cc.SHADOW_OFFSET[0], offset_y=cc.SHADOW_OFFSET[1],
                           blur=cc.SHADOW_BLUR, color=cc.SHADOW_COLOR, expand=True, dst_buffer=b["layer"],
                           shadow_buffer=b["shadow"], temp_buffer=b["shadow_tmp"])
        Blend.normal(bg, b["layer"], anchor="center-right", offset_x=cc.INSET_OFFSET_X)
        # 7: text
        Text.create(title, font=cc.TITLE_FONT, size=cc.TITLE_SIZE, color=cc.TITLE_COLOR,
                    dst_buffer=b["text"], u8_buffer=b["text_u8"])
        Blend.normal(bg, b["text"], offset_x=cc.TITLE_POS[0], offset_y=cc.TITLE_POS[1])
        Text.create(cc.SUBTITLE, font=cc.SUB_FONT, size=cc.SUB_SIZE, color=cc.SUB_COLOR,
                    dst_buffer=b["text"], u8_buffer=b["text_u8"])
        Blend.normal(bg, b["text"], offset_x=cc.SUB_POS[0], offset_y=cc.SUB_POS[1])
        # 8: encode, as save() does but into memory
        pic.convert_float_to_u8(b["out_u8"], bg)
        data = pic.download(b["out_u8"])
        vi = pyvips.Image.new_from_memory(data, cc.CARD_W, cc.CARD_H, bands=4, format="uchar").copy(interpretation="srgb")
        png = vi.pngsave_buffer(compression=a.png_compression, filter=a.png_filter)
        jpg = vi.jpegsave_buffer(Q=cc.JPEG_Q)
        return png, jpg

    if a.save:
        cc.save_sample(render, photos[0], a.save, "card_pyimagecuda")

    results = [cc.run_rate(render, photos, int(w), a.seconds) for w in a.workers.split(",")]
    cc.report(f"PyImageCUDA {pic.__version__}",
              {"library": f"PyImageCUDA {pic.__version__}", "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}",
               "png_compression": a.png_compression, "png_filter": a.png_filter, "photos": len(photos), "title_lines": title.split("\n")},
              results, a.out)


if __name__ == "__main__":
    sys.exit(main())
