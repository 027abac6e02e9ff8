#!/usr/bin/env bash
# End-to-end benchmark (issue 14), not a test: an image through a ViT-B/16-size
# model in the page (image -> all 144 heads, ONNX Runtime's share, time to the
# first head drawn), with native `vitopo analyze` on the same tensor and the
# same threads in the same run (bench/stream_bench.mjs).
#
# usage: bench/stream_bench.sh [RUNS] [MODEL.onnx]
# Without MODEL, torchvision's vit_b_16 with random weights is converted with
# models/convert.py into build/stream-bench/vitb16.onnx (about 350 MB, a few
# minutes and 3 GB of memory once). Builds the site (preset wasm) and the CLI
# (preset native, target vitopo) in this checkout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/stream-bench"
runs=5
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs="$1"; shift; fi
model="${1:-$work/vitb16.onnx}"
source "$root/bench/build.sh"
cd "$root"
build_site
build_cli

mkdir -p "$work"
if [ ! -f "$model" ]; then
  nice /usr/bin/python3 "$root/tests/e2e/converted_models.py" vitb "$model"
fi
exec /usr/bin/node "$root/bench/stream_bench.mjs" --site "$root/build/wasm/site" \
  --cli "$root/build/native/src/cli/vitopo" --work "$work" --model "$model" --runs "$runs"
