#!/usr/bin/env bash
# One-call verification and measurement on the GPU machine (carry devbuild), within a deadline:
# the whole GPU suite; the benchmark rows of the kernels under work; compute-sanitizer racecheck,
# initcheck and memcheck (leak check) on the tests of those kernels; then NPP's rows.
# Each step gets what is left of DEADLINE seconds. Logs and the tables go to $OUT.
# Usage there: bash tools/diag/verify.sh
#   env: TEST_TAGS, MEM_TAGS, RACE_TAGS, INIT_TAGS (Catch2 test specs; INIT_TAGS defaults to
#   RACE_TAGS), BENCH_FILTERS (bench --filter substrings), NPP=0 (no NPP rows), DEADLINE (seconds,
#   default 540), STEPS (order of: tests bench race init mem npp).
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
sanitize() {  # tool, tags, seconds
  local extra=""; [ "$1" = memcheck ] && extra="--leak-check full"
  timeout "$(left "$3")" compute-sanitizer --tool "$1" $extra --error-exitcode 9 $B/imagecuda_gpu_tests "$2" >"$OUT/sanitize-$1.log" 2>&1
  say "compute-sanitizer $1 on $2: rc=$? $(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY|test cases' "$OUT/sanitize-$1.log" | tail -3 | tr '\n' ' ')"
}
# STEPS: the steps in the order to run them (the deadline cuts the last ones short).
for step in ${STEPS:-tests bench race init mem npp}; do
  case $step in
    tests)
      timeout "$(left 150)" $B/imagecuda_gpu_tests "${TEST_TAGS:-~[gl]~[oom]~[soak]}" >"$OUT/tests-gpu.log" 2>&1
      say "gpu tests rc=$? $(tail -2 "$OUT/tests-gpu.log" | tr '\n' ' ')" ;;
    bench)
      for f in ${BENCH_FILTERS:-copy resize gaussian_blur graph drop_shadow}; do
        timeout "$(left 120)" $B/imagecuda_bench --filter "$f" --reps 100 >>"$OUT/bench.md" 2>&1
      done
      say "bench: $(grep -c '^| [a-z]' "$OUT/bench.md") rows" ;;
    race) sanitize racecheck "${RACE_TAGS:-[blur],[resize]}" 150 ;;
    init) sanitize initcheck "${INIT_TAGS:-${RACE_TAGS:-[blur],[resize]}}" 120 ;;
    mem) sanitize memcheck "${MEM_TAGS:-[blur],[resize],[graph],[filter],[effect]}" 200 ;;
    npp)
      if [ "${NPP:-1}" = 1 ]; then
        bash tools/diag/npp.sh "$OUT/npp.md" "$(left 100)"
        say "npp rc=$?"
      fi ;;
  esac
done
grep '^|' "$OUT/bench.md" | grep -v '^| group\|^|---'; grep '^| ' "$OUT/npp.md" | grep -i "resize\|gauss"
tar -C "$OUT" -czf "$OUT/logs.tar.gz" $(cd "$OUT" && ls *.log 2>/dev/null)
cat "$S"
