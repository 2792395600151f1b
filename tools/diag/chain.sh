#!/usr/bin/env bash
# Diagnosis of adjust::chain (hue, vibrance, gamma) on the GPU machine: its time next to one
# adjustment, and where its instructions go (ncu, SASS with executed-instruction counts).
# Usage there: bash tools/diag/chain.sh   (carry devbuild; logs to $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin/imagecuda_bench
log=$OUT/chain.txt
{
echo "== single"; $B --filter "adjust" --reps 200 2>&1 | grep "|"
echo "== batch 10"; $B --filter "adjust chain" --reps 100 --batch 10 2>&1 | grep "|" | tail -3
} >"$log" 2>&1
ncu --kernel-name-base demangled --kernel-name regex:AdjustChain --launch-skip 5 --launch-count 1 \
  --section SpeedOfLight --section InstructionStats --section SourceCounters \
  $B --filter "hue, vibrance" --reps 10 >"$OUT/ncu.txt" 2>&1
ncu --kernel-name-base demangled --kernel-name regex:AdjustChain --launch-skip 5 --launch-count 1 \
  --section SourceCounters --page source --print-source sass --csv \
  $B --filter "hue, vibrance" --reps 10 >"$OUT/sass.csv" 2>&1
cat "$log"
