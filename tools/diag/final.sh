#!/usr/bin/env bash
# Session-3 verification on the GPU machine: CPU and GPU suites, compute-sanitizer (memcheck on
# the whole GPU suite, racecheck and initcheck on this session's kernels: adjust's chain kernel,
# the blur shapes, the one-channel shadow blur, nvJPEG's RGBI expansion), (the benchmarks run in a second call with the comparison).
# Usage there: bash tools/diag/final.sh   (carry devbuild; logs to $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
SANITIZE_TOOLS=memcheck SANITIZE_TIMEOUT=210 bash tools/device-run.sh tests sanitize >/dev/null 2>&1
mv "$OUT/summary.txt" "$OUT/summary-a.txt"
SANITIZE_TOOLS="racecheck initcheck" SANITIZE_TIMEOUT=110 SANITIZE_TAGS="[adjust],[blur],[shadow],[nvjpeg-cuda]" \
  bash tools/device-run.sh sanitize >/dev/null 2>&1
cat "$OUT/summary-a.txt" "$OUT/summary.txt" > "$OUT/verify.txt"; rm -f "$OUT/summary-a.txt" "$OUT/summary.txt"
tar -C "$OUT" -czf "$OUT/logs.tar.gz" --remove-files $(cd "$OUT" && ls *.log 2>/dev/null)
cat "$OUT/verify.txt"
