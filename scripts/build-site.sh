#!/usr/bin/env bash
# Builds the static site for any web host into dist/ (README "Deploy"):
#   scripts/build-site.sh [--out DIR] [--base-url URL] [--site DIR]
# Without --site it first brings the wasm build's page (build/wasm/site) up to date.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for arg in "$@"; do
  case "$arg" in
    -h|--help) exec node scripts/build_site.mjs --help ;;
    --site|--site=*) exec node scripts/build_site.mjs "$@" ;;
  esac
done
if [[ ! -f build/wasm/CMakeCache.txt ]]; then
  bash scripts/setup.sh
  export NODE_PATH=/usr/share/nodejs
  cmake --preset wasm >/dev/null
fi
export NODE_PATH=/usr/share/nodejs
cmake --build --preset wasm --target vitopo_site
exec node scripts/build_site.mjs "$@"
