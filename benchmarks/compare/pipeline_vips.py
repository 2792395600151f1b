# SPDX-License-Identifier: MIT
"""The social-card pipeline (benchmarks/compare/README.md) with libvips (pyvips), on the CPU.

One card per task; a pool of Python worker threads (pyvips releases the GIL inside libvips),
each card's libvips pipeline running on --vips-concurrency threads (VIPS_CONCURRENCY).
libvips' operation cache is off (cache_set_max(0)), so nothing is reused between cards
except the three constant layers built once at start-up (the gradient, the rounded-corner
mask, and the shadow's colour), the same things the GPU versions keep between cards.
Text is rendered for every card (Pango).

Working format: float32 in 0..255 (the definition's "float32 working copy"; libvips' sRGB
alpha is 0..255), or --format uchar (8-bit through the resizes and the blur; libvips' own fast
path: reported separately). Every step follows the reference formulas:
  2. resize(kernel=linear) to cover 1200x630, centre crop
  3. gaussblur(sigma = 24/3, min_ampl = exp(-4.5): the mask reaches radius 3 sigma = 24)
  4. rgb + 255 * (-0.25), clamped to 0..255
  5. horizontal gradient layer, composite 'over' (straight alpha: the reference's normal blend)
  6. inset: cover 440x440, alpha *= rounded-corner mask (r 36, the reference's formula),
     shadow = alpha at (pad + offset), gaussblur(8), * 0.55, black; inset 'over' the shadow;
     the layer 'over' the background at anchor centre-right, x offset -70
  7. title (DejaVu Sans Bold 54 px, wrapped at 620 px) and subtitle (DejaVu Sans 30 px), 'over'
  8. cast to 8 bits, pngsave_buffer (zlib level --png-compression, row filter --png-filter)
     + jpegsave_buffer(Q=90)
"""
import math
import os
import sys

import numpy as np

import card_common as cc


