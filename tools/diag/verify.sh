#!/usr/bin/env bash
# One-call verification and measurement on the GPU machine (carry devbuild), within a deadline:
# the whole GPU suite; the benchmark rows of the kernels under work; NPP's rows; then
# compute-sanitizer memcheck (leak check), racecheck and initcheck on the tests of those kernels.
# Each step gets what is left of DEADLINE seconds. Logs and the tables go to $OUT.
# Usage there: bash tools/diag/verify.sh
#   env: TEST_TAGS, MEM_TAGS, RACE_TAGS (Catch2 test specs), BENCH_FILTERS (bench --filter
#   substrings), NPP=0 (no NPP rows), DEADLINE (seconds, default 540).
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
T0=$(date +%s); DEADLINE=${DEADLINE:-540}
left() { local t=$1 l=$(( DEADLINE - ($(date +%s) - T0) )); [ "$l" -lt "$t" ] && t=$l; [ "$t" -lt 1 ] && t=1; echo "$t"; }
export LD_LIBRARY_PATH=$PWD/devbuild/lib
export IMAGECUDA_TEST_DATA=$PWD/tests/data FONTCONFIG_FILE=$PWD/devbuild/fonts.conf IMAGECUDA_TEST_FONT_DIR=$PWD/devbuild/fonts
B=devbuild/bin
S=$OUT/verify.txt
say() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$S"; }
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$S"
timeout "$(left 150)" $B/imagecuda_gpu_tests "${TEST_TAGS:-~[gl]~[oom]~[soak]}" >"$OUT/tests-gpu.log" 2>&1
say "gpu tests rc=$? $(tail -2 "$OUT/tests-gpu.log" | tr '\n' ' ')"
for f in ${BENCH_FILTERS:-copy resize gaussian_blur graph drop_shadow}; do
  timeout "$(left 120)" $B/imagecuda_bench --filter "$f" --reps 100 >>"$OUT/bench.md" 2>&1
done
say "bench: $(grep -c '^| [a-z]' "$OUT/bench.md") rows"
if [ "${NPP:-1}" = 1 ]; then
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
NPPH=$(ls /usr/local/cuda/include/npp.h /usr/local/cuda/targets/x86_64-linux/include/npp.h 2>/dev/null | head -1)
NPPLIB=$(find /usr/local/cuda/ -name 'libnppif.so*' 2>/dev/null | head -1)
mkdir -p /tmp/npplib
for l in nppc nppial nppicc nppif nppig; do f=$(ls "$(dirname "$NPPLIB")"/lib$l.so* | head -1) && ln -sf "$f" /tmp/npplib/lib$l.so; done
"$NVCC" -O2 -std=c++17 -I"$(dirname "$NPPH")" benchmarks/compare/npp_bench.cpp -L/tmp/npplib -Xlinker -rpath="$(dirname "$NPPLIB")" \
  -lnppif -lnppig -lnppial -lnppicc -lnppc -o /tmp/npp_bench >"$OUT/npp_build.log" 2>&1 &&
  timeout "$(left 100)" /tmp/npp_bench --reps 50 --budget 1 >"$OUT/npp.md" 2>&1
say "npp rc=$?"
fi
sanitize() {  # tool, tags, seconds
  local extra=""; [ "$1" = memcheck ] && extra="--leak-check full"
  timeout "$(left "$3")" compute-sanitizer --tool "$1" $extra --error-exitcode 9 $B/imagecuda_gpu_tests "$2" >"$OUT/sanitize-$1.log" 2>&1
  say "compute-sanitizer $1 on $2: rc=$? $(grep -E 'ERROR SUMMARY|test cases' "$OUT/sanitize-$1.log" | tail -2 | tr '\n' ' ')"
}
sanitize racecheck "${RACE_TAGS:-[blur],[resize]}" 150
sanitize initcheck "${RACE_TAGS:-[blur],[resize]}" 120
sanitize memcheck "${MEM_TAGS:-[blur],[resize],[graph],[filter],[effect]}" 200
grep '^|' "$OUT/bench.md" | grep -v '^| group\|^|---'; grep '^| ' "$OUT/npp.md" | grep -i "resize\|gauss"
tar -C "$OUT" -czf "$OUT/logs.tar.gz" $(cd "$OUT" && ls *.log 2>/dev/null)
cat "$S"
