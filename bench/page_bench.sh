#!/usr/bin/env bash
# Page benchmark (issue 9), not a test: the re-analysis of an attention tensor
# in the real page (Debian's headless Chromium) against native
# `vitopo analyze` on the same tensor, with the same thread count.
#
# Inputs:
#   default   the default model (models/vitopo-fmnist.onnx) on the page's first sample
#   vit197    12 layers x 12 heads x 197 tokens: bench/page_bench_model.py, random
#             weights, so the attention is near uniform
#   sharp197  the same model with query and key weights x4: peaked attention
# Prints page ms, native ms and page/native (min / median / max over the runs),
# the thread count of both sides, and where the page's time goes.
#
# usage: bench/page_bench.sh [RUNS] [--no-views] [--metric M]
# Builds the site (preset wasm) and the CLI (preset native, target vitopo) in
# this checkout; the models and tensors go to build/page-bench.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/page-bench"
runs=7
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs="$1"; shift; fi
source "$root/bench/build.sh"
cd "$root"
build_site
build_cli

mkdir -p "$work"
model="$root/bench/page_bench_model.py"
make_model() {  # NAME SHARPEN
  local out="$work/$1.onnx"
  if [ ! -f "$out" ] || [ "$model" -nt "$out" ]; then
    nice /usr/bin/python3 "$model" "$out" --sharpen "$2" >/dev/null 2>&1 || { echo "page bench: $model failed" >&2; exit 1; }
  fi
}
make_model vit197 1
make_model sharp197 4

exec /usr/bin/node "$root/bench/page_bench.mjs" --site "$root/build/wasm/site" \
  --cli "$root/build/native/src/cli/vitopo" --work "$work" --runs "$runs" \
  --model "vit197=$work/vit197.onnx" --model "sharp197=$work/sharp197.onnx" "$@"
