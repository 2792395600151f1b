#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue #10 part 4: imagecuda, PyImageCUDA 0.1.4, NPP and libvips side by side, in one run on the
# GPU machine. From the repository root there:
#   bash benchmarks/compare/run-device.sh          (carry .gl, .whl and devbuild)
# Needs: devbuild/bin/imagecuda_bench and devbuild/bin/imagecuda_pipeline (tools/build-device.sh),
# devbuild/lib, devbuild/fonts + fonts.conf; .whl/ with pyimagecuda 0.1.4, pyvips, pyvips-binary,
# cffi, pycparser and .whl/x11/*.deb (benchmarks/compare/README.md); .gl/ with the GL loader .debs.
# Everything is capped so that the whole run stays under 8 minutes. $OUT gets (8 files at most):
#   summary.txt, compare.md (the table for RESULTS.md), compare.png (the chart), results.tar.gz
#   (every log and JSON), and the main logs uncompressed.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${OUT:-/tmp/compare-out}
W=/tmp/cmp            # work dir: every log and result; tarred into $OUT at the end
rm -rf "$W" /tmp/cmp_photos
mkdir -p "$OUT" "$W"
SUM=$W/summary.txt
T0=$(date +%s)
PNG_LEVEL=2           # one zlib level for every pipeline (imagecuda's default; libvips' default is 6)
PHOTOS=/tmp/cmp_photos    # our own set (rm -rf at start): 64 x 1920x1280 JPEG q90 from imagecuda_pipeline --make-photos
NPHOTOS=${COMPARE_PHOTOS:-64}
SECS=${COMPARE_SECONDS:-4}   # timed seconds per pipeline configuration
B=$ROOT/devbuild/bin
DEADLINE=${COMPARE_DEADLINE:-540}   # seconds: later steps get what is left (the device allows 600 per command)
tmo() { local t=$1 l=$(( DEADLINE - ($(date +%s) - T0) )); [ "$l" -lt "$t" ] && t=$l; [ "$t" -lt 1 ] && t=1; echo "$t"; }
say() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$SUM"; }
finish() {
  say "done"
  cp "$SUM" "$OUT/summary.txt"
  (cd /tmp && tar czf "$OUT/results.tar.gz" cmp)
  for f in compare.md compare.png pipeline_cards.md pipeline_cards_jpeg_gpu.md; do [ -f "$W/$f" ] && cp "$W/$f" "$OUT/"; done
  [ -f "$W/ours_bench.md" ] && cp "$W/ours_bench.md" "$OUT/"
}
trap finish EXIT

nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv,noheader | tee -a "$SUM"
echo "cpus: $(nproc)" | tee -a "$SUM"

# --- 1. GL loaders (PyImageCUDA's module links libOpenGL/libGLX), wheels --------------------------
if [ -z "${COMPARE_NO_GL:-}" ]; then   # COMPARE_NO_GL=1: a dry run on a machine that has GL (never unpack into / there)
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
  >"$W/pip.log" 2>&1 || { say "pip install of .whl failed (see pip.log)"; exit 1; }
