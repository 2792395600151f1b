#!/usr/bin/env bash
# Per-kernel GPU times of bench_graph's 10-op 512x512 frame (ncu, kernels serialised), to see
# which ops dominate the frame that the Graph replays. Usage there: bash tools/diag/graph.sh
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin/imagecuda_bench
ncu --metrics gpu__time_duration.sum,launch__grid_size,launch__block_size,sm__warps_active.avg.pct_of_peak_sustained_active \
  --csv $B --filter "512x512 eager (one frame)" --reps 1 2>/dev/null | grep "^\"" >"$OUT/graph-kernels.csv"
python3 - "$OUT/graph-kernels.csv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
ids = sorted({int(r["ID"]) for r in rows})
last = ids[-12:] if len(ids) >= 12 else ids   # the last frame's kernels
per = collections.OrderedDict()
for r in rows:
    if int(r["ID"]) in last:
        per.setdefault(int(r["ID"]), {"name": r["Kernel Name"][:90]})[r["Metric Name"]] = r["Metric Value"]
for k, v in per.items():
    print(k, v.get("gpu__time_duration.sum"), v.get("launch__grid_size"), v.get("launch__block_size"),
          v.get("sm__warps_active.avg.pct_of_peak_sustained_active"), v["name"])
PY
