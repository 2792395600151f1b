#!/usr/bin/env bash
# Diagnosis of adjust::chain (hue, vibrance, gamma) on the GPU machine: does the in-place
# benchmark's data drift change its time, and what limits the kernel (ncu).
# Usage there: bash tools/diag/chain.sh   (carry devbuild; logs to $OUT)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin/imagecuda_bench
log=$OUT/chain.txt
{
for reps in 1 3 30 300; do
  echo "== reps $reps"; $B --filter "hue, vibrance" --reps $reps 2>&1 | grep "|" | tail -1
done
echo "== batch 10"; $B --filter "hue, vibrance" --reps 100 --batch 10 2>&1 | grep "|" | tail -1
echo "== single hue"; $B --filter "adjust hue 4K" --reps 100 2>&1 | grep "|" | tail -1
$B --filter "adjust" --reps 100 2>&1 | grep "|"
} >"$log" 2>&1
ncu --kernel-name-base demangled --kernel-name regex:AdjustChain --launch-skip 0 --launch-count 1 --set full \
  $B --filter "hue, vibrance" --reps 1 >"$OUT/ncu.txt" 2>&1
ncu --kernel-name-base demangled --kernel-name regex:AdjustChain --launch-skip 200 --launch-count 1 --section SpeedOfLight --section Occupancy --section LaunchStats \
  $B --filter "hue, vibrance" --reps 300 >>"$OUT/ncu.txt" 2>&1
tail -5 "$log"
