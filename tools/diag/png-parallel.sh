#!/usr/bin/env bash
# PngDeflate::parallel on the GPU machine (carry devbuild): the GPU suite (TEST_TAGS), its
# benchmark rows, compute-sanitizer on its tests, its kernels' times under ncu, then a short
# pipeline run with the PNGs on the codec threads and on the GPU (same photos, same run).
# Usage there: OUT=$OUT [TEST_TAGS=...] [LANES=8,16] bash tools/diag/png-parallel.sh
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
STEPS="tests bench race init mem" TEST_TAGS="${TEST_TAGS:-~[gl]~[oom]~[soak]}" BENCH_FILTERS="copy PngDeflate card-like" \
  RACE_TAGS="[png_parallel]" MEM_TAGS="${MEM_TAGS:-[png_parallel]}" NPP=0 DEADLINE=${DEADLINE:-400} bash tools/diag/verify.sh
export LD_LIBRARY_PATH=$PWD/devbuild/lib FONTCONFIG_FILE=$PWD/devbuild/fonts.conf
# Kernel times of one card-sized and one 4K encode (3 kernels each, after the bench's warm-up).
timeout 120 ncu --metrics gpu__time_duration.sum -k regex:'opaque_kernel|deflate_kernel|gather_kernel' -c 12 \
  devbuild/bin/imagecuda_bench --filter 'PngDeflate::parallel, to host' --reps 1 >"$OUT/ncu.log" 2>&1
echo "ncu rc=$?"; grep -E '^  [a-z_]+kernel|gpu__time_duration' "$OUT/ncu.log" | paste - - | awk '{print $1, $(NF-1), $NF}'
P=/tmp/png_photos; rm -rf $P
devbuild/bin/imagecuda_pipeline --make-photos $P 32 >"$OUT/pipeline.log" 2>&1
timeout 200 devbuild/bin/imagecuda_pipeline --photos $P --threads ${LANES:-8,16} --seconds ${PIPE_SECONDS:-4} --text per-card \
  --decode gpu --jpeg-encode gpu --png-encode both --out "$OUT/pipeline.md" >>"$OUT/pipeline.log" 2>&1
echo "pipeline rc=$?"; grep -E 'cards/s' "$OUT/pipeline.log"
# GPU time per card, uncontended: every kernel of the first cards of a 1-lane run under ncu,
# summed by kernel name (KERNELS launches; the pipeline prints how many cards it made).
if [ "${CARD_NCU:-1}" = 1 ]; then
  timeout 150 ncu --metrics gpu__time_duration.sum --csv -c ${KERNELS:-400} devbuild/bin/imagecuda_pipeline --photos $P \
    --threads 1 --seconds 1 --text per-card --decode gpu --jpeg-encode gpu --png-encode gpu >"$OUT/card-ncu.csv" 2>"$OUT/card-ncu.err"
  echo "card ncu rc=$?"
  python3 - "$OUT/card-ncu.csv" <<'PY' | tee "$OUT/card-ncu.txt"
import csv, sys, collections
rows = [r for r in csv.reader(l for l in open(sys.argv[1]) if l.startswith('"'))]
h = rows[0]; k = h.index("Kernel Name"); v = h.index("Metric Value"); u = h.index("Metric Unit")
tot = collections.Counter(); cnt = collections.Counter()
for r in rows[1:]:
    t = float(r[v].replace(",", "")) * {"ns": 1e-3, "us": 1, "usecond": 1, "ms": 1e3, "msecond": 1e3, "nsecond": 1e-3}.get(r[u], 1)
    name = r[k].split("(")[0][-60:]; tot[name] += t; cnt[name] += 1
print(f"{sum(cnt.values())} kernels, {sum(tot.values()):.1f} us in all")
for n, t in tot.most_common(25): print(f"{t:10.1f} us {cnt[n]:5d}x  {n}")
PY
fi
