#!/usr/bin/env bash
# GPU tests (all but gl), the adjust rows, and memcheck on adjust/shadow.
export LD_LIBRARY_PATH=$PWD/devbuild/lib FONTCONFIG_FILE=$PWD/devbuild/fonts.conf IMAGECUDA_TEST_DATA=$PWD/tests/data IMAGECUDA_TEST_FONT_DIR=$PWD/devbuild/fonts
B=devbuild/bin
$B/imagecuda_gpu_tests "~[gl]" > $OUT/gpu-tests.log 2>&1; echo "gpu tests rc=$?"; tail -2 $OUT/gpu-tests.log; grep -B2 -A12 FAILED $OUT/gpu-tests.log | head -40
{ $B/imagecuda_bench --filter "adjust" --reps 200; $B/imagecuda_bench --filter "adjust" --batch 10 --reps 100; } 2>&1 | grep "| adjust"
