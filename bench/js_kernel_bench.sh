#!/usr/bin/env bash
# Benchmark of the JS kernel against Hellinger (issue 14), not a test.
#
# Inputs (bench/js_kernel_attention.py): 12 layers x 12 heads x 197 tokens,
# float32: near-uniform rows (softmax of logits with standard deviation 0.1
# and 0.25) and structured attention (locality + CLS).
# For each input, in one run:
#   - the distance matrices alone, js and hellinger (js_kernel_bench.cpp,
#     best of 3, CPU seconds);
#   - the whole `vitopo analyze --threads 1` with --metric js against
#     --metric hellinger, paired run by run with farm-bench (median CPU
#     seconds and the median of the pairs' ratios).
# Prints a table; the raw farm-bench reports go to build/bench-native/bench-js/.
#
# usage: bench/js_kernel_bench.sh [RUNS]
# Configures and builds its own folder, build/bench-native.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
native="$root/build/bench-native"
out="$native/bench-js"
runs="${1:-5}"
mkdir -p "$out"
[ -f "$native/build.ninja" ] || cmake -S "$root" -B "$native" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
nice ninja -C "$native" -j2 vitopo vitopo_core >/dev/null
g++ -std=c++20 -O3 -DNDEBUG -I"$root/src" -isystem /usr/include/eigen3 -isystem "$native/include-shim" \
  "$root/bench/js_kernel_bench.cpp" "$native/src/core/libvitopo_core.a" -pthread -o "$out/js_kernel_bench"
[ -f "$out/structured.npy" ] || /usr/bin/python3 "$root/bench/js_kernel_attention.py" "$out"
vitopo="$native/src/cli/vitopo"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
# farm-bench's line "<name>  min median max": the median.
median() { awk -v name="$1" 'index($0, name) == 1 { print $(NF - 1) }'; }

printf '%-12s %9s %9s %7s | %9s %9s %7s\n' input "js dist" "hel dist" ratio "js anlz" "hel anlz" ratio
for input in uniform010 uniform025 structured; do
  attn="$out/$input.npy"
  kernel=$("$out/js_kernel_bench" "$attn" js hellinger)
  js_d=$(echo "$kernel" | grep 'metric=js ' | field cpu_s)
  hel_d=$(echo "$kernel" | grep 'metric=hellinger ' | field cpu_s)
  report="$out/$input.farm-bench.txt"
  farm-bench -n "$runs" --warmup 1 --timeout 900 \
    --vs "$vitopo analyze $attn --metric hellinger --threads 1 --out $out/hellinger.json" \
    -- "$vitopo" analyze "$attn" --metric js --threads 1 --out "$out/js.json" >"$report" 2>&1
  printf '%-12s %9.3f %9.3f %7.2f | %9s %9s %7s\n' "$input" "$js_d" "$hel_d" \
    "$(echo "$js_d / $hel_d" | bc -l)" "$(median 'A cpu s' <"$report")" "$(median 'B cpu s' <"$report")" \
    "$(median 'A/B cpu' <"$report")"
done
echo "(seconds of CPU, one thread, 144 heads x 197 tokens; simd: $(echo "$kernel" | head -1 | field simd);"
echo " analyze ratios: the median of js/hellinger pairs; farm-bench reports in $out)"
