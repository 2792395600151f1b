# SPDX-License-Identifier: MIT
"""What pipeline_vips.py and pipeline_pyimagecuda.py share: the social-card constants
(benchmarks/compare/README.md, copied from the issue's definition), the photo list, the
title wrapping and the cards/s driver (warm-up pass, then whole passes over the set in a pool
of worker threads until --seconds have passed; cards/s = cards / wall seconds)."""
import argparse
import concurrent.futures as cf
import json
import os
import threading
import time

CARD_W, CARD_H = 1200, 630
BLUR_RADIUS = 24                     # sigma = radius / 3
BRIGHTNESS = -0.25                   # PyImageCUDA adjust_brightness: rgb = clamp01(rgb + f)
GRAD_LEFT = (0.02, 0.03, 0.08, 0.85)
GRAD_RIGHT = (0.02, 0.03, 0.08, 0.0)
INSET = 440
CORNER_RADIUS = 36
SHADOW_OFFSET = (0, 14)
SHADOW_BLUR = 24
SHADOW_COLOR = (0.0, 0.0, 0.0, 0.55)
INSET_OFFSET_X = -70                 # anchor centre-right, shadow included in the layer
TITLE = "Rendering 1,000 cards a second on one GPU"
TITLE_FONT, TITLE_SIZE, TITLE_WRAP, TITLE_POS = "DejaVu Sans Bold", 54, 620, (70, 150)
TITLE_COLOR = (1.0, 1.0, 1.0, 1.0)
SUBTITLE = "imagecuda · C++20 · CUDA"
SUB_FONT, SUB_SIZE, SUB_POS = "DejaVu Sans", 30, (70, 460)
SUB_COLOR = (0.85, 0.88, 0.95, 1.0)
JPEG_Q = 90


def cover(w, h, tw, th):
    """Scale so both sides cover tw x th, then centre crop: (scaled w, scaled h, crop x, crop y).
    The scaled size is rounded and never below the target."""
    s = max(tw / w, th / h)
    sw, sh = max(tw, round(w * s)), max(th, round(h * s))
    return sw, sh, (sw - tw) // 2, (sh - th) // 2


def shadow_canvas(w, h):
    """PyImageCUDA drop_shadow(expand=True) canvas: (canvas w, h, image x, image y)."""
    ox, oy = SHADOW_OFFSET
    b = SHADOW_BLUR
    pl, pr = b + max(0, -ox), b + max(0, ox)
    pt, pb = b + max(0, -oy), b + max(0, oy)
    return w + pl + pr, h + pt + pb, pl, pt


def inset_layer_position(lw, lh):
    """Anchor centre-right with offset_x (PyImageCUDA's _calculate_position)."""
    return CARD_W - lw + INSET_OFFSET_X, (CARD_H - lh) // 2


def wrap_title(measure):
    """Greedy word wrap of TITLE to TITLE_WRAP px; measure(str) -> rendered width in px.
    (PyImageCUDA's Text.create has no width: the wrapped lines are passed with '\\n'.)"""
    lines, cur = [], ""
    for word in TITLE.split():
        cand = word if not cur else cur + " " + word
        if not cur or measure(cand) <= TITLE_WRAP:
            cur = cand
        else:
            lines.append(cur)
            cur = word
    lines.append(cur)
    return "\n".join(lines)


def list_photos(d):
    ps = sorted(os.path.join(d, f) for f in os.listdir(d) if f.lower().endswith((".jpg", ".jpeg")))
    if not ps:
        raise SystemExit(f"no JPEG photos in {d}")
    return ps


def arg_parser(desc):
    ap = argparse.ArgumentParser(description=desc)
    ap.add_argument("--photos", required=True, help="directory of JPEG photos")
    ap.add_argument("--workers", default="1", help="comma-separated worker thread counts to run")
    ap.add_argument("--seconds", type=float, default=5.0, help="minimum timed seconds per worker count")
    ap.add_argument("--out", default="", help="JSON results file")
    ap.add_argument("--save", default="", help="write the first card as card.png / card.jpg into this directory")
    ap.add_argument("--png-compression", type=int, default=6, help="zlib level for PNG (libvips' default 6)")
    ap.add_argument("--png-filter", default="up",
                    help="PNG row filter (libvips' default is none; 'up' is what imagecuda uses at fast levels, "
                         "and is both faster and smaller on these cards)")
    return ap


def run_rate(render, photos, workers, seconds):
    """render(path) -> (png bytes, jpeg bytes). Warm-up pass, then whole passes over the set,
    `workers` threads pulling photos from a shared queue, until `seconds` of wall time."""
    with cf.ThreadPoolExecutor(max_workers=workers) as ex:
        list(ex.map(render, photos))                 # warm-up pass
        cards, nbytes = 0, 0
        lock = threading.Lock()
        t0 = time.perf_counter()
        while True:
            for png, jpg in ex.map(render, photos):
                with lock:
                    cards += 1
                    nbytes += len(png) + len(jpg)
            el = time.perf_counter() - t0
            if el >= seconds:
                break
    return {"workers": workers, "cards": cards, "seconds": el, "cards_per_s": cards / el,
            "mean_png_plus_jpeg_bytes": nbytes / cards}


def save_sample(render, photo, directory, stem):
    """Writes render(photo)'s PNG and JPEG as <directory>/<stem>.png and .jpg (--save)."""
    os.makedirs(directory, exist_ok=True)
    png, jpg = render(photo)
    for data, ext in ((png, "png"), (jpg, "jpg")):
        with open(os.path.join(directory, f"{stem}.{ext}"), "wb") as f:
            f.write(data)


def report(name, extra, results, out):
    best = max(results, key=lambda r: r["cards_per_s"])
    for r in results:
        print(f"{name}: {r['workers']:>3} workers: {r['cards_per_s']:8.2f} cards/s "
              f"({r['cards']} cards in {r['seconds']:.2f} s, {r['mean_png_plus_jpeg_bytes'] / 1e3:.0f} kB PNG+JPEG per card)",
              flush=True)
    print(f"{name}: best {best['cards_per_s']:.2f} cards/s with {best['workers']} workers", flush=True)
    if out:
        doc = {"pipeline": name, **extra, "results": results, "best": best}
        with open(out, "w") as f:
            json.dump(doc, f, indent=1)
