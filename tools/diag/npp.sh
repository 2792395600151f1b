#!/usr/bin/env bash
# Builds benchmarks/compare/npp_bench.cpp with the GPU machine's nvcc and NPP, and runs it.
# Usage there: bash tools/diag/npp.sh OUT.md [SECONDS]   (build log beside OUT.md; rc of the run)
set -uo pipefail
out=$1; secs=${2:-100}
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
NPPH=$(ls /usr/local/cuda/include/npp.h /usr/local/cuda/targets/x86_64-linux/include/npp.h 2>/dev/null | head -1)
NPPLIB=$(find /usr/local/cuda/ -name 'libnppif.so*' 2>/dev/null | head -1)
[ -n "$NPPH" ] && [ -n "$NPPLIB" ] || { echo "NPP not found" >"$out"; exit 1; }
mkdir -p /tmp/npplib
for l in nppc nppial nppicc nppif nppig; do f=$(ls "$(dirname "$NPPLIB")"/lib$l.so* | head -1) && ln -sf "$f" /tmp/npplib/lib$l.so; done
"$NVCC" -O2 -std=c++17 -I"$(dirname "$NPPH")" benchmarks/compare/npp_bench.cpp -L/tmp/npplib -Xlinker -rpath="$(dirname "$NPPLIB")" \
  -lnppif -lnppig -lnppial -lnppicc -lnppc -o /tmp/npp_bench >"${out%.md}_build.log" 2>&1 || exit 2
timeout "$secs" /tmp/npp_bench --reps 50 --budget 1 >"$out" 2>&1
