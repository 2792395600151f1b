# SPDX-License-Identifier: MIT
"""Turns one run-device.sh result directory into the issue #10 comparison: a Markdown table
(imagecuda vs PyImageCUDA 0.1.4 per op, imagecuda vs NPP, social-card cards/s vs PyImageCUDA
and libvips) and a chart.

Inputs (any may be missing; its columns are then empty), all in --dir:
  ours_bench.md               imagecuda_bench tables ("| group | case | median µs | ...")
  pyimagecuda_ops.json        pyimagecuda_ops.py
  npp.json                    npp_bench
  pipeline.log                imagecuda_pipeline stdout ("lanes N, text T: X cards/s ...")
  pipeline_pyimagecuda.json   pipeline_pyimagecuda.py
  pipeline_vips_*.json        pipeline_vips.py (every configuration; the best one is compared)
Ratios are "how many times faster imagecuda is": other library's time / imagecuda's time, and
imagecuda's cards/s / the other library's cards/s.

Usage: python3 report.py --dir DIR [--md compare.md] [--png PATH (default: benchmarks/compare/compare.png)]
"""
import argparse
import glob
import json
import os
import re
import sys


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_ours(path):
    """{"group | case": median µs} from imagecuda_bench's Markdown (several tables concatenated)."""
    rows, gpu = {}, ""
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return rows, gpu
    for ln in lines:
        if ln.startswith("GPU:") and not gpu:
            gpu = ln
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] not in ("group", "") and not cells[0].startswith("-"):
            try:
                rows[f"{cells[0]} | {cells[1]}"] = float(cells[2])
            except ValueError:
                pass
    return rows, gpu


def find_ours(ours, key):
    """Exact row, else the single row that starts with key (io rows carry file sizes)."""
    if key in ours:
        return key, ours[key]
    hits = [k for k in ours if k.startswith(key)]
    return (hits[0], ours[hits[0]]) if len(hits) == 1 else (key, None)


def read_pipeline_log(path):
    """imagecuda_pipeline's stdout -> [(lanes, text, cards/s)]."""
    out = []
    try:
        txt = open(path).read()
    except OSError:
        return out
    for m in re.finditer(r"lanes (\d+), text (.+?): ([0-9.]+) cards/s", txt):
        out.append((int(m.group(1)), m.group(2), float(m.group(3))))
    return out


def show(key):
    """'group | case' -> 'group: case' (a '|' would split a Markdown cell)."""
    return key.replace(" | ", ": ", 1)


