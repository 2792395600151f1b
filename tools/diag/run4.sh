export LD_LIBRARY_PATH=$PWD/devbuild/lib FONTCONFIG_FILE=$PWD/devbuild/fonts.conf IMAGECUDA_TEST_DATA=$PWD/tests/data IMAGECUDA_TEST_FONT_DIR=$PWD/devbuild/fonts
B=devbuild/bin
$B/imagecuda_gpu_tests "~[gl]" > $OUT/gpu-tests.log 2>&1; echo "gpu tests rc=$?"; tail -3 $OUT/gpu-tests.log; grep "^nvjpeg:" $OUT/gpu-tests.log
{ $B/imagecuda_bench --filter "adjust" --reps 200; $B/imagecuda_bench --filter "adjust chain" --batch 10 --reps 100; $B/imagecuda_bench --filter "gaussian_blur r=10" --reps 200; $B/imagecuda_bench --filter "1080p (drop" --reps 200; $B/imagecuda_bench --filter "drop_shadow" --reps 200; } 2>&1 | grep "|" | grep -v -e "---" -e "^| group" > $OUT/bench.txt
cat $OUT/bench.txt
ncu --kernel-name-base demangled --kernel-name regex:chain_kernel --launch-skip 5 --launch-count 1 --section SpeedOfLight --section InstructionStats $B/imagecuda_bench --filter "hue, vibrance" --reps 10 2>&1 | grep -E "Duration|Executed Instructions  |Compute \(SM\)|DRAM Through"
bash tools/diag/graph.sh 2>&1 | tail -14
