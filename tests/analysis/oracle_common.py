"""Shared by the analysis oracle scripts: run the vitopo CLI, load its output."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def finish(name):
    if FAILURES:
        print(f"{name}: {len(FAILURES)} failure(s)")
        sys.exit(1)
    print(f"{name}: ok")


def run(vitopo, *args, expect=0):
    result = subprocess.run([vitopo, *args], capture_output=True, text=True)
    if result.returncode != expect:
        raise SystemExit(f"vitopo {' '.join(args)} exited {result.returncode} (expected {expect}):\n{result.stderr}")
    return result


def distance(vitopo, npy, layer, head, *options):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.npy")
        run(vitopo, "distance", npy, "--layer", str(layer), "--head", str(head), *options, "--out", out)
        return np.load(out)


def analyze(vitopo, npy, *options):
    return json.loads(run(vitopo, "analyze", npy, *options).stdout)


def load_attention(npy):
    """[L, H, T, T] float64, whatever the file's rank and dtype."""
    A = np.load(npy).astype(np.float64)
    return A[:, 0] if A.ndim == 5 else A
