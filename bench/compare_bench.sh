#!/usr/bin/env bash
# Comparison benchmark (issue 11), not a test: the page's comparisons at ViT-B
# size (12 layers x 12 heads x 197 tokens) in the real page (Debian's headless
# Chromium), and GUDHI (Debian's python3-gudhi, one process) on the same
# diagrams: head x head (layer 11, H1), layer x layer pooled (H1), image x
# image (H1), each for bottleneck and Wasserstein p = 1, and layer x layer
# pooled H0 by bottleneck (and Wasserstein p = 1 with --h0-wasserstein: long).
# Prints page ms (min / median), GUDHI ms, page/GUDHI and GUDHI's largest
# relative difference from the page's values.
#
# usage: bench/compare_bench.sh [RUNS] [--sharp] [--site DIR] [--h0-wasserstein]
#                               [--h0-limit S] [--gudhi-budget S] [--no-views]
#   RUNS      timed runs of each comparison after a warm-up (default 3)
#   --sharp   the model with query and key weights x4 (peaked attention)
#             instead of the random, near-uniform one
#   --site    an assembled site to use instead of building this checkout's
#   the rest go to bench/compare_bench.mjs (see there)
# Builds the site (preset wasm, target vitopo_site) in this checkout unless
# --site is given; the model, the analyses and the results go to
# build/compare-bench.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/build/compare-bench"
runs=3
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then runs="$1"; shift; fi
name=vit197 sharpen=1 site="" pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sharp) name=sharp197 sharpen=4 ;;
    --site) site="$(cd "${2:?--site needs a directory}" && pwd)"; shift ;;
    *) pass+=("$1") ;;
  esac
  shift
done
source "$root/bench/build.sh"
cd "$root"

if [ -z "$site" ]; then
  build_site
  site="$root/build/wasm/site"
fi

mkdir -p "$work"
model="$root/bench/page_bench_model.py"
out="$work/$name.onnx"
if [ ! -f "$out" ] || [ "$model" -nt "$out" ]; then
  nice /usr/bin/python3 "$model" "$out" --sharpen "$sharpen" >/dev/null 2>&1 || { echo "compare bench: $model failed" >&2; exit 1; }
fi

exec /usr/bin/node "$root/bench/compare_bench.mjs" --site "$site" --work "$work/$name" \
  --model "$out" --runs "$runs" ${pass[@]+"${pass[@]}"}
