#!/usr/bin/env bash
# Regenerates docs/images/ by running every example program. Usage: tools/make-docs-images.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/ci}
mkdir -p docs/images
for e in "$build"/examples/*; do
  [ -f "$e" ] && [ -x "$e" ] || continue
  echo "== $(basename "$e")"
  "$e" docs/images
done