def fmt_us(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if v >= 1000 else f"{v:.1f}"


def fmt_x(a, b):
    """b / a as '12.3×' (a = imagecuda)."""
    if a is None or b is None or a <= 0:
        return "—"
    r = b / a
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×" if r < 100 else f"{r:.0f}×"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--md", default="compare.md")
    ap.add_argument("--png", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare.png"))
    a = ap.parse_args()
    d = a.dir

    ours, gpu_line = read_ours(os.path.join(d, "ours_bench.md"))
    pic = load_json(os.path.join(d, "pyimagecuda_ops.json")) or {"rows": []}
    npp = load_json(os.path.join(d, "npp.json")) or {"rows": []}
    pipe_ours = read_pipeline_log(os.path.join(d, "pipeline.log"))
    pipe_pic = load_json(os.path.join(d, "pipeline_pyimagecuda.json"))
    pipe_vips = [j for j in (load_json(p) for p in sorted(glob.glob(os.path.join(d, "pipeline_vips_*.json")))) if j]

    md = ["## imagecuda vs PyImageCUDA 0.1.4, NPP and libvips (issue #10)", ""]
    md.append(f"{gpu_line or 'GPU: see summary.txt'}  ")
    md.append(f"PyImageCUDA: {pic.get('library', '—')}, timed with {'CUDA events on its (legacy default) stream, batches of calls' if pic.get('torch_events') else 'host clock + cuda_sync'}; "
              f"NPP {npp.get('npp', '—')}, CUDA events on a stream. All on the same GPU in one run (benchmarks/compare/run-device.sh).  ")
    md.append("× = how many times faster imagecuda is (the other library's time / imagecuda's time).")
    md.append("")

    # --- ops vs PyImageCUDA ---
    md += ["### Ops (4K float32 RGBA unless the row says otherwise)", "",
           "| imagecuda row | imagecuda µs | PyImageCUDA µs | × | PyImageCUDA call |", "|---|---:|---:|---:|---|"]
    chart_ops = []
    for r in pic["rows"]:
        key, our = find_ours(ours, r["ours"])
        if "error" in r:
            md.append(f"| {show(key)} | {fmt_us(our)} | error | — | {r['name']}: {r['error'][:80]} |")
            continue
        flag = " (events < 30% of wall time: check)" if r.get("events_suspect") else ""
        md.append(f"| {show(key)} | {fmt_us(our)} | {fmt_us(r['us'])} | {fmt_x(our, r['us'])} | {r['name']}{flag} |")
        if our and r["kind"] == "device":
            chart_ops.append((show(key), r["us"] / our))
    if chart_ops:
        import math
        xs = [v for _, v in chart_ops]
        gm = math.exp(sum(math.log(v) for v in xs) / len(xs))
        lo, hi = min(chart_ops, key=lambda t: t[1]), max(chart_ops, key=lambda t: t[1])
        md.append("")
        md.append(f"GPU ops: geometric mean {gm:.1f}× over {len(xs)} rows; lowest {lo[1]:.2f}× ({lo[0]}), "
                  f"highest {hi[1]:.0f}× ({hi[0]}).")
    md.append("")

    # --- ops vs NPP ---
    md += ["### Ops shared with NPP (target: imagecuda ≤ 1.05× NPP's time)", "",
           "| imagecuda row | imagecuda µs | NPP case | NPP µs | imagecuda / NPP | target | note |",
           "|---|---:|---|---:|---:|---|---|"]
    npp_chart = []
    for r in npp["rows"]:
        key, our = find_ours(ours, r["ours"])
        t = r["median_us"]
        ratio = our / t if (our and t) else None
        ok = "—" if ratio is None else ("met" if ratio <= 1.05 else "**not met**")
        md.append(f"| {show(key)} | {fmt_us(our)} | {r['name']} | {fmt_us(t)} | {'—' if ratio is None else f'{ratio:.2f}'} | {ok} | {r.get('note', '')} |")
        if ratio:
            npp_chart.append((f"{show(key)}  [{r['name']}]", t / our))
    md.append("")

    # --- pipeline ---
    md += ["### Social-card pipeline (benchmarks/compare/README.md), cards/s", ""]
    best_ours = max((c for _, t, c in pipe_ours if t.startswith("per card")), default=None)
    rows = []
    for lanes, text, c in pipe_ours:
        rows.append((f"imagecuda, {lanes} lanes, text {text}", c))
    if pipe_pic:
        for r in pipe_pic["results"]:
            rows.append((f"PyImageCUDA 0.1.4, {r['workers']} threads", r["cards_per_s"]))
    for j in pipe_vips:
        for r in j["results"]:
            rows.append((f"libvips {j.get('libvips', '')} ({j['format']}), {r['workers']} threads × VIPS_CONCURRENCY={j['vips_concurrency']} "
                         f"({j.get('cpus', '?')} CPUs)", r["cards_per_s"]))
    md += ["| configuration | cards/s |", "|---|---:|"]
    md += [f"| {n} | {c:.1f} |" for n, c in rows]
    md.append("")
    best_pic = max((r["cards_per_s"] for r in pipe_pic["results"]), default=None) if pipe_pic else None
    best_vips = max((r["cards_per_s"] for j in pipe_vips for r in j["results"]), default=None)
    where = {v: n for n, v in rows}  # configuration of each best
    md += ["| best of each (imagecuda: text rendered per card) | cards/s | imagecuda × | target |", "|---|---:|---:|---|"]
    md.append(f"| imagecuda ({where.get(best_ours, '—')}) | {'—' if best_ours is None else f'{best_ours:.1f}'} | | |")
    for name, v, target in [("PyImageCUDA", best_pic, 10), ("libvips, all CPU threads", best_vips, 5)]:
        x = best_ours / v if (best_ours and v) else None
        ok = "—" if x is None else ("met" if x >= target else "**not met**")
        md.append(f"| {name} ({where.get(v, '—')}) | {'—' if v is None else f'{v:.1f}'} | {'—' if x is None else f'{x:.1f}×'} | ≥ {target}×: {ok} |")
    md.append("")
    with open(a.md, "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))

    # --- chart ---
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no chart", file=sys.stderr)
        return 0
    n1, n2 = len(chart_ops), len(npp_chart)
    fig = plt.figure(figsize=(11, 3 + 0.2 * (n1 + n2) + 2.5))
    hs = [max(n1, 1), max(n2, 1), 6]
    gs = fig.add_gridspec(3, 1, height_ratios=hs, hspace=0.35)
    ax1, ax2, ax3 = fig.add_subplot(gs[0]), fig.add_subplot(gs[1]), fig.add_subplot(gs[2])
    for ax, data, title, col, good in [
            (ax1, chart_ops, "PyImageCUDA time / imagecuda time (log scale; > 1: imagecuda faster)", "#4c72b0", 1.0),
            (ax2, npp_chart, "NPP time / imagecuda time (≥ 1/1.05, the dashed line, meets the target)", "#55a868", 1 / 1.05)]:
        if not data:
            ax.set_visible(False)
            continue
        names = [n for n, _ in data][::-1]
        vals = [v for _, v in data][::-1]
        ax.barh(range(len(vals)), vals, color=[col if v >= good else "#c44e52" for v in vals])
        ax.set_yticks(range(len(vals)))
        ax.set_yticklabels(names, fontsize=7)
        ax.set_xscale("log")
        ax.axvline(1.0, color="k", lw=0.8)
        if good != 1.0:
            ax.axvline(good, color="k", lw=0.8, ls="--")
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    pr = [("imagecuda", best_ours), ("PyImageCUDA 0.1.4", best_pic), ("libvips (best, all CPUs)", best_vips)]
    pr = [(n, v) for n, v in pr if v]
    if pr:
        ax3.barh(range(len(pr)), [v for _, v in pr], color=["#4c72b0", "#dd8452", "#8172b3"][: len(pr)])
        ax3.set_yticks(range(len(pr)))
        ax3.set_yticklabels([n for n, _ in pr], fontsize=8)
        ax3.invert_yaxis()
        for i, (_, v) in enumerate(pr):
            ax3.text(v, i, f" {v:.0f}", va="center", fontsize=8)
        ax3.set_title("Social-card pipeline, cards/s (1200x630, PNG + JPEG q90 per card)", fontsize=9)
        ax3.tick_params(axis="x", labelsize=8)
    else:
        ax3.set_visible(False)
    fig.suptitle(gpu_line.split("—")[0].replace("GPU: ", "") if gpu_line else "", fontsize=10)
    fig.savefig(a.png, dpi=110, bbox_inches="tight")
    print(f"wrote {a.md} and {a.png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
