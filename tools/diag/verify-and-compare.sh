#!/usr/bin/env bash
# One call on the GPU machine (carry .gl, .whl, devbuild): the GPU suite, benchmark rows,
# compute-sanitizer on the kernels under work, deflate_kernel's phase times (pz_profile), then the
# side-by-side comparison (benchmarks/compare/run-device.sh). Fits the 600 s a command may take.
# Usage there: OUT=$OUT bash tools/diag/verify-and-compare.sh
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
STEPS="tests bench race init mem" TEST_TAGS="${TEST_TAGS:-~[gl]~[oom]~[soak]}" BENCH_FILTERS="${BENCH_FILTERS:-copy PngDeflate}" \
  RACE_TAGS="${RACE_TAGS:-[png_parallel]}" MEM_TAGS="${MEM_TAGS:-[png_parallel],[io],[nvjpeg]}" NPP=0 \
  DEADLINE=${VERIFY_DEADLINE:-170} bash tools/diag/verify.sh >"$OUT/verify-stdout.txt" 2>&1
tail -12 "$OUT/verify-stdout.txt"
if [ -x devbuild/bin/pz_profile ] && [ -f devbuild/card.png ]; then
  LD_LIBRARY_PATH=devbuild/lib devbuild/bin/pz_profile devbuild/card.png 2>&1 | tail -4 | tee "$OUT/pz_profile.txt"
fi
COMPARE_DEADLINE=${COMPARE_DEADLINE:-380} OUT=$OUT bash benchmarks/compare/run-device.sh >"$OUT/compare-stdout.txt" 2>&1
echo "compare rc=$?"; grep -E 'cards/s|×|rc=' "$OUT/compare-stdout.txt" | tail -40
