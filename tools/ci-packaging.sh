#!/usr/bin/env bash
# CI packaging check, run by .ci/run after `cmake --workflow --preset ci`.
# That workflow already ran the CTest checks labelled `packaging` and `docs` (consumers through
# the build tree, a moved install tree, add_subdirectory, FetchContent, the vcpkg port's options
# (static, text off); every header on its own; doc snippets). What is left: a static build with
# the text component on (when its libraries are present), installed, moved and consumed, so
# that the pkg-config dependencies a static libimagecuda.a exports (libspng, libturbojpeg,
# FreeType/HarfBuzz/Fontconfig) are proven. ccache makes the library build cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

# the ci workflow must have registered and run the packaging/docs tests
n=$(ctest --test-dir build/ci -N -L 'packaging|docs' | sed -n 's/^Total Tests: //p')
if [ "${n:-0}" -lt 7 ]; then
  echo "ci-packaging: expected the packaging and docs tests in build/ci, found ${n:-0}" >&2
  exit 1
fi

cmake --preset ci-static
cmake --build --preset ci-static
IMAGECUDA_DEVICE=cpu cmake -DMODE=moved-install -DSOURCE_DIR="$PWD" -DBINARY_DIR="$PWD/build/ci-static" \
      -DWORK_DIR="$PWD/build/ci-static/packaging" -DGENERATOR=Ninja -DCXX_LAUNCHER=ccache \
      -P tests/find-package/run-consumer.cmake
echo "ci-packaging: static build installed, moved and consumed"
