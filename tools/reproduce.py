#!/usr/bin/env python3
"""Recomputes a vitopo export with independent tools and checks it.

Run it in the export's folder (or give the folder): `python3 reproduce.py [DIR]`.
It loads the attention (attention.npy), turns each head into token
distributions and distances with numpy and scipy under the export's settings
(analysis.json), computes the Vietoris-Rips barcodes with Ripser (the `ripser`
command, `ripser-coeff` for a modulus other than 2) and with GUDHI when the
`gudhi` module is installed, and asserts that they equal bars.csv. When the
export has distances.npy of every head, it must equal scipy's distances too.
Exit code 0: everything equal; 1: a difference (each one is printed); 2: the
export or the tools are missing.

Needs numpy and scipy, and Ripser or GUDHI (Debian: python3-numpy,
python3-scipy, ripser, python3-gudhi).
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from scipy.spatial.distance import jensenshannon

DISTANCE_TOLERANCE = 1e-12  # relative, with an absolute floor of 1e-15
RIPSER_TOLERANCE = 1e-5     # Ripser computes in float and prints 6 digits
GUDHI_TOLERANCE = 1e-9      # GUDHI computes in double


def fail(message):
    print("reproduce.py:", message, file=sys.stderr)
    sys.exit(2)


def export_files(folder):
    """Kind -> path, from manifest.json (the names carry the image and model)."""
    names = {}
    manifest = os.path.join(folder, "manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            names = {entry["kind"]: entry["name"] for entry in json.load(f)["files"]}
    files = {}
    for kind in ("attention.npy", "distances.npy", "bars.csv", "analysis.json"):
        path = os.path.join(folder, names.get(kind, kind))
        if os.path.exists(path):
            files[kind] = path
    for kind in ("attention.npy", "bars.csv", "analysis.json"):
        if kind not in files:
            fail(f"the export in {folder} has no {kind}")
    return files


def distributions(A, settings):
    """The token distributions of one head, as vitopo's science describes them."""
    P = A.T if settings["columns"] else A
    if settings["drop_cls"]:
        P = P[1:, 1:]
    sums = P.sum(axis=1, keepdims=True)
    if np.any(sums <= 0):
        fail("a token's distribution sums to 0")
    P = P / sums
    if settings["seed_compatible"]:
        P = np.exp(P) / np.exp(P).sum(axis=1, keepdims=True)
    return P


def distances(P, settings):
    metric = "sqrt-js" if settings["seed_compatible"] else settings["metric"]
    n = len(P)
    if metric == "attention-graph":
        D = 1 - np.maximum(P, P.T)
        np.fill_diagonal(D, 0)
        return D
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(i):
            p, q = P[i], P[j]
            if metric in ("js", "js-divergence", "sqrt-js"):
                v = jensenshannon(p, q)
                v = 0.0 if not math.isfinite(v) else v
                v = {"js": v, "js-divergence": v * v, "sqrt-js": math.sqrt(v)}[metric]
            elif metric == "hellinger":
                v = math.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2))
            elif metric == "total-variation":
                v = 0.5 * np.sum(np.abs(p - q))
            elif metric == "cosine":
                v = max(0.0, 1 - np.dot(p, q) / (np.linalg.norm(p) * np.linalg.norm(q)))
            elif metric == "euclidean":
                v = float(np.linalg.norm(p - q))
            else:
                fail(f"unknown metric {metric!r}")
            D[i, j] = D[j, i] = v
    return D


