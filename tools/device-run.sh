#!/usr/bin/env bash
# Runs on the GPU machine (see tools/build-device.sh): all tests, compute-sanitizer and the
# benchmarks; logs go to $OUT. Usage there: bash tools/device-run.sh [tests|sanitize|bench|examples|gl|pipeline]...
# The [gl] tests need the GL loaders carried in .gl (carry [".gl","devbuild"]): the `gl` step runs
# tools/device-gl.sh for them; the other steps leave them out.
set -uo pipefail
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
export LD_LIBRARY_PATH=$PWD/devbuild/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export IMAGECUDA_TEST_DATA=$PWD/tests/data
export FONTCONFIG_FILE=$PWD/devbuild/fonts.conf
export IMAGECUDA_TEST_FONT_DIR=$PWD/devbuild/fonts
B=devbuild/bin
steps=${*:-tests sanitize bench examples}
summary=$OUT/summary.txt
: >"$summary"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem --format=csv | tee -a "$summary"

for step in $steps; do
  case $step in
    tests)
      IMAGECUDA_DEVICE=cpu $B/imagecuda_tests >"$OUT/tests-cpu.log" 2>&1; echo "cpu tests rc=$? $(tail -2 "$OUT/tests-cpu.log" | tr '\n' ' ')" | tee -a "$summary"
      $B/imagecuda_gpu_tests "~[gl]" >"$OUT/tests-gpu.log" 2>&1; echo "gpu tests rc=$? $(tail -2 "$OUT/tests-gpu.log" | tr '\n' ' ')" | tee -a "$summary"
      ;;
    sanitize)
      # The out-of-memory test asks for 160 GB on purpose; leave it out under the sanitizer.
      for tool in ${SANITIZE_TOOLS:-memcheck racecheck initcheck synccheck}; do
        extra=""
        [ "$tool" = memcheck ] && extra="--leak-check full"
        timeout ${SANITIZE_TIMEOUT:-240} compute-sanitizer --tool $tool $extra --error-exitcode 9 $B/imagecuda_gpu_tests ${SANITIZE_TAGS:-"~[oom]~[soak]~[gl]"} >"$OUT/sanitize-$tool.log" 2>&1
        echo "compute-sanitizer $tool rc=$? $(grep -E 'ERROR SUMMARY|test cases' "$OUT/sanitize-$tool.log" | tail -2 | tr '\n' ' ')" | tee -a "$summary"
      done
      ;;
    gl)
      OUT=$OUT bash tools/device-gl.sh >"$OUT/gl.log" 2>&1; echo "gl rc=$?" | tee -a "$summary"
      cat "$OUT/gl-summary.txt" >>"$summary" 2>/dev/null
      ;;
    pipeline)
      rm -rf /tmp/pipeline_photos
      $B/imagecuda_pipeline --make-photos /tmp/pipeline_photos 64 >"$OUT/pipeline.log" 2>&1 &&
        $B/imagecuda_pipeline --photos /tmp/pipeline_photos --threads 1,4,8 --out "$OUT/pipeline.md" >>"$OUT/pipeline.log" 2>&1
      echo "pipeline rc=$?" | tee -a "$summary"
      ;;
    bench)
      $B/imagecuda_bench --out "$OUT/bench.md" >"$OUT/bench.log" 2>&1; echo "bench rc=$?" | tee -a "$summary"
      cat "$OUT/bench.md"
      ;;
    examples)
      mkdir -p /tmp/pics
      for e in $B/*; do
        case $(basename "$e") in imagecuda_*) continue ;; esac
        "$e" /tmp/pics >>"$OUT/examples.log" 2>&1 || echo "example $(basename "$e") failed" | tee -a "$summary"
      done
      tar -C /tmp/pics -czf "$OUT/pictures-gpu.tar.gz" . && echo "pictures: $(ls /tmp/pics | wc -l)" | tee -a "$summary"
      ;;
  esac
done
cat "$summary"
