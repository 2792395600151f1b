#!/usr/bin/env bash
# Runs the gl component's GPU checks on the GPU machine (see tools/build-device.sh), logs to $OUT.
# There: carry [".gl", "devbuild"], then   bash tools/device-gl.sh
#   1. installs the GLVND loader packages carried in .gl/ (libEGL, libOpenGL, libGLdispatch...;
#      downloaded here with `apt-get download`, see docs/gl.md) and drops any GL loader that
#      bundle-libs may have put in devbuild/lib, so the machine's NVIDIA EGL driver is used;
#   2. points GLVND at the NVIDIA EGL vendor file when the default search finds none;
#   3. runs the [gl] GPU tests, compute-sanitizer memcheck, racecheck and initcheck on them
#      (GL_SANITIZE_TOOLS picks), and the gl_animation example
#      (frames written to $OUT/gl-frames).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
log=$OUT/gl-summary.txt
: >"$log"
say() { echo "$*" | tee -a "$log"; }

if ls .gl/*.deb >/dev/null 2>&1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  say "installed $(ls .gl/*.deb | wc -l) GL loader packages from .gl/"
else
  say "no .gl/*.deb carried: using the machine's GL loaders"
fi
# GL loaders must come from the system (GLVND), not from devbuild/lib (it is on LD_LIBRARY_PATH
# first): once the packages are installed, drop copies that bundle-libs may have made.
if ls .gl/*.deb >/dev/null 2>&1; then
  for lib in devbuild/lib/libEGL.so* devbuild/lib/libOpenGL.so* devbuild/lib/libGL.so* devbuild/lib/libGLX.so* \
             devbuild/lib/libGLdispatch.so* devbuild/lib/libGLESv2.so*; do
    [ -e "$lib" ] && rm -f "$lib" && say "removed bundled $lib"
  done
fi
export LD_LIBRARY_PATH=$PWD/devbuild/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export IMAGECUDA_TEST_DATA=$PWD/tests/data

# The NVIDIA EGL vendor: GLVND looks in /usr/share/glvnd/egl_vendor.d and /etc/glvnd/egl_vendor.d.
found=""
for d in /etc/glvnd/egl_vendor.d /usr/share/glvnd/egl_vendor.d; do
  ls "$d"/*nvidia*.json >/dev/null 2>&1 && found="$d"
done
if [ -z "$found" ] && [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]; then
  for f in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json; do
    if [ -f "$f" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$f; break; fi
  done
  if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ]; then
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
fi
say "EGL vendor: ${found:-${__EGL_VENDOR_LIBRARY_FILENAMES}}"
# libEGL_nvidia may live outside the loader's path in containers
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && export LD_LIBRARY_PATH=$LD_LIBRARY_PATH:$d
done
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee -a "$log"
ls -l /usr/lib/x86_64-linux-gnu/libEGL_nvidia.so* /usr/local/nvidia/lib64/libEGL_nvidia.so* 2>/dev/null | tee -a "$log"

B=devbuild/bin
$B/imagecuda_gpu_tests "[gl]" -d yes >"$OUT/gl-tests.log" 2>&1
say "gl gpu tests rc=$? $(grep -E 'test cases|All tests passed' "$OUT/gl-tests.log" | tail -1)"
grep -m3 -E "GL: " "$OUT/gl-tests.log" | tee -a "$log"
IMAGECUDA_DEVICE=cpu $B/imagecuda_tests "[gl]" >"$OUT/gl-tests-cpu.log" 2>&1
say "gl cpu tests rc=$? $(tail -2 "$OUT/gl-tests-cpu.log" | tr '\n' ' ')"

for tool in ${GL_SANITIZE_TOOLS:-memcheck racecheck initcheck}; do
  extra=""
  [ "$tool" = memcheck ] && extra="--leak-check full"
  timeout 300 compute-sanitizer --tool $tool $extra --error-exitcode 9 \
    $B/imagecuda_gpu_tests "[gl]" >"$OUT/gl-$tool.log" 2>&1
  say "compute-sanitizer $tool [gl] rc=$? $(grep -E 'ERROR SUMMARY|test cases' "$OUT/gl-$tool.log" | tail -2 | tr '\n' ' ')"
done

mkdir -p "$OUT/gl-frames"
if [ -x $B/gl_animation ]; then
  $B/gl_animation "$OUT/gl-frames" 8 >"$OUT/gl-example.log" 2>&1
  say "gl_animation rc=$? $(tail -1 "$OUT/gl-example.log")"
  head -1 "$OUT/gl-example.log" | tee -a "$log"
  mkdir -p /tmp/gl-cpu-frames
  # GPU frames against CPU frames of the same example (same formulas): byte-identical PNGs expected
  if IMAGECUDA_DEVICE=cpu $B/gl_animation /tmp/gl-cpu-frames 8 >/dev/null 2>&1; then
    same=0; total=0
    for f in "$OUT"/gl-frames/*.png; do
      total=$((total + 1)); cmp -s "$f" "/tmp/gl-cpu-frames/$(basename "$f")" && same=$((same + 1))
    done
    say "gl_animation GPU frames equal to CPU frames: $same of $total"
  else
    say "gl_animation on the CPU backend did not run here (no Mesa EGL on this machine)"
  fi
else
  say "no devbuild/bin/gl_animation (was the gl component built?)"
fi
cat "$log"
