# SPDX-License-Identifier: MIT
"""PyImageCUDA 0.1.4, op by op, on the same work as imagecuda_bench's rows (issue #10).

Every op that both libraries have, at the sizes of benchmarks/bench_*.cpp (4K = 3840x2160
float32 RGBA unless the row says 1080p), with PyImageCUDA's "reuse" form (dst/temp buffers
given, so no cudaMalloc in the timed call except where the library itself allocates:
gaussian_blur's weight array, stroke's seed buffers, drop_shadow's blur temp).

Timing. PyImageCUDA launches every kernel on the legacy default stream (stream 0; its
PYIMAGECUDA.md §1.4) and has no stream API. PyTorch's default stream is that same legacy
stream of the same (primary) context, so torch.cuda.Event pairs recorded there bracket
PyImageCUDA's kernels exactly. Two numbers per op:
  * "us" (the one the comparison uses): events around a batch of K back-to-back calls, / K,
    median over the batches. The GPU stays busy when the host enqueues faster than the kernel
    runs, so this is the GPU time per call plus whatever host overhead (Python wrapper,
    argument parsing, launch, per-call cudaMalloc/cudaFree) the GPU has to wait for.
  * "single_us": events around one call (median), the latency of a lone call.
  * "wall_us": host wall clock over the batch including a final cuda_sync(), / K.
Host-bound rows (text, load, save) use the host clock (time.perf_counter) around a complete
call, with libvips' operation cache off (no cached decode or text render between runs). Warm-up first (the module is built for sm_50..89 + PTX: the first call of each kernel
JITs on an H100).

Usage: python3 pyimagecuda_ops.py [--reps N] [--batch K] [--only SUBSTR] [--out results.json]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

import numpy as np

import pyimagecuda as pic
from pyimagecuda import (Adjust, Blend, Effect, Fill, Filter, Image, ImageU8, Resize, Text,
                         Transform)

try:
    import torch
    HAVE_TORCH = torch.cuda.is_available()
except Exception:  # noqa: BLE001 - any import problem means "no torch"
    HAVE_TORCH = False

W4K, H4K, W1080, H1080 = 3840, 2160, 1920, 1080


def lcg_image(w, h, seed):
    """Like the C++ benches: rgb uniform in [0,1), alpha in [0.5,1) (numpy, fixed seed)."""
    rng = np.random.default_rng(seed)
    a = rng.random((h, w, 4), dtype=np.float32)
    a[..., 3] = 0.5 + 0.5 * a[..., 3]
    return pic.from_numpy(np.ascontiguousarray(a))


def photo_like_image(w, h):
    """bench_io.cpp's photo_like(): smooth waves and gradients plus +-3 grain, 8-bit, opaque, so
    that PNG and JPEG compress it as they compress real content (the io rows' input)."""
    fy, fx = np.mgrid[0:h, 0:w].astype(np.float32)
    fx /= w
    fy /= h
    rgb = [0.5 + 0.4 * np.sin(9 * fx + 3 * fy), 0.5 + 0.4 * np.cos(5 * fy - 4 * fx * fy), 0.3 + 0.6 * fx * (1 - fy)]
    rng = np.random.default_rng(7)
    a = np.full((h, w, 4), 255, np.uint8)
    for c in range(3):
        a[..., c] = np.clip((rgb[c] * 255).astype(np.int32) + rng.integers(-3, 4, (h, w)), 0, 255)
    return pic.from_numpy(a)


def logo_image(w, h):
    """bench_effect.cpp's logo(): 24 soft-edged discs on transparent black."""
    a = np.zeros((h, w, 4), dtype=np.float32)
    rng = np.random.default_rng(777)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for _ in range(24):
        cx, cy = rng.random() * w, rng.random() * h
        rad = (0.02 + 0.1 * rng.random()) * h
        c = rng.random(3)
        x0, x1 = max(0, int(cx - rad - 2)), min(w, int(cx + rad + 2))
        y0, y1 = max(0, int(cy - rad - 2)), min(h, int(cy + rad + 2))
        if x0 >= x1 or y0 >= y1:
            continue
        dx = xx[y0:y1, x0:x1] + 0.5 - cx
        dy = yy[y0:y1, x0:x1] + 0.5 - cy
        al = np.clip(rad - np.sqrt(dx * dx + dy * dy) + 0.5, 0, 1)
        m = al > 0
        sub = a[y0:y1, x0:x1]
        sub[m, 0:3] = c
        sub[..., 3] = np.maximum(sub[..., 3], al)
    return pic.from_numpy(a)


def photo_image(w, h):
    """bench_effect.cpp's photo(): every other pixel near green (chroma_key's default key)."""
    rng = np.random.default_rng(12345)
    a = rng.random((h * w, 4), dtype=np.float32)
    a[:, 3] = 0.5 + 0.5 * a[:, 3]
    odd = np.arange(h * w) % 2 == 1
    a[odd, 0] = 0.1 + 0.2 * a[odd, 0]
    a[odd, 1] = 0.7 + 0.3 * a[odd, 1]
    a[odd, 2] = 0.1 + 0.2 * a[odd, 2]
    a[odd, 3] = 1.0
    return pic.from_numpy(a.reshape(h, w, 4))


class Timer:
    def __init__(self, reps, batch, budget_s):
        self.reps, self.batch, self.budget_s = reps, batch, budget_s
        global HAVE_TORCH
        if HAVE_TORCH and torch.cuda.current_stream().cuda_stream != 0:
            print("torch's current stream is not the legacy stream 0: host clock instead", flush=True)
            HAVE_TORCH = False
        if HAVE_TORCH:
            self.e0 = torch.cuda.Event(enable_timing=True)
            self.e1 = torch.cuda.Event(enable_timing=True)

    def _events(self, fn, k):
        self.e0.record()
        for _ in range(k):
            fn()
        self.e1.record()
        self.e1.synchronize()
        return self.e0.elapsed_time(self.e1) * 1e3 / k

    def device(self, fn):
        for _ in range(3):
            fn()
        pic.cuda_sync()
        t0 = time.perf_counter()
        fn()
        pic.cuda_sync()
        one = time.perf_counter() - t0
        reps = max(5, min(self.reps, int(self.budget_s / max(one * self.batch, 1e-6))))
        res = {"method": "", "reps": reps, "batch": self.batch}
        if HAVE_TORCH:
            res["method"] = "torch.cuda.Event on the legacy default stream"
            res["us"] = statistics.median(self._events(fn, self.batch) for _ in range(reps))
            res["single_us"] = statistics.median(self._events(fn, 1) for _ in range(reps))
        else:
            res["method"] = "host clock + cuda_sync (no torch)"
        walls = []
        for _ in range(max(3, reps // 4)):
            t0 = time.perf_counter()
            for _ in range(self.batch):
                fn()
            pic.cuda_sync()
            walls.append((time.perf_counter() - t0) * 1e6 / self.batch)
        res["wall_us"] = statistics.median(walls)
        if not HAVE_TORCH:
            res["us"] = res["wall_us"]
        elif res["us"] < 0.3 * res["wall_us"] and res["wall_us"] > 50:
            # the events did not bracket the kernels (they would if both use stream 0): say so
            res["events_suspect"] = True
        return res

    def host(self, fn, reps=None):
        fn()
        pic.cuda_sync()
        t0 = time.perf_counter()
        fn()
        pic.cuda_sync()
        one = time.perf_counter() - t0
        n = reps or max(3, min(self.reps, int(self.budget_s / max(one, 1e-6))))
        ts = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            pic.cuda_sync()
            ts.append((time.perf_counter() - t0) * 1e6)
        return {"method": "host clock around the call + cuda_sync", "reps": n, "batch": 1,
                "us": statistics.median(ts), "wall_us": statistics.median(ts)}


def cases():
    """(pyimagecuda case name, imagecuda_bench row "group | case", kind, setup) where setup()
    returns the callable to time. kind: "device" or "host". Mapping notes go in the name."""
    out = []

    def dev(name, ours, make):
        out.append((name, ours, "device", make))

    def host(name, ours, make):
        out.append((name, ours, "host", make))

    st = {}

    def once(key, make):  # a buffer made on first use and reused (never inside the timed call)
        if key not in st:
            st[key] = make()
        return st[key]

    def img4k():
        if "img" not in st:
            st["img"] = lcg_image(W4K, H4K, 1)
        return st["img"]

    def src4k():
        if "src" not in st:
            st["src"] = lcg_image(W4K, H4K, 2)
        return st["src"]

    def ov4k():
        if "ov" not in st:
            st["ov"] = lcg_image(W4K, H4K, 3)
        return st["ov"]

    def dst_big():
        if "dst" not in st:  # 2x 4K: every out-of-place result fits (rotate expand: 4405x3790)
            st["dst"] = Image(2 * W4K, 2 * H4K)
        return st["dst"]

    def tmp_big():
        if "tmp" not in st:
            st["tmp"] = Image(W4K * 2, H4K * 2)
        return st["tmp"]

    # --- fill (in place, 4K) ---
    fills = [
        ("color", lambda i: Fill.color(i, (0.5, 0.25, 0.125, 1.0))),
        ("gradient horizontal", lambda i: Fill.gradient(i, (0, 0, 0, 1), (1, 1, 1, 1))),
        ("gradient radial seamless", lambda i: Fill.gradient(i, (0, 0, 0, 1), (1, 1, 1, 1), "radial", True)),
        ("checkerboard", lambda i: Fill.checkerboard(i)),
        ("grid", lambda i: Fill.grid(i)),
        ("stripes", lambda i: Fill.stripes(i)),
        ("dots", lambda i: Fill.dots(i, softness=0.2)),
        ("circle", lambda i: Fill.circle(i)),
        ("noise mono", lambda i: Fill.noise(i)),
        ("noise rgb", lambda i: Fill.noise(i, monochrome=False)),
        ("perlin 1 octave", lambda i: Fill.perlin(i)),
        ("perlin 4 octaves", lambda i: Fill.perlin(i, octaves=4)),
        ("ngon", lambda i: Fill.ngon(i, sides=6)),
    ]
    for n, f in fills:
        dev(f"Fill.{n} 4K", f"fill | {n} 4K", lambda f=f: (lambda: f(img4k())))
    dev("Fill.color 4K (core row)", "core | fill::color 4K", lambda: (lambda: Fill.color(img4k(), (0.5, 0.25, 0.125, 1.0))))

    # --- adjust (in place, 4K; the C++ bench's values) ---
    adj = [("brightness", lambda i: Adjust.brightness(i, 0.01)),
           ("contrast", lambda i: Adjust.contrast(i, 1.01)),
           ("saturation", lambda i: Adjust.saturation(i, 1.1)),
           ("gamma", lambda i: Adjust.gamma(i, 1.1)),
           ("opacity", lambda i: Adjust.opacity(i, 0.999)),
           ("hue", lambda i: Adjust.hue(i, 17.0)),
           ("vibrance", lambda i: Adjust.vibrance(i, 0.2))]
    for n, f in adj:
        dev(f"Adjust.{n} 4K", f"adjust | {n} 4K", lambda f=f: (lambda: f(img4k())))

    def chain3():
        i = img4k()
        Adjust.brightness(i, 0.01)
        Adjust.contrast(i, 1.01)
        Adjust.saturation(i, 1.1)

    def chain3b():
        i = img4k()
        Adjust.hue(i, 17.0)
        Adjust.vibrance(i, 0.2)
        Adjust.gamma(i, 1.1)

    def chain7():
        for _, f in adj:
            f(img4k())
    dev("Adjust brightness+contrast+saturation (3 calls) 4K", "adjust | chain of 3 (brightness, contrast, saturation) 4K", lambda: chain3)
    dev("Adjust hue+vibrance+gamma (3 calls) 4K", "adjust | chain of 3 (hue, vibrance, gamma) 4K", lambda: chain3b)
    dev("Adjust all 7 (7 calls) 4K", "adjust | chain of 7 (all) 4K", lambda: chain7)

    # --- blend (in place on the base, 4K over 4K) ---
    for n in ["normal", "multiply", "screen", "add", "overlay", "soft_light", "hard_light"]:
        dev(f"Blend.{n} 4K over 4K", f"blend | {n} 4K over 4K",
            lambda n=n: (lambda: getattr(Blend, n)(img4k(), ov4k())))
    dev("Blend.mask luminance 4K", "blend | mask luminance 4K", lambda: (lambda: Blend.mask(img4k(), ov4k(), mode="luminance")))
    dev("Blend.mask alpha 4K", "blend | mask alpha 4K", lambda: (lambda: Blend.mask(img4k(), ov4k(), mode="alpha")))
    dev("Blend.normal 4K over itself", "blend | normal 4K over itself", lambda: (lambda: Blend.normal(img4k(), img4k())))

    # --- filter ---
    for r in [3, 10, 24, 30, 50, 100]:
        dev(f"Filter.gaussian_blur r={r} 4K", f"filter | gaussian_blur r={r} 4K",
            lambda r=r: (lambda: Filter.gaussian_blur(src4k(), radius=r, dst_buffer=dst_big(), temp_buffer=tmp_big())))
    dev("Filter.sharpen 4K", "filter | sharpen 4K", lambda: (lambda: Filter.sharpen(src4k(), dst_buffer=dst_big())))
    dev("Filter.sobel 4K", "filter | sobel 4K", lambda: (lambda: Filter.sobel(src4k(), dst_buffer=dst_big())))
    dev("Filter.emboss 4K", "filter | emboss 4K", lambda: (lambda: Filter.emboss(src4k(), dst_buffer=dst_big())))
    dev("Filter.sepia 0.7 4K", "filter | sepia 4K", lambda: (lambda: Filter.sepia(img4k(), 0.7)))
    dev("Filter.invert 4K", "filter | invert 4K", lambda: (lambda: Filter.invert(img4k())))
    dev("Filter.threshold 4K", "filter | threshold 4K", lambda: (lambda: Filter.threshold(img4k())))
    dev("Filter.solarize 4K", "filter | solarize 4K", lambda: (lambda: Filter.solarize(img4k())))

    # --- effect ---
    def photo4k():
        if "photo4k" not in st:
            st["photo4k"] = photo_image(W4K, H4K)
        return st["photo4k"]

    def photo1080():
        if "photo1080" not in st:
            st["photo1080"] = photo_image(W1080, H1080)
        return st["photo1080"]

    for lab, ph in [("4K", photo4k), ("1080p", photo1080)]:
        dev(f"Effect.rounded_corners r=64 {lab}", f"effect | rounded_corners r=64 {lab} (corners only)",
            lambda ph=ph: (lambda: Effect.rounded_corners(ph(), 64)))
        dev(f"Effect.vignette {lab}", f"effect | vignette {lab}", lambda ph=ph: (lambda: Effect.vignette(ph())))
        dev(f"Effect.vignette tint radius=0 {lab}", f"effect | vignette tint radius=0 {lab}",
            lambda ph=ph: (lambda: Effect.vignette(ph(), radius=0.0, softness=0.5, color=(0.2, 0.1, 0.0, 0.5))))
        dev(f"Effect.chroma_key {lab}", f"effect | chroma_key {lab}", lambda ph=ph: (lambda: Effect.chroma_key(ph())))

    def logo(lab):
        k = "logo" + lab
        if k not in st:
            st[k] = logo_image(W4K, H4K) if lab == "4K" else logo_image(W1080, H1080)
        return st[k]

    def dist_big():
        if "dist" not in st:
            st["dist"] = Image(W4K + 1000, H4K + 1000)
        return st["dist"]

    def stroke_dst():
        if "sdst" not in st:
            st["sdst"] = Image(W4K + 1000, H4K + 1000)
        return st["sdst"]

    for lab in ["4K", "1080p"]:
        for wdt, pos in [(2, "outside"), (10, "outside"), (50, "outside"), (500, "outside"), (5, "inside")]:
            dev(f"Effect.stroke width={wdt} {pos} {lab}", f"effect | stroke width={wdt} {pos} {lab}",
                lambda wdt=wdt, pos=pos, lab=lab: (lambda: Effect.stroke(
                    logo(lab), width=wdt, position=pos, dst_buffer=stroke_dst(), distance_buffer=dist_big())))

    def img1080():
        if "i1080" not in st:
            st["i1080"] = lcg_image(W1080, H1080, 4)
        return st["i1080"]

    def shadow_bufs():
        if "sh" not in st:
            st["sh"] = (Image(W1080 + 100, H1080 + 100), Image(W1080 + 100, H1080 + 100), Image(W1080 + 100, H1080 + 100))
        return st["sh"]

    dev("Filter.gaussian_blur r=20 1080p", "effect | gaussian_blur r=20 1080p (drop_shadow's blur)",
        lambda: (lambda: Filter.gaussian_blur(img1080(), radius=20, dst_buffer=dst_big(), temp_buffer=tmp_big())))
    dev("Effect.drop_shadow blur=20 1080p", "effect | drop_shadow blur=20 1080p",
        lambda: (lambda: Effect.drop_shadow(img1080(), blur=20, dst_buffer=shadow_bufs()[0],
                                            shadow_buffer=shadow_bufs()[1], temp_buffer=shadow_bufs()[2])))

    # --- resize (PyImageCUDA has no anti-aliasing: compare with our antialias=false row) ---
    dev("Resize.bilinear 0.5x 4K", "resize | bilinear 0.5x 4K antialias=false",
        lambda: (lambda: Resize.bilinear(src4k(), W4K // 2, H4K // 2, dst_buffer=dst_big())))
    for n in ["nearest", "bilinear", "bicubic", "lanczos"]:
        dev(f"Resize.{n} 2x 4K", f"resize | {n} 2x 4K",
            lambda n=n: (lambda: getattr(Resize, n)(src4k(), 2 * W4K, 2 * H4K, dst_buffer=dst_big())))

    # --- transform ---
    dev("Transform.flip horizontal 4K", "transform | flip horizontal 4K",
        lambda: (lambda: Transform.flip(src4k(), "horizontal", dst_buffer=dst_big())))
    dev("Transform.flip vertical 4K", "transform | flip vertical 4K",
        lambda: (lambda: Transform.flip(src4k(), "vertical", dst_buffer=dst_big())))
    dev("Transform.rotate 90 4K", "transform | rotate 90 4K", lambda: (lambda: Transform.rotate(src4k(), 90, dst_buffer=dst_big())))
    for n in ["bilinear", "nearest", "bicubic", "lanczos"]:
        dev(f"Transform.rotate 30 {n} 4K (expand)", f"transform | rotate 30 {n} 4K",
            lambda n=n: (lambda: Transform.rotate(src4k(), 30, expand=True, interpolation=n, dst_buffer=dst_big())))
    dev("Transform.rotate 30 bilinear 4K expand=False", "transform | rotate 30 bilinear 4K expand=false",
        lambda: (lambda: Transform.rotate(src4k(), 30, expand=False, dst_buffer=dst_big())))
    dev("Transform.crop 1920x1080 at (100,100) of 4K", "transform | crop 1920x1080 of 4K (padded form)",
        lambda: (lambda: Transform.crop(src4k(), 100, 100, W1080, H1080, dst_buffer=dst_big())))

    def zoom_dst():
        if "zd" not in st:
            st["zd"] = Image(W4K, H4K)
        return st["zd"]
    dev("Transform.zoom 2x bilinear 4K", "transform | zoom 2x bilinear 4K",
        lambda: (lambda: Transform.zoom(src4k(), 2.0, dst_buffer=zoom_dst())))

    # --- core: conversions and copies ---
    for lab, (w, h) in [("1080p", (W1080, H1080)), ("4K", (W4K, H4K))]:
        def mk(w=w, h=h, lab=lab):
            k = "core" + lab
            if k not in st:
                st[k] = (lcg_image(w, h, 5), ImageU8(w, h), Image(w, h))
            return st[k]
        dev(f"convert_float_to_u8 {lab}", f"core | convert f32->u8 {lab}",
            lambda mk=mk: (lambda: pic.convert_float_to_u8(mk()[1], mk()[0])))
        dev(f"convert_u8_to_float {lab}", f"core | convert u8->f32 {lab}",
            lambda mk=mk: (lambda: pic.convert_u8_to_float(mk()[2], mk()[1])))
        dev(f"copy {lab}", f"core | copy f32 {lab}", lambda mk=mk: (lambda: pic.copy(mk()[2], mk()[0])))

        def up(mk=mk, w=w, h=h):
            data = bytes(w * h * 16)
            return lambda: pic.upload(mk()[2], data)
        dev(f"upload f32 {lab} (pageable bytes; no pinned API)", f"core | upload f32 {lab} (pinned)", up)
        dev(f"download f32 {lab} (to new bytes)", f"core | download f32 {lab} (pinned)",
            lambda mk=mk: (lambda: pic.download(mk()[0])))

    # --- text (CPU Pango via libvips, then upload + convert): host clock ---
    line = "The quick brown fox jumps over a lazy do"
    host("Text.create 40 chars 48px (DejaVu Sans, white)", "text | line 40 chars 48px (warm atlas)",
         lambda: (lambda: Text.create(line, font="DejaVu Sans", size=48, color=(1, 1, 1, 1),
                                      dst_buffer=dst_big(), u8_buffer=once("tu8", lambda: ImageU8(4000, 2000)))))
    card = "".join(f"Line {i + 10} of the card: quick brown fox jumps\n" for i in range(20))
    host("Text.create 20 lines 44px", "text | card 20 lines ~1080p end to end",
         lambda: (lambda: Text.create(card, font="DejaVu Sans", size=44, color=(1, 1, 1, 1),
                                      dst_buffer=dst_big(), u8_buffer=once("tu8", lambda: ImageU8(4000, 2000)))))

    # --- io (libvips on the CPU + upload / download): host clock, 4K photo-like content as in
    # bench_io.cpp; PyImageCUDA's save() has no PNG level: libvips' defaults (level 6, no filter) ---
    def photo4k_io():
        return once("photo_io", lambda: photo_like_image(W4K, H4K))

    def files():
        if "files" not in st:
            d = tempfile.mkdtemp(prefix="pic_io_")
            pic.save(photo4k_io(), os.path.join(d, "in.jpg"), quality=95)
            pic.save(photo4k_io(), os.path.join(d, "in.png"))
            st["files"] = d
        return st["files"]
    host("load JPEG 4K q95 -> f32", "io | load JPEG 4K q95",
         lambda: (lambda: pic.load(os.path.join(files(), "in.jpg"), f32_buffer=dst_big(), u8_buffer=once("iou8", lambda: ImageU8(W4K, H4K)))))
    host("load PNG 4K -> f32", "io | load PNG 4K (",
         lambda: (lambda: pic.load(os.path.join(files(), "in.png"), f32_buffer=dst_big(), u8_buffer=once("iou8", lambda: ImageU8(W4K, H4K)))))
    host("save JPEG 4K q95 from f32 (file)", "io | save JPEG 4K q95 from f32 on cuda:0 (file)",
         lambda: (lambda: pic.save(photo4k_io(), os.path.join(files(), "out.jpg"), u8_buffer=once("iou8", lambda: ImageU8(W4K, H4K)), quality=95)))
    host("save PNG 4K from f32 (file)", "io | save PNG 4K from f32 on cuda:0 (file)",
         lambda: (lambda: pic.save(photo4k_io(), os.path.join(files(), "out.png"), u8_buffer=once("iou8", lambda: ImageU8(W4K, H4K)))))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--budget", type=float, default=0.6, help="seconds per device case (caps reps)")
    ap.add_argument("--host-reps", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="pyimagecuda_ops.json")
    a = ap.parse_args()

    import pyvips
    pyvips.cache_set_max(0)  # load/save/text go through libvips: no cached decodes or renders between runs
    if HAVE_TORCH:
        torch.cuda.init()
        torch.zeros(1, device="cuda")  # the primary context exists before PyImageCUDA's cudart touches it
    gpu = torch.cuda.get_device_name(0) if HAVE_TORCH else "?"
    print(f"PyImageCUDA {pic.__version__}, GPU {gpu}, torch events: {HAVE_TORCH}", flush=True)
    print("| PyImageCUDA case | imagecuda row | µs (batched) | single-call µs | wall µs | runs |", flush=True)
    print("|---|---|---:|---:|---:|---:|", flush=True)
    t = Timer(a.reps, a.batch, a.budget)
    rows = []
    t_start = time.perf_counter()

    def dump():  # after every case, so that a run cut short by a timeout still leaves its rows
        with open(a.out, "w") as f:
            json.dump({"library": f"PyImageCUDA {pic.__version__}", "gpu": gpu, "torch_events": HAVE_TORCH,
                       "seconds": time.perf_counter() - t_start, "rows": rows}, f, indent=1)
    for name, ours, kind, make in cases():
        if a.only and a.only not in name and a.only not in ours:
            continue
        try:
            fn = make()
            res = t.device(fn) if kind == "device" else t.host(fn, a.host_reps)
        except Exception as e:  # noqa: BLE001 - record and go on: one unsupported op must not end the run
            print(f"| {name} | {ours} | error: {type(e).__name__}: {e} | | | |", flush=True)
            rows.append({"name": name, "ours": ours, "error": f"{type(e).__name__}: {e}"})
            dump()
            continue
        res.update({"name": name, "ours": ours, "kind": kind})
        rows.append(res)
        dump()
        print(f"| {name} | {ours} | {res['us']:.1f} | {res.get('single_us', float('nan')):.1f} | "
              f"{res['wall_us']:.1f} | {res['reps']}x{res['batch']} |", flush=True)
    dump()
    print(f"wrote {a.out} ({time.perf_counter() - t_start:.0f} s)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
