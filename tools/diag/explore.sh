#!/usr/bin/env bash
# Session-4 exploration on the GPU machine (carry devbuild): the [resize],[blur] GPU tests, the resize,
# blur and graph benchmark rows, NPP's resize rows, and per-kernel times of the graph frame.
# Usage there: bash tools/diag/explore.sh   (logs in $OUT; env TEST_TAGS, BENCH_FILTERS, NPP=, GRAPH_NCU=)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$OUT/summary.txt"
timeout 300 $B/imagecuda_gpu_tests "${TEST_TAGS:-[resize],[blur]}" >"$OUT/tests.log" 2>&1; echo "tests rc=$? $(tail -2 "$OUT/tests.log" | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
for f in ${BENCH_FILTERS:-resize "gaussian_blur r=10 4K" graph}; do
  $B/imagecuda_bench --filter "$f" --reps 100 >>"$OUT/bench.md" 2>&1
done
if [ -n "${NPP:-1}" ]; then
  NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  NPPH=$(ls /usr/local/cuda/include/npp.h /usr/local/cuda/targets/x86_64-linux/include/npp.h 2>/dev/null | head -1)
  NPPLIB=$(find /usr/local/cuda/ -name 'libnppif.so*' 2>/dev/null | head -1)
  mkdir -p /tmp/npplib
  for l in nppc nppial nppicc nppif nppig; do f=$(ls "$(dirname "$NPPLIB")"/lib$l.so* | head -1) && ln -sf "$f" /tmp/npplib/lib$l.so; done
  "$NVCC" -O2 -std=c++17 -I"$(dirname "$NPPH")" benchmarks/compare/npp_bench.cpp -L/tmp/npplib -Xlinker -rpath="$(dirname "$NPPLIB")" \
    -lnppif -lnppig -lnppial -lnppicc -lnppc -o /tmp/npp_bench >"$OUT/npp_build.log" 2>&1 &&
    timeout 120 /tmp/npp_bench --reps 50 --budget 1 >"$OUT/npp.md" 2>&1
  echo "npp rc=$?" | tee -a "$OUT/summary.txt"
fi
[ -n "${GRAPH_NCU:-1}" ] && OUT=$OUT bash tools/diag/graph.sh >"$OUT/graph-ncu.txt" 2>&1
cat "$OUT/bench.md" | grep "^|" ; cat "$OUT/graph-ncu.txt" 2>/dev/null; grep "^|" "$OUT/npp.md" 2>/dev/null
