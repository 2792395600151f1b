#!/usr/bin/env bash
# Quick GPU check of the adjust module: its GPU tests, the chain rows single and batched, and
# the chain kernel's executed instructions. Usage there: bash tools/diag/chain-check.sh
export LD_LIBRARY_PATH=$PWD/devbuild/lib
B=devbuild/bin
$B/imagecuda_gpu_tests "[adjust]" 2>&1 | tail -12
{ $B/imagecuda_bench --filter "adjust" --reps 200; $B/imagecuda_bench --filter "adjust chain" --batch 10 --reps 100; } 2>&1 | grep "| adjust"
ncu --kernel-name-base demangled --kernel-name regex:chain_kernel --launch-skip 5 --launch-count 1 --section SpeedOfLight --section InstructionStats $B/imagecuda_bench --filter "hue, vibrance" --reps 10 2>&1 | grep -E "Duration|Executed Instructions  |Compute \(SM\)|DRAM Through"
