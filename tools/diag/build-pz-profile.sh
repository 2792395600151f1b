#!/usr/bin/env bash
# Builds devbuild/bin/pz_profile (tools/diag/pz_profile.cu) against build/device's library.
set -euo pipefail
cd "$(dirname "$0")/../.."
nvcc -std=c++20 -O3 --expt-relaxed-constexpr -arch=sm_90 -Iinclude -Ibuild/device/generated -Isrc -I/usr/include/stb \
  tools/diag/pz_profile.cu -Lbuild/device -limagecuda -lfmt -o devbuild/bin/pz_profile
