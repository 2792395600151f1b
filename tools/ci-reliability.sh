#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Reliability checks for CI (no GPU), called by .ci/run after the ci workflow. Three stages:
#   1. asan  : the `asan` preset's configuration (ASan + UBSan + LSan, Debug) builds the CPU tests
#              and runs the whole CPU suite with the asan test preset's environment (ctest -L cpu;
#              the packaging/docs labels already ran in the ci preset and tools/ci-packaging.sh).
#   2. fuzz  : libFuzzer targets (fuzz/) built with clang++ against a static imagecuda whose host
#              sources clang++ builds with ASan + UBSan + coverage (the .cu files go through
#              nvcc + g++ as always); each runs IMAGECUDA_FUZZ_SECONDS (default 60) under CTest
#              and any crash, sanitizer report or leak fails the stage.
#   3. tsan  : ThreadSanitizer build of the CPU tests; runs the [concurrency] and [soak] tags.
# Stages can be picked: tools/ci-reliability.sh asan fuzz tsan (default: all three).
# Budget: <= 25 minutes on the 2-core CI machine (measured figures in docs/reliability.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends clang libfuzzer-14-dev
fi
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
# Nested build dirs share ccache entries when paths are relative to the source tree.
export CCACHE_BASEDIR="$PWD"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export IMAGECUDA_DEVICE=cpu
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(asan fuzz tsan)
seconds=${IMAGECUDA_FUZZ_SECONDS:-60}
# Build folders: <prefix>asan (the asan preset's own build/asan by default), <prefix>fuzz, <prefix>tsan.
prefix=${IMAGECUDA_RELIABILITY_PREFIX:-build/}
asan_dir=${prefix}asan
fuzz_dir=${prefix}fuzz
tsan_dir=${prefix}tsan
start=$SECONDS
stamp() { echo "== ci-reliability: $1 ($((SECONDS - start)) s)"; }

for stage in "${stages[@]}"; do
  case "$stage" in
    asan)
      # The asan presets' configuration (binaryDir overridable for local runs) and test environment.
      stamp "asan: configure + build"
      cmake --preset asan -B "$asan_dir" -DIMAGECUDA_BUILD_EXAMPLES=OFF
      cmake --build "$asan_dir" --target imagecuda_tests
      stamp "asan: CPU suite"
      ASAN_OPTIONS=protect_shadow_gap=0:detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
        ctest --test-dir "$asan_dir" -L cpu --output-on-failure
      ;;
    fuzz)
      stamp "fuzz: configure + build"
      cmake -S . -B $fuzz_dir -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CUDA_HOST_COMPILER=g++ -DBUILD_SHARED_LIBS=OFF \
        -DIMAGECUDA_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DIMAGECUDA_BUILD_FUZZERS=ON \
        -DIMAGECUDA_BUILD_TESTS=OFF -DIMAGECUDA_BUILD_EXAMPLES=OFF -DIMAGECUDA_BUILD_BENCHMARKS=OFF \
        -DIMAGECUDA_INSTALL=OFF -DIMAGECUDA_FUZZ_SECONDS="$seconds" \
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache
      cmake --build $fuzz_dir -j2
      stamp "fuzz: ${seconds} s per target"
      # One target at a time (two cores); the full log stays in $fuzz_dir/fuzz.log.
      rc=0
      ctest --test-dir $fuzz_dir/fuzz -j1 -V --output-on-failure >$fuzz_dir/fuzz.log 2>&1 || rc=$?
      grep -E "Test +#|stat::number_of_executed_units|stat::peak_rss_mb|ERROR:|SUMMARY:|runtime error|tests passed" \
        $fuzz_dir/fuzz.log || true
      if [ $rc -ne 0 ]; then
        tail -n 80 $fuzz_dir/fuzz.log
        ls -la $fuzz_dir/fuzz/artifacts || true
        echo "fuzz: a target crashed or failed; reproducers in $fuzz_dir/fuzz/artifacts" && exit 1
      fi
      ;;
    tsan)
      stamp "tsan: configure + build"
      cmake -S . -B $tsan_dir -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
        "-DCMAKE_CXX_FLAGS=-fsanitize=thread -g" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
        -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCMAKE_CUDA_HOST_COMPILER=g++ -DIMAGECUDA_BUILD_EXAMPLES=OFF \
        -DIMAGECUDA_BUILD_BENCHMARKS=OFF -DIMAGECUDA_INSTALL=OFF -DIMAGECUDA_WITH_GL=OFF \
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache
      # Only the objects the two tags need (main, helpers, test_reliability): the library plus 3
      # test sources instead of the whole suite; linked with imagecuda_tests' own link line.
      objs="tests/CMakeFiles/imagecuda_tests.dir/main.cpp.o tests/CMakeFiles/imagecuda_tests.dir/helpers.cpp.o"
      objs="$objs tests/CMakeFiles/imagecuda_tests.dir/test_reliability.cpp.o"
      cmake --build $tsan_dir -j2 --target imagecuda
      ninja -C $tsan_dir -j2 $objs
      link=$(ninja -C $tsan_dir -t commands tests/imagecuda_tests | tail -n 1)
      link=$(echo "$link" | sed -E "s# tests/CMakeFiles/imagecuda_tests.dir/[^ ]+\.o##g; s# -o tests/imagecuda_tests # $objs -o tests/imagecuda_tsan_tests #")
      (cd $tsan_dir && eval "$link")
      stamp "tsan: [concurrency] and [soak]"
      TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
        setarch "$(uname -m)" -R $tsan_dir/tests/imagecuda_tsan_tests "[concurrency],[soak]"
      ;;
    *) echo "unknown stage $stage (asan, fuzz, tsan)" && exit 2 ;;
  esac
done
stamp "done"