def main():
    ap = cc.arg_parser(__doc__.splitlines()[0])
    ap.add_argument("--vips-concurrency", type=int, default=1)
    ap.add_argument("--format", choices=["float", "uchar"], default="float")
    a = ap.parse_args()
    os.environ["VIPS_CONCURRENCY"] = str(a.vips_concurrency)
    import pyvips  # after VIPS_CONCURRENCY is set
    pyvips.concurrency_set(a.vips_concurrency)
    pyvips.cache_set_max(0)

    photos = cc.list_photos(a.photos)
    sigma = cc.BLUR_RADIUS / 3.0
    min_ampl = math.exp(-4.5)  # 3 sigma

    # Constant layers, built once (immutable libvips images; safe to share between threads).
    x = np.arange(cc.CARD_W, dtype=np.float32) / (cc.CARD_W - 1)
    grad = np.empty((cc.CARD_H, cc.CARD_W, 4), np.float32)
    for c in range(4):
        grad[..., c] = (cc.GRAD_LEFT[c] + (cc.GRAD_RIGHT[c] - cc.GRAD_LEFT[c]) * x) * 255.0
    grad_img = pyvips.Image.new_from_array(grad, interpretation="srgb").copy_memory()

    # Rounded-corner mask, PYIMAGECUDA.md §2.8: pixel centres, 1-px AA band inside the arc.
    n, r = cc.INSET, float(cc.CORNER_RADIUS)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) + 0.5
    m = np.ones((n, n), np.float32)
    for cx, cy, zone in [(r, r, (xx < r) & (yy < r)), (n - r, r, (xx > n - r) & (yy < r)),
                         (r, n - r, (xx < r) & (yy > n - r)), (n - r, n - r, (xx > n - r) & (yy > n - r))]:
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) - r
        t = np.clip(-d, 0, 1)
        m = np.where(zone, t * t * (3 - 2 * t), m)
    corner_mask = pyvips.Image.new_from_array(m).copy_memory()

    cw, ch, pl, pt = cc.shadow_canvas(n, n)
    lx, ly = cc.inset_layer_position(cw, ch)
    sub_rgb = [c * 255.0 for c in cc.SUB_COLOR[:3]]

    def text_layer(txt, font, size, color, width=None):
        kw = {"font": f"{font} {size}", "dpi": 72}
        if width:
            kw["width"] = width
        mask = pyvips.Image.text(txt, **kw)
        rgb = mask.new_from_image(color)
        return rgb.bandjoin(mask).copy(interpretation="srgb")

    def render(path):
        with open(path, "rb") as f:
            data = f.read()
        img = pyvips.Image.new_from_buffer(data, "").autorot()
        if img.bands == 3:
            img = img.bandjoin(255)
        if a.format == "float":
            img = img.cast("float")
        prec = {"precision": "integer"} if a.format == "uchar" else {}
        # 2-4: background
        sw, sh, ox, oy = cc.cover(img.width, img.height, cc.CARD_W, cc.CARD_H)
        bg = img.resize(sw / img.width, vscale=sh / img.height, kernel="linear").crop(ox, oy, cc.CARD_W, cc.CARD_H)
        bg = bg.gaussblur(sigma, min_ampl=min_ampl, **prec)
        b = 255.0 * cc.BRIGHTNESS
        bg = bg.linear([1, 1, 1, 1], [b, b, b, 0]).clamp(min=0, max=255)
        # 5: gradient
        bg = bg.copy(interpretation="srgb").composite2(grad_img, "over")
        # 6: inset with rounded corners and drop shadow
        sw, sh, ox, oy = cc.cover(img.width, img.height, n, n)
        inset = img.resize(sw / img.width, vscale=sh / img.height, kernel="linear").crop(ox, oy, n, n)
        inset = inset[0:3].bandjoin(inset[3] * corner_mask).copy(interpretation="srgb")
        sa = inset[3].embed(pl + cc.SHADOW_OFFSET[0], pt + cc.SHADOW_OFFSET[1], cw, ch)
        sa = sa.gaussblur(sigma * cc.SHADOW_BLUR / cc.BLUR_RADIUS, min_ampl=min_ampl, **prec) * cc.SHADOW_COLOR[3]
        shadow = sa.new_from_image([255.0 * c for c in cc.SHADOW_COLOR[:3]]).bandjoin(sa).copy(interpretation="srgb")
        layer = shadow.composite2(inset, "over", x=pl, y=pt)
        bg = bg.composite2(layer, "over", x=lx, y=ly)
        # 7: text, rendered for this card
        title = text_layer(cc.TITLE, cc.TITLE_FONT, cc.TITLE_SIZE, [255, 255, 255], cc.TITLE_WRAP)
        bg = bg.composite2(title, "over", x=cc.TITLE_POS[0], y=cc.TITLE_POS[1])
        sub = text_layer(cc.SUBTITLE, cc.SUB_FONT, cc.SUB_SIZE, sub_rgb)
        bg = bg.composite2(sub, "over", x=cc.SUB_POS[0], y=cc.SUB_POS[1])
        # 8: encode (the 8-bit card is computed once and then encoded twice)
        out = bg.cast("uchar").copy_memory()
        png = out.pngsave_buffer(compression=a.png_compression, filter=a.png_filter)
        jpg = out.jpegsave_buffer(Q=cc.JPEG_Q)
        return png, jpg

    if a.save:
        cc.save_sample(render, photos[0], a.save, "card_vips")

    results = [cc.run_rate(render, photos, int(w), a.seconds) for w in a.workers.split(",")]
    cc.report(f"libvips {pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)} ({a.format}, "
              f"VIPS_CONCURRENCY={a.vips_concurrency})",
              {"library": "libvips", "libvips": f"{pyvips.version(0)}.{pyvips.version(1)}.{pyvips.version(2)}",
               "format": a.format, "vips_concurrency": a.vips_concurrency, "cpus": os.cpu_count(),
               "png_compression": a.png_compression, "png_filter": a.png_filter, "photos": len(photos)},
              results, a.out)


if __name__ == "__main__":
    sys.exit(main())