# PyImageCUDA's bundled libGLX needs libX11.so.6 and libXext.so.6 (manylinux leaves them to the
# system). Where the machine lacks them, the Debian 12 packages in .whl/x11 provide them: unpacked
# under /tmp (never into /), and only the missing libraries are put on the library path.
mkdir -p /tmp/x11lib
LDCACHE=$(ldconfig -p)   # once: 'ldconfig -p | grep -q' fails under pipefail when grep exits early
for so in libX11.so.6 libXext.so.6 libxcb.so.1 libXau.so.6 libXdmcp.so.6 libbsd.so.0 libmd.so.0; do
  if ! grep -q "[[:space:]]$so[[:space:]]" <<<"$LDCACHE"; then
    [ -d /tmp/x11 ] || { mkdir -p /tmp/x11; for f in .whl/x11/*.deb; do dpkg -x "$f" /tmp/x11; done; }
    ln -sf "$(ls /tmp/x11/usr/lib/x86_64-linux-gnu/$so* | head -1)" /tmp/x11lib/$so && say "carried $so (.whl/x11)"
  fi
done
export LD_LIBRARY_PATH=/tmp/x11lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PYTHONPATH=/tmp/site:$ROOT/benchmarks/compare
export FONTCONFIG_FILE=$ROOT/devbuild/fonts.conf   # DejaVu for imagecuda and for libvips' Pango
export PYTHONUNBUFFERED=1
python3 -c "import pyvips, pyimagecuda; print('pyvips', pyvips.__version__, 'libvips', pyvips.version(0), pyvips.version(1), pyvips.version(2)); pyimagecuda.check_system()" 2>&1 | tee -a "$SUM"
# Our binaries get devbuild/lib; the Python runs keep their own (pyvips-binary bundles its libraries).
ours() { LD_LIBRARY_PATH=$ROOT/devbuild/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$@"; }

# --- 2. NPP bench: build against the device toolkit's NPP ----------------------------------------
NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
NPPH=$(ls /usr/local/cuda/include/npp.h /usr/local/cuda/targets/x86_64-linux/include/npp.h 2>/dev/null | head -1)
[ -z "$NPPH" ] && NPPH=$(find /usr/local /opt /usr/lib/python3* -name npp.h 2>/dev/null | head -1)
NPPLIB=$(find /usr/local/cuda/lib64/ /usr/local/cuda/targets/x86_64-linux/lib/ "$(dirname "${NPPH:-/x}")/../lib" \
           -name 'libnppif.so*' 2>/dev/null | head -1)
if [ -n "$NPPH" ] && [ -n "$NPPLIB" ]; then
  mkdir -p /tmp/npplib
  for l in nppc nppial nppicc nppif nppig; do   # link names even where only libX.so.13 exists
    f=$(ls "$(dirname "$NPPLIB")"/lib$l.so* | head -1) && ln -sf "$f" /tmp/npplib/lib$l.so
  done
  say "NPP: headers $(dirname "$NPPH"), libraries $(dirname "$NPPLIB")"
  if "$NVCC" -O2 -std=c++17 -I"$(dirname "$NPPH")" benchmarks/compare/npp_bench.cpp -L/tmp/npplib \
       -Xlinker -rpath="$(dirname "$NPPLIB")" -lnppif -lnppig -lnppial -lnppicc -lnppc -o /tmp/npp_bench >"$W/npp_build.log" 2>&1; then
    timeout $(tmo 90) /tmp/npp_bench --reps 50 --budget 1.5 --out "$W/npp.json" >"$W/npp.md" 2>"$W/npp.err"
    rc=$?
    say "npp_bench rc=$rc ($(grep -c '^| ' "$W/npp.md") table lines; $(cat "$W/npp.err" | tr '\n' ' '))"
  else
    say "npp_bench build failed (npp_build.log)"
  fi
else
  say "NPP not found on this machine (no npp.h / libnppif): NPP column empty"
fi

# --- 3. photos ------------------------------------------------------------------------------------
if [ -x "$B/imagecuda_pipeline" ]; then
  ours "$B/imagecuda_pipeline" --make-photos "$PHOTOS" "$NPHOTOS" 2>&1 | tee -a "$SUM"
fi
if [ "$(ls "$PHOTOS"/*.jpg 2>/dev/null | wc -l)" -eq 0 ]; then
  say "imagecuda_pipeline --make-photos unavailable: making $NPHOTOS photos with Pillow instead"
  python3 - "$PHOTOS" "$NPHOTOS" <<'EOF'
import sys, os, numpy as np
from PIL import Image
d, n = sys.argv[1], int(sys.argv[2]); os.makedirs(d, exist_ok=True)
y, x = np.mgrid[0:1280, 0:1920].astype(np.float32)
for i in range(n):
    rng = np.random.default_rng(i)
    r = (np.sin(x / (90 + 3 * i)) * 0.5 + 0.5) * 200 + rng.random((1280, 1920)) * 30
    g = (y / 1280) * 180 + rng.random((1280, 1920)) * 30
    b = ((x + y) / 3200) * 255 * (0.4 + 0.01 * i)
    Image.fromarray(np.clip(np.dstack([r, g, b]), 0, 255).astype(np.uint8)).save(f"{d}/photo_{i:04d}.jpg", quality=90)
EOF
fi

# --- 4. the social-card pipeline (first: the targets are here): imagecuda, PyImageCUDA, libvips -----------------------------------
if [ -x "$B/imagecuda_pipeline" ]; then
  timeout $(tmo 120) bash -c "LD_LIBRARY_PATH=$ROOT/devbuild/lib '$B/imagecuda_pipeline' --photos $PHOTOS --threads 1,4,8 \
      --seconds $SECS --text both --png-compression $PNG_LEVEL --out '$W/pipeline_cards.md'" >"$W/pipeline.log" 2>&1
  rc=$?
  say "imagecuda_pipeline rc=$rc"
  # With nvJPEG: the cards' JPEGs encoded on the GPU (io::GpuJpegEncoder), the PNGs on the codec
  # threads (libdeflate) or on the GPU (PngDeflate::parallel); photos decoded by TurboJPEG on the
  # codec threads or by nvJPEG (the GPU's JPEG engines, which top out near 770 photos/s here).
  if grep -q "GpuJpegDecoder" "$W/pipeline.log"; then
    timeout $(tmo 150) bash -c "LD_LIBRARY_PATH=$ROOT/devbuild/lib '$B/imagecuda_pipeline' --photos $PHOTOS --threads 1,4,8 \
        --seconds $SECS --text per-card --decode both --jpeg-encode gpu --png-encode both --png-compression $PNG_LEVEL \
        --out '$W/pipeline_cards_jpeg_gpu.md'" >>"$W/pipeline.log" 2>&1
    say "imagecuda_pipeline --jpeg-encode gpu --png-encode both rc=$?"
  fi
fi
mkdir -p "$W/cards"
timeout $(tmo 80) python3 benchmarks/compare/pipeline_pyimagecuda.py --photos $PHOTOS --workers 1,4,8 --seconds $SECS \
  --png-compression $PNG_LEVEL --save "$W/cards" --out "$W/pipeline_pyimagecuda.json" >"$W/pipeline_pyimagecuda.log" 2>&1
rc=$?
say "pipeline_pyimagecuda rc=$rc: $(grep best "$W/pipeline_pyimagecuda.log")"
for cfg in "uchar 8,16,32 1" "uchar 4 4" "float 16 1"; do
  set -- $cfg
  timeout $(tmo 90) python3 benchmarks/compare/pipeline_vips.py --photos $PHOTOS --format "$1" --workers "$2" \
    --vips-concurrency "$3" --seconds $SECS --png-compression $PNG_LEVEL --save "$W/cards" \
    --out "$W/pipeline_vips_$1_c$3.json" >"$W/pipeline_vips_$1_c$3.log" 2>&1
  rc=$?
  say "pipeline_vips $cfg rc=$rc: $(grep best "$W/pipeline_vips_$1_c$3.log")"
done

# --- 5. imagecuda: op rows (one invocation per group: --filter takes one substring), each timed
#        as 10 back-to-back calls per run like the PyImageCUDA and NPP rows (launch latency amortised)
if [ -x "$B/imagecuda_bench" ]; then
  : >"$W/ours_bench.md"
  for f in "fill " "adjust " "blend " "filter " "effect " "core " "resize " "transform " "text "; do
    timeout $(tmo 40) bash -c "LD_LIBRARY_PATH=$ROOT/devbuild/lib '$B/imagecuda_bench' --filter '$f' --reps 30 --batch 10" \
      >>"$W/ours_bench.md" 2>>"$W/ours_bench.err" || say "imagecuda_bench --filter '$f' rc=$?"
  done
  for f in "io load" "io save"; do   # host-timed file rows: few runs (each default PNG level: ours 2, libvips 6)
    timeout $(tmo 40) bash -c "LD_LIBRARY_PATH=$ROOT/devbuild/lib '$B/imagecuda_bench' --filter '$f' --reps 5" \
      >>"$W/ours_bench.md" 2>>"$W/ours_bench.err" || say "imagecuda_bench --filter '$f' rc=$?"
  done
  say "imagecuda_bench: $(grep -c '^| [a-z]* | ' "$W/ours_bench.md") rows"
else
  say "devbuild/bin/imagecuda_bench missing"
fi

# --- 6. PyImageCUDA op by op ------------------------------------------------------------------------
timeout $(tmo 150) python3 benchmarks/compare/pyimagecuda_ops.py --reps 20 --batch 10 --budget 0.4 --host-reps 3 \
  --out "$W/pyimagecuda_ops.json" >"$W/pyimagecuda_ops.md" 2>"$W/pyimagecuda_ops.err"
rc=$?
say "pyimagecuda_ops rc=$rc ($(grep -c '^| ' "$W/pyimagecuda_ops.md") lines)"

# --- 7. the table and the chart ----------------------------------------------------------------------
python3 benchmarks/compare/report.py --dir "$W" --md "$W/compare.md" --png "$W/compare.png" >"$W/report.log" 2>&1
rc=$?
say "report rc=$rc $(tail -1 "$W/report.log")"
