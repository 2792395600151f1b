#!/usr/bin/env bash
# Session-4 exploration on the GPU machine (carry devbuild): the [resize],[blur] GPU tests, the resize,
# blur and graph benchmark rows, NPP's resize rows, and per-kernel times of the graph frame.
# Usage there: bash tools/diag/explore.sh   (logs in $OUT; env TEST_TAGS, BENCH_FILTERS, NPP=0, GRAPH_NCU=0)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$OUT/summary.txt"
timeout 300 $B/imagecuda_gpu_tests "${TEST_TAGS:-[resize],[blur]}" >"$OUT/tests.log" 2>&1; echo "tests rc=$? $(tail -2 "$OUT/tests.log" | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
for f in ${BENCH_FILTERS:-resize "gaussian_blur r=10 4K" graph}; do
  $B/imagecuda_bench --filter "$f" --reps 100 >>"$OUT/bench.md" 2>&1
done
if [ "${NPP:-1}" = 1 ]; then
  bash tools/diag/npp.sh "$OUT/npp.md" 120
  echo "npp rc=$?" | tee -a "$OUT/summary.txt"
fi
[ "${GRAPH_NCU:-1}" = 1 ] && OUT=$OUT bash tools/diag/graph.sh >"$OUT/graph-ncu.txt" 2>&1
cat "$OUT/bench.md" | grep "^|" ; cat "$OUT/graph-ncu.txt" 2>/dev/null; grep "^|" "$OUT/npp.md" 2>/dev/null
