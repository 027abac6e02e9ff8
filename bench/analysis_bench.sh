#!/usr/bin/env bash
# Benchmark of the analysis core (issue 3), not a test.
#
# Input: a ViT-B-sized synthetic attention tensor (12 layers x 12 heads x 197
# tokens, float32, locality + CLS structure; tests/analysis/make_attention.py),
# analysed at maxdim 1 with the JS distance.
# Measures, in one run:
#   native, 1 thread and all cores (the widest SIMD the CPU has), and 1 thread
#   capped to SSE2 (the same 2-wide vectors as wasm simd128);
#   wasm under node, 1 thread and all cores (pthreads, as in the page's worker);
#   the binary analysis of the result: its size, encode and decode times;
#   the seed's Python pipeline (scipy double loop + GUDHI) on a few heads,
#   extrapolated to 144 heads.
# Prints a table with the ratios.
#
# usage: bench/analysis_bench.sh [SEED_HEADS]
# Configures and builds its own folders, build/bench-native and build/bench-wasm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
native="$root/build/bench-native"
wasm="$root/build/bench-wasm"
out="$native/bench-analysis"
mkdir -p "$out"
seed_heads="${1:-2}"
cores=$(nproc)
export NODE_PATH=/usr/share/nodejs

[ -f "$native/build.ninja" ] || cmake -S "$root" -B "$native" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
[ -f "$wasm/build.ninja" ] || emcmake cmake -S "$root" -B "$wasm" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVITOPO_BUILD_APP=OFF "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch" >/dev/null
ninja -C "$native" -j2 vitopo_core >/dev/null
ninja -C "$wasm" -j2 vitopo_core vitopo_core_threaded >/dev/null
g++ -std=c++20 -O3 -DNDEBUG -I"$root/src" -isystem /usr/include/eigen3 -isystem "$native/include-shim" \
  "$root/bench/analysis_bench.cpp" "$native/src/core/libvitopo_core.a" -pthread -o "$out/analysis_bench"
wasm_flags=(-std=c++20 -O3 -DNDEBUG -msimd128 -fexceptions -sUSE_SDL=0 -I"$root/src" -I/usr/include/eigen3
  -I"$wasm/include-shim" -sALLOW_MEMORY_GROWTH=1 -sNODERAWFS=1 -sEXIT_RUNTIME=1)
em++ "${wasm_flags[@]}" "$root/bench/analysis_bench.cpp" "$wasm/src/core/libvitopo_core.a" -o "$out/analysis_bench.cjs"
# The caller analyses too, so all cores need cores - 1 pool threads (at least 1).
em++ "${wasm_flags[@]}" -pthread -sPTHREAD_POOL_SIZE=$((cores > 1 ? cores - 1 : 1)) \
  "$root/bench/analysis_bench.cpp" "$wasm/src/core/libvitopo_core_threaded.a" -o "$out/analysis_bench_threads.cjs" \
  2> >(grep -v -- -Wpthreads-mem-growth >&2)

attn="$out/vitb_attention.npy"
[ -f "$attn" ] || /usr/bin/python3 "$root/tests/analysis/make_attention.py" "$attn" \
  --layers 12 --heads 12 --grid 14 --dtype float32 --seed 7
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
node=(/usr/bin/node --no-experimental-fetch)

