#!/usr/bin/env bash
# What limits the fused gaussian blur at r=10 (issue #5): ncu's throughput, occupancy, warp-stall
# and memory sections for one launch. Usage there: bash tools/diag/blur-ncu.sh (carry devbuild)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib
ncu --kernel-name-base demangled --kernel-name regex:blur_fused --launch-skip 3 --launch-count 1 \
  --section SpeedOfLight --section Occupancy --section WarpStateStats --section MemoryWorkloadAnalysis \
  devbuild/bin/imagecuda_bench --filter "gaussian_blur r=10 4K" --reps 3 > "$OUT/ncu-blur.txt" 2>&1
grep -E "Duration|Throughput|Achieved Occupancy|Stall|Block Limit|Registers" "$OUT/ncu-blur.txt" | head -30
