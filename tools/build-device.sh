#!/usr/bin/env bash
# Build everything for the H100 (sm_90) here, then copy binaries and the shared libraries they
# need into devbuild/ (git-ignored) so that the `device` tool can carry it to the GPU machine.
# Usage: tools/build-device.sh     then run tools/device-run.sh there with `carry: ["devbuild"]`.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset device >/dev/null
cmake --build build/device -j2
rm -rf devbuild && mkdir -p devbuild/bin
bins=(build/device/tests/imagecuda_tests build/device/tests/imagecuda_gpu_tests build/device/benchmarks/imagecuda_bench)
for e in build/device/examples/*; do [ -x "$e" ] && [ -f "$e" ] && bins+=("$e"); done
cp "${bins[@]}" devbuild/bin/
../shared/tools/bundle-libs devbuild/lib "${bins[@]}" >/dev/null
cp -L build/device/libimagecuda.so* devbuild/lib/ 2>/dev/null || true
du -sh devbuild
