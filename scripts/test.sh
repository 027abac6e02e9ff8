#!/usr/bin/env bash
# Set up, build and run every test: the native build and the wasm build
# (core tests under node, model tests, browser end-to-end tests), then the
# native suite again under ASan and UBSan (sanitize), and a 20 s libFuzzer
# campaign per parser (fuzz).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs

status=0
for preset in native wasm sanitize fuzz; do
  echo "=== $preset build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  echo "=== $preset tests"
  ctest --preset "$preset" --timeout 900 || status=1
done
exit $status