def ripser_bars(D, settings, threshold):
    maxdim, modulus = settings["maxdim"], settings["modulus"]
    program = "ripser" if modulus == 2 else "ripser-coeff"
    if shutil.which(program) is None:
        return None
    n = len(D)
    with tempfile.NamedTemporaryFile("w", suffix=".ldm", delete=False) as f:
        for i in range(1, n):
            f.write(",".join(repr(float(D[i, j])) for j in range(i)) + "\n")
        path = f.name
    try:
        command = [program, "--format", "lower-distance", "--dim", str(maxdim)]
        if settings["threshold"] is not None:
            command += ["--threshold", repr(threshold)]
        if modulus != 2:
            command += ["--modulus", str(modulus)]
        out = subprocess.run(command + [path], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(path)
    bars = {d: [] for d in range(maxdim + 1)}
    dim = None
    for line in out.splitlines():
        if line.startswith("persistence intervals in dim"):
            dim = int(line.split()[-1].rstrip(":"))
        elif line.startswith(" [") and dim is not None:
            birth, death = line.strip()[1:-1].split(",")
            bars[dim].append((float(birth), math.inf if death.strip() == "" else float(death)))
    return bars


def gudhi_bars(D, settings, threshold):
    try:
        import gudhi
    except ImportError:
        return None
    maxdim = settings["maxdim"]
    rips = gudhi.RipsComplex(distance_matrix=D, max_edge_length=threshold)
    tree = rips.create_simplex_tree(max_dimension=maxdim + 1)
    tree.compute_persistence(homology_coeff_field=settings["modulus"], min_persistence=0)
    return {d: [tuple(map(float, p)) for p in tree.persistence_intervals_in_dimension(d)] for d in range(maxdim + 1)}


def same_bars(ours, theirs, tolerance):
    if len(ours) != len(theirs):
        return f"{len(ours)} bars, the oracle {len(theirs)}"
    for (b1, d1), (b2, d2) in zip(sorted(ours), sorted(theirs)):
        for x, y in ((b1, b2), (d1, d2)):
            if math.isinf(x) or math.isinf(y):
                if x != y:
                    return f"bar [{b1}, {d1}) against [{b2}, {d2})"
            elif abs(x - y) > tolerance * max(abs(x), abs(y)) + 1e-12:
                return f"bar [{b1}, {d1}) against [{b2}, {d2})"
    return None


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    files = export_files(folder)
    with open(files["analysis.json"]) as f:
        analysis = json.load(f)
    settings = analysis["settings"]
    A = np.load(files["attention.npy"]).astype(np.float64)
    if A.ndim != 4:
        fail(f"attention.npy has shape {A.shape}, not [L, H, T, T]")
    bars = {}
    with open(files["bars.csv"], newline="") as f:
        for row in csv.DictReader(f):
            key = (int(row["layer"]), int(row["head"]), int(row["dim"]))
            death = math.inf if row["death"] == "" else float(row["death"])
            bars.setdefault(key, []).append((float(row["birth"]), death))
    exported_distances = np.load(files["distances.npy"]) if "distances.npy" in files else None
    if exported_distances is not None and exported_distances.ndim != 4:
        exported_distances = None  # one head's matrix: nothing to compare it with here

    problems, oracles = [], set()
    for head in analysis["heads"]:
        layer, h = head["layer"], head["head"]
        D = distances(distributions(A[layer, h], settings), settings)
        if exported_distances is not None:
            E = exported_distances[layer, h]
            if E.shape != D.shape or np.any(np.abs(E - D) > DISTANCE_TOLERANCE * np.abs(D) + 1e-15):
                problems.append(f"layer {layer}, head {h}: distances.npy differs from scipy's distances")
        threshold = settings["threshold"]
        if threshold is None:
            threshold = D.max(axis=1).min()  # the enclosing radius, of these distances
        for name, compute, tolerance in (("ripser", ripser_bars, RIPSER_TOLERANCE),
                                         ("GUDHI", gudhi_bars, GUDHI_TOLERANCE)):
            theirs = compute(D, settings, threshold)
            if theirs is None:
                continue
            oracles.add(name)
            for dim in range(settings["maxdim"] + 1):
                difference = same_bars(bars.get((layer, h, dim), []), theirs[dim], tolerance)
                if difference:
                    problems.append(f"layer {layer}, head {h}, H{dim}: bars.csv has {difference} ({name})")
    if not oracles:
        fail("neither Ripser (the ripser command) nor GUDHI (the gudhi module) is installed")
    for p in problems:
        print("differs:", p)
    heads = len(analysis["heads"])
    if problems:
        print(f"reproduce.py: {len(problems)} difference(s) in {heads} heads")
        sys.exit(1)
    print(f"reproduce.py: {heads} heads, distances (scipy) and bars ({', '.join(sorted(oracles))}) equal the export")


if __name__ == "__main__":
    main()
