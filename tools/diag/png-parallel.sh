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