n1=$("$out/analysis_bench" "$attn" --threads 1)
nN=$("$out/analysis_bench" "$attn" --threads "$cores")
s1=$(VITOPO_SIMD=sse2 "$out/analysis_bench" "$attn" --threads 1)
w1=$("${node[@]}" "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 3)
wN=$("${node[@]}" "$out/analysis_bench_threads.cjs" "$attn" --threads "$cores" --repeat 3)
# node's own CPU time for one pass of distances + analyze (repeat 1) minus a
# run that only loads the file (repeat 0): less distorted by a busy machine.
cpu_of() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
w_cpu1=$(cpu_of "${node[@]}" "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 1)
w_cpu0=$(cpu_of "${node[@]}" "$out/analysis_bench.cjs" "$attn" --threads 1 --repeat 0)
w1="$w1 pass_cpu_s=$(echo "$w_cpu1 $w_cpu0" | awk '{print $1 - $2}')"
seed=$(/usr/bin/python3 "$root/bench/analysis_seed_pipeline.py" "$attn" "$seed_heads")

python3 - "$n1" "$nN" "$s1" "$w1" "$wN" "$seed" "$cores" <<'PY'
import sys
def kv(line): return dict(x.split("=", 1) for x in line.split())
n1, nN, s1, w1, wN, seed = (kv(x) for x in sys.argv[1:7]); cores = sys.argv[7]
heads = int(n1["heads"]); seed_total = float(seed["seconds_per_head"]) * heads
t = lambda r: float(r["analyze_s"])
rows = [("native, 1 thread, " + n1["simd"], n1, n1), (f"native, {cores} threads, " + nN["simd"], nN, nN),
        ("native, 1 thread, sse2 (as wide as wasm)", s1, s1),
        ("wasm (node), 1 thread, simd128", w1, n1), (f"wasm (node), {cores} threads, simd128", wN, nN)]
print(f"\n{heads} heads x {n1['tokens']} tokens, JS distance, maxdim 1 (best of repeats)")
load = open("/proc/loadavg").read().split()[0]
print(f"machine load average at the end: {load} on {cores} cores (wall times include waiting for a core)\n")
print(f"{'run':44s} {'distances s':>11s} {'analyze s':>10s} {'per head ms':>11s} {'vs native':>10s} {'vs seed':>9s}")
for name, r, peer in rows:
    print(f"{name:44s} {float(r['distances_1thread_s']):11.3f} {t(r):10.3f} {1000 * t(r) / heads:11.2f} "
          f"{t(r) / t(peer):9.2f}x {seed_total / t(r):8.0f}x")
print(f"{'seed pipeline (scipy + GUDHI), ' + seed['heads'] + ' heads x ' + str(heads // int(seed['heads'])):44s} "
      f"{float(seed['js_s']) * heads:11.1f} {seed_total:10.1f} {1000 * float(seed['seconds_per_head']):11.1f} "
      f"{seed_total / t(n1):9.1f}x {1:8.0f}x")
print("\n(distances s: all distance matrices, 1 thread; the seed's column is its JS double loop alone.")
print(" vs native: a wasm row against the native row with the same threads, widest SIMD;"
      f" against sse2 native, wasm 1 thread is {t(w1) / t(s1):.2f}x.)")
ms = lambda r, key: 1000 * float(r[key])
print(f"\nbinary analysis of the result (what the page's worker hands to the views): "
      f"{int(n1['binary_bytes']) / 1e6:.2f} MB; encode / decode: native {ms(n1, 'encode_s'):.1f} / {ms(n1, 'decode_s'):.1f} ms, "
      f"wasm {ms(w1, 'encode_s'):.1f} / {ms(w1, 'decode_s'):.1f} ms")
print("\nCPU time (less distorted by other work on the machine):")
cpu_n1 = float(n1['distances_cpu_s']) + float(n1['analyze_cpu_s'])
cpu_s1 = float(s1['distances_cpu_s']) + float(s1['analyze_cpu_s'])
print(f"  native 1 thread {n1['simd']}: distances {float(n1['distances_cpu_s']):.3f} s, analyze {float(n1['analyze_cpu_s']):.3f} s")
print(f"  native 1 thread sse2: distances {float(s1['distances_cpu_s']):.3f} s, analyze {float(s1['analyze_cpu_s']):.3f} s")
print(f"  wasm 1 thread: one pass of distances + analyze {float(w1['pass_cpu_s']):.3f} s, V8's compiler threads included "
      f"(ratio {float(w1['pass_cpu_s']) / cpu_n1:.2f} to native {n1['simd']}, {float(w1['pass_cpu_s']) / cpu_s1:.2f} to sse2)")
seed_cpu = float(seed["cpu_per_head"])
print(f"  seed pipeline: {seed_cpu:.3f} s per head; native 1 thread {n1['simd']}: "
      f"{1000 * float(n1['analyze_cpu_s']) / heads:.2f} ms per head, {seed_cpu * heads / float(n1['analyze_cpu_s']):.0f}x faster")
PY
