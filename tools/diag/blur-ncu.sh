#!/usr/bin/env bash
# GPU tests, graph/chain/blur rows, ncu of the r=10 fused blur, memcheck on the PDL-launched ops.
export LD_LIBRARY_PATH=$PWD/devbuild/lib FONTCONFIG_FILE=$PWD/devbuild/fonts.conf IMAGECUDA_TEST_DATA=$PWD/tests/data IMAGECUDA_TEST_FONT_DIR=$PWD/devbuild/fonts
B=devbuild/bin
$B/imagecuda_gpu_tests "~[gl]" > $OUT/gpu-tests.log 2>&1; echo "gpu tests rc=$?"; tail -2 $OUT/gpu-tests.log; grep -B2 -A8 FAILED $OUT/gpu-tests.log | head -40
{ $B/imagecuda_bench --filter "graph" --reps 200; $B/imagecuda_bench --filter "adjust chain" --reps 200; $B/imagecuda_bench --filter "adjust hue" --reps 200; $B/imagecuda_bench --filter "gaussian_blur r=" --reps 200; $B/imagecuda_bench --filter "1080p (drop" --reps 200; $B/imagecuda_bench --filter "drop_shadow" --reps 200; } 2>&1 | grep "|" | grep -v -e "---" -e "^| group"
ncu --kernel-name-base demangled --kernel-name regex:blur_fused --launch-skip 3 --launch-count 1 --section SpeedOfLight --section Occupancy --section WarpStateStats --section MemoryWorkloadAnalysis $B/imagecuda_bench --filter "gaussian_blur r=10 4K" --reps 3 > $OUT/ncu-blur.txt 2>&1
grep -E "Duration|Throughput|Achieved Occupancy|Stall|Block Limit|Registers|Shared Memory Config" $OUT/ncu-blur.txt | head -30
timeout 200 compute-sanitizer --tool memcheck --error-exitcode 9 $B/imagecuda_gpu_tests "[graph],[adjust],[blend],[effect],[blur]" > $OUT/memcheck.log 2>&1; echo "memcheck rc=$? $(grep -E 'ERROR SUMMARY' $OUT/memcheck.log | tail -1)"
