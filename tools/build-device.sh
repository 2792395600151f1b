#!/usr/bin/env bash
# Build everything for the H100 (sm_90) here, then copy binaries and the shared libraries they
# need into devbuild/ (git-ignored) so that the `device` tool can carry it to the GPU machine.
# Usage: tools/build-device.sh     then run tools/device-run.sh there with `carry: ["devbuild"]`.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset device >/dev/null
cmake --build build/device -j2
rm -rf devbuild && mkdir -p devbuild/bin
bins=(build/device/tests/imagecuda_tests build/device/tests/imagecuda_gpu_tests build/device/benchmarks/imagecuda_bench
      build/device/benchmarks/imagecuda_pipeline)
for e in build/device/examples/*; do [ -x "$e" ] && [ -f "$e" ] && bins+=("$e"); done
cp "${bins[@]}" devbuild/bin/
../shared/tools/bundle-libs devbuild/lib "${bins[@]}" >/dev/null
cp -L build/device/libimagecuda.so* devbuild/lib/ 2>/dev/null || true
# The GPU machine has no fonts and no fontconfig setup: carry DejaVu and a fonts.conf naming it
# (tools/device-run.sh points FONTCONFIG_FILE at it).
mkdir -p devbuild/fonts
cp /usr/share/fonts/truetype/dejavu/*.ttf devbuild/fonts/ 2>/dev/null || true
cat > devbuild/fonts.conf <<'XML'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir prefix="relative">fonts</dir>
  <cachedir>/tmp/imagecuda-fontconfig-cache</cachedir>
</fontconfig>
XML
du -sh devbuild
