#!/usr/bin/python3
"""`vitopo ripser` against Ripser 1.2.1 built with its own Makefile flags: median wall
time and peak memory on the same inputs, runs alternating, and the ratios.

    /usr/bin/python3 bench/ripser_bench.py [--build build/native] [--runs 5] [--only NAME]

The speed peer is Ripser compiled from the Debian source package in third_party/ripser
exactly as its Makefile does (c++ -std=c++11 -Wall ripser.cpp -O3 -D NDEBUG, plus
-D USE_COEFFICIENTS for ripser-coeff), into BUILD/bench-ripser. Debian's /usr/bin/ripser
keeps assertions on, so it is the correctness oracle, not the speed peer.

Each run is timed around the process (time.perf_counter) and its peak resident set
read by /usr/bin/time -f %M. Both programs must print the same intervals, or the
benchmark stops. This is not a test: it never runs in ctest.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from scipy.spatial.distance import jensenshannon

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
parser = argparse.ArgumentParser()
parser.add_argument("--build", default=os.path.join(ROOT, "build", "native"))
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--only", default=None, help="run only inputs whose name contains this")
args = parser.parse_args()

EXAMPLES = os.path.join(ROOT, "third_party", "ripser", "examples")
WORK = os.path.join(args.build, "bench-ripser")
os.makedirs(WORK, exist_ok=True)

# The two programs.
subprocess.run(["cmake", "--build", args.build, "--target", "vitopo", "-j2"], check=True, stdout=subprocess.DEVNULL)
VITOPO = os.path.join(args.build, "src", "cli", "vitopo")
source = os.path.join(ROOT, "third_party", "ripser", "ripser.cpp")
peers = {}
for name, flags in (("ripser", []), ("ripser-coeff", ["-D", "USE_COEFFICIENTS"])):
    binary = os.path.join(WORK, name)
    if not os.path.exists(binary) or os.path.getmtime(binary) < os.path.getmtime(source):
        subprocess.run(["c++", "-std=c++11", "-Wall", source, "-o", binary, "-O3", "-D", "NDEBUG"] + flags, check=True)
    peers[name] = binary


# 197-token attention (1 CLS + 14x14 patches): softmax of logits that favour
# nearby patches on the grid and the CLS token, rows as distributions, and
# their Jensen-Shannon distances (scipy), written as a lower-distance file.
def attention_js(seed, path):
    rng = np.random.default_rng(seed)
    side, tokens = 14, 197
    rc = np.array([(-1, -1)] + [(r, c) for r in range(side) for c in range(side)], dtype=float)
    grid = np.sqrt(((rc[:, None, :] - rc[None, :, :]) ** 2).sum(-1))
    grid[0, :] = grid[:, 0] = 0
    logits = rng.normal(scale=1.0, size=(tokens, tokens)) - 0.6 * grid
    logits[:, 0] += rng.uniform(1.0, 3.0)
    a = np.exp(logits - logits.max(axis=1, keepdims=True))
    a /= a.sum(axis=1, keepdims=True)
    with open(path, "w") as f:
        for i in range(1, tokens):
            f.write(",".join("%.9g" % jensenshannon(a[i], a[j]) for j in range(i)) + "\n")
    return path


attention = [attention_js(seed, os.path.join(WORK, f"attention197_{seed}.lower")) for seed in (1, 2)]

INPUTS = [
    ("sphere_3_192 dim 2", ["--format", "lower-distance", "--dim", "2"], os.path.join(EXAMPLES, "sphere_3_192.lower_distance_matrix")),
    ("o3_1024 dim 3 t 1.8", ["--format", "point-cloud", "--dim", "3", "--threshold", "1.8"], os.path.join(EXAMPLES, "o3_1024.txt")),
    ("random16 dim 7", ["--format", "lower-distance", "--dim", "7"], os.path.join(EXAMPLES, "random16.lower_distance_matrix")),
    ("attention197 #1 dim 1", ["--format", "lower-distance", "--dim", "1"], attention[0]),
    ("attention197 #2 dim 1", ["--format", "lower-distance", "--dim", "1"], attention[1]),
    ("attention197 #1 dim 2", ["--format", "lower-distance", "--dim", "2"], attention[0]),
    ("attention197 #2 dim 2", ["--format", "lower-distance", "--dim", "2"], attention[1]),
    ("sphere_3_192 dim 2 Z/3", ["--format", "lower-distance", "--dim", "2", "--modulus", "3"], os.path.join(EXAMPLES, "sphere_3_192.lower_distance_matrix")),
]


def measure(command):
    """Wall seconds, peak RSS in KiB, CPU seconds (user + system), stdout."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M %U %S"] + command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{command} failed: {result.stderr}")
    rss, user, system = result.stderr.strip().splitlines()[-1].split()
    return wall, int(rss), float(user) + float(system), result.stdout


rows = []
for name, options, path in INPUTS:
    if args.only and args.only not in name:
        continue
    peer = peers["ripser-coeff" if "--modulus" in options else "ripser"]
    ours, theirs = [], []
    runs = args.runs
    run = 0
    while run < runs:
        ours.append(measure([VITOPO, "ripser"] + options + [path]))
        theirs.append(measure([peer] + options + [path]))
        if ours[-1][3] != theirs[-1][3]:
            sys.exit(f"{name}: the outputs differ")
        if run == 0 and theirs[0][0] < 0.3:
            runs = max(runs, 15)  # short runs: more of them, wall time is noisy
        run += 1
    med = lambda xs, k: statistics.median(x[k] for x in xs)
    row = (name, med(ours, 0), med(theirs, 0), max(x[1] for x in ours) / 1024, max(x[1] for x in theirs) / 1024,
           med(ours, 2), med(theirs, 2), runs)
    rows.append(row)
    print(f"{name}: vitopo {row[1]:.3f} s {row[3]:.1f} MiB, ripser {row[2]:.3f} s {row[4]:.1f} MiB", file=sys.stderr)

print(f"\n{'input':<24} {'runs':>4} {'vitopo s':>9} {'ripser s':>9} {'time ratio':>10} {'cpu ratio':>9} "
      f"{'vitopo MiB':>11} {'ripser MiB':>11} {'mem ratio':>9}")
for name, ot, tt, om, tm, oc, tc, runs in rows:
    print(f"{name:<24} {runs:>4} {ot:>9.3f} {tt:>9.3f} {ot / tt:>10.2f} {oc / max(tc, 1e-9):>9.2f} "
          f"{om:>11.1f} {tm:>11.1f} {om / tm:>9.2f}")
print(f"\ntimes: median wall seconds of alternating runs; cpu ratio: median user+system seconds "
      f"(10 ms resolution); memory: the largest peak RSS of the runs. Peer: {peers['ripser']} (-O3 -D NDEBUG)")
