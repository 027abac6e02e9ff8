#!/usr/bin/env bash
# Benchmark of the analysis core (issue 3), not a test.
#
# Input: a ViT-B-sized synthetic attention tensor (12 layers x 12 heads x 197
# tokens, float32, locality + CLS structure; tests/analysis/make_attention.py),
# analysed at maxdim 1 with the JS distance.
# Measures, in one run: native with 1 thread and with all cores (widest SIMD the
# CPU has, and capped to SSE2 = the same 2-wide vectors as wasm simd128), wasm
# under node (1 thread), and the seed's Python pipeline (scipy double loop +
# GUDHI) on a few heads, extrapolated to 144 heads. Prints a table with ratios.
#
# usage: bench/analysis_bench.sh [SEED_HEADS]   (uses build/analysis-native and
#        build/analysis-wasm, configured as in the team brief; builds vitopo_core)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
native="$root/build/analysis-native"
wasm="$root/build/analysis-wasm"
out="$native/bench-analysis"
mkdir -p "$out"
seed_heads="${1:-2}"
export NODE_PATH=/usr/share/nodejs

ninja -C "$native" -j2 vitopo_core >/dev/null
ninja -C "$wasm" -j2 vitopo_core >/dev/null
g++ -std=c++20 -O3 -DNDEBUG -I"$root/src" -isystem /usr/include/eigen3 -isystem "$native/include-shim" \
  "$root/bench/analysis_bench.cpp" "$native/src/core/libvitopo_core.a" -pthread -o "$out/analysis_bench"
em++ -std=c++20 -O3 -DNDEBUG -msimd128 -fexceptions -sUSE_SDL=0 -I"$root/src" -I/usr/include/eigen3 \
  -I"$wasm/include-shim" "$root/bench/analysis_bench.cpp" "$wasm/src/core/libvitopo_core.a" \
  -fexceptions -sUSE_SDL=0 -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -sEXIT_RUNTIME=1 -o "$out/analysis_bench.cjs"

attn="$out/vitb_attention.npy"
[ -f "$attn" ] || /usr/bin/python3 "$root/tests/analysis/make_attention.py" "$attn" \
  --layers 12 --heads 12 --grid 14 --dtype float32 --seed 7
cores=$(nproc)
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

n1=$("$out/analysis_bench" "$attn" --threads 1)
nN=$("$out/analysis_bench" "$attn" --threads "$cores")
s1=$(VITOPO_SIMD=sse2 "$out/analysis_bench" "$attn" --threads 1)
# node's own CPU time, for one pass of distances + analyze (repeat 1) minus
# a run that only loads the file (repeat 0).
cpu_of() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
w1=$(/usr/bin/node --no-experimental-fetch "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 2)
w_cpu1=$(cpu_of /usr/bin/node --no-experimental-fetch "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 1)
w_cpu0=$(cpu_of /usr/bin/node --no-experimental-fetch "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 0)
w1="$w1 pass_cpu_s=$(echo "$w_cpu1 $w_cpu0" | awk '{print $1 - $2}')"
seed=$(/usr/bin/python3 "$root/bench/analysis_seed_pipeline.py" "$attn" "$seed_heads")

seed_per_head=$(echo "$seed" | field seconds_per_head)
python3 - "$n1" "$nN" "$s1" "$w1" "$seed" "$cores" <<'PY'
import sys
def kv(line): return dict(x.split("=", 1) for x in line.split())
n1, nN, s1, w1, seed = (kv(x) for x in sys.argv[1:6]); cores = sys.argv[6]
heads = int(n1["heads"]); seed_total = float(seed["seconds_per_head"]) * heads
rows = [("native, 1 thread, " + n1["simd"], n1), (f"native, {cores} threads, " + nN["simd"], nN),
        ("native, 1 thread, sse2 (as wide as wasm)", s1), ("wasm (node), 1 thread, simd128", w1)]
base = float(n1["analyze_s"])
print(f"\n{heads} heads x {n1['tokens']} tokens, JS distance, maxdim 1 (best of repeats)\n")
load = open("/proc/loadavg").read().split()[0]
print(f"machine load average at the end: {load} on {cores} cores (wall times include waiting for a core)\n")
print(f"{'run':44s} {'distances s':>11s} {'analyze s':>10s} {'per head ms':>11s} {'vs native 1t':>12s} {'vs seed':>9s}")
for name, r in rows:
    t = float(r["analyze_s"])
    print(f"{name:44s} {float(r['distances_1thread_s']):11.3f} {t:10.3f} {1000 * t / heads:11.2f} "
          f"{t / base:11.2f}x {seed_total / t:8.0f}x")
print(f"{'seed pipeline (scipy + GUDHI), ' + seed['heads'] + ' heads x ' + str(heads // int(seed['heads'])):44s} "
      f"{float(seed['js_s']) * heads:11.1f} {seed_total:10.1f} {1000 * float(seed['seconds_per_head']):11.1f} "
      f"{seed_total / base:11.1f}x {1:8.0f}x")
print("\n(distances s: all distance matrices, 1 thread; the seed's column is its JS double loop alone.)")
print("\nCPU time (less distorted by other work on the machine):")
print(f"  native 1 thread {n1['simd']}: distances {float(n1['distances_cpu_s']):.3f} s, analyze {float(n1['analyze_cpu_s']):.3f} s")
print(f"  native 1 thread sse2: distances {float(s1['distances_cpu_s']):.3f} s, analyze {float(s1['analyze_cpu_s']):.3f} s")
print(f"  wasm: one pass of distances + analyze {float(w1['pass_cpu_s']):.3f} s "
      f"(native {n1['simd']}: {float(n1['distances_cpu_s']) + float(n1['analyze_cpu_s']):.3f} s, "
      f"ratio {float(w1['pass_cpu_s']) / (float(n1['distances_cpu_s']) + float(n1['analyze_cpu_s'])):.2f}; "
      f"sse2: ratio {float(w1['pass_cpu_s']) / (float(s1['distances_cpu_s']) + float(s1['analyze_cpu_s'])):.2f})")
seed_cpu = float(seed["cpu_per_head"])
print(f"  seed pipeline: {seed_cpu:.3f} s per head; native 1 thread {n1['simd']}: "
      f"{1000 * float(n1['analyze_cpu_s']) / heads:.2f} ms per head, {seed_cpu * heads / float(n1['analyze_cpu_s']):.0f}x faster")
PY
