#!/usr/bin/env bash
# Set up, build the page and serve it on 127.0.0.1 (prints the URL).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
export NODE_PATH=/usr/share/nodejs
cmake --preset wasm >/dev/null
cmake --build --preset wasm
exec node web/serve.mjs "$@"
