#!/usr/bin/python3
"""Writes the engine's oracle: generated inputs and the barcodes Debian's Ripser 1.2.1 gives for them.

Also writes OUT/gudhi.tsv (name, max dim, modulus, input, expected): GUDHI's barcodes
of some attention inputs read as double, the oracle of the engine's double path (the
one the analysis uses), with full-precision values.

Run by ctest as a fixture (FIXTURES_SETUP engine_oracle) before the doctest
executable `engine_tests` (native and wasm), which reads OUT/manifest.tsv and
compares its own barcodes with the expected ones.

    ripser_oracle.py OUT EXAMPLES_DIR

Every input is written as text and read by both sides from that text, so both
parse the same decimal strings to the same floats. /usr/bin/ripser computes over
Z/2, /usr/bin/ripser-coeff over Z/p (p = 3, 5). Seeds are fixed: the oracle is
the same on every run.

manifest.tsv columns: name, format (lower-distance | point-cloud), max dim,
modulus, threshold ("-" for the enclosing radius), input path, expected path.
An expected file has one line per interval: "dim birth death" as Ripser printed
them, death "inf" for an essential class.
"""
import os
import subprocess
import sys

import gudhi
import numpy as np
from scipy.spatial.distance import jensenshannon

OUT, EXAMPLES = sys.argv[1], sys.argv[2]
CASES = os.path.join(OUT, "cases")
os.makedirs(CASES, exist_ok=True)
rng = np.random.default_rng(20261128)
manifest = []


def ripser(args, path, modulus):
    binary = "/usr/bin/ripser" if modulus == 2 else "/usr/bin/ripser-coeff"
    extra = [] if modulus == 2 else ["--modulus", str(modulus)]
    out = subprocess.run([binary] + args + extra + [path], check=True, capture_output=True, text=True).stdout
    bars, dim = [], None
    for line in out.splitlines():
        if line.startswith("persistence intervals in dim "):
            dim = int(line.split()[-1].rstrip(":"))
        elif line.startswith(" [") and dim is not None:
            birth, death = line.strip()[1:-1].split(",")
            bars.append(f"{dim} {birth} {death.strip() or 'inf'}")
    return bars


def add(name, fmt, path, dim, modulus, threshold=None):
    # Debian's build asserts at --dim 0 (its binomial table is one column
    # short), so H0 is taken from a --dim 1 run.
    args = ["--format", fmt, "--dim", str(max(dim, 1))]
    if threshold is not None:
        args += ["--threshold", threshold]
    expected = os.path.join(CASES, name + ".expected")
    with open(expected, "w") as f:
        bars = [b for b in ripser(args, path, modulus) if int(b.split()[0]) <= dim]
        f.write("\n".join(bars) + "\n")
    manifest.append("\t".join([name, fmt, str(dim), str(modulus), threshold or "-", path, expected]))


def write_lower(name, d):
    path = os.path.join(CASES, name + ".lower")
    n = d.shape[0]
    with open(path, "w") as f:
        for i in range(1, n):
            f.write(",".join("%.9g" % d[i, j] for j in range(i)) + "\n")
    return path


def write_points(name, x):
    path = os.path.join(CASES, name + ".points")
    with open(path, "w") as f:
        for row in x:
            f.write(" ".join("%.9g" % v for v in row) + "\n")
    return path


def modulus_of(k):
    return (2, 3, 5)[k % 3]


# Random points in R^2..R^8; every fourth with a threshold (the sparse path).
for k in range(80):
    dim_space = 2 + k % 7
    n = int(rng.integers(8, 36))
    x = rng.normal(size=(n, dim_space))
    if k % 5 == 0:
        x = np.round(x, 1)  # coordinates on a grid: tied distances
    path = write_points(f"points{k:03d}", x)
    threshold = None
    if k % 4 == 3:
        d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
        threshold = "%.3g" % np.quantile(d[np.triu_indices(n, 1)], 0.6)
    add(f"points{k:03d}", "point-cloud", path, int(k % 3), modulus_of(k // 3), threshold)

# Random symmetric matrices, most with many tied entries.
for k in range(60):
    n = int(rng.integers(5, 26))
    levels = int(rng.integers(2, 7)) if k % 4 else 1000
    d = rng.integers(1, levels + 1, size=(n, n)).astype(float)
    if k % 6 == 5:
        d = d / 7.0  # ties in non-representable decimals
    d = np.tril(d, -1)
    d = d + d.T
    path = write_lower(f"ties{k:03d}", d)
    threshold = "%.3g" % (levels * 0.7 / (7.0 if k % 6 == 5 else 1.0)) if k % 5 == 4 else None
    add(f"ties{k:03d}", "lower-distance", path, int(2 - k % 3), modulus_of(k), threshold)

# Tiny inputs, n = 2..4 (Ripser 1.2.1 itself aborts on a single point).
for k in range(30):
    n = 2 + k % 3
    if k % 2:
        d = rng.integers(1, 3, size=(n, n)).astype(float)
        d = np.tril(d, -1)
        d = d + d.T
    else:
        x = rng.normal(size=(n, 2))
        d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    path = write_lower(f"tiny{k:03d}", d)
    add(f"tiny{k:03d}", "lower-distance", path, 2, modulus_of(k))


# Jensen-Shannon distances between the rows of random "attention": softmax of
# logits with a locality band around the diagonal and a CLS column (token 0).
def attention(tokens):
    idx = np.arange(tokens)
    logits = rng.normal(scale=1.5, size=(tokens, tokens))
    logits -= 0.4 * np.abs(idx[:, None] - idx[None, :]) ** 0.7
    logits[:, 0] += rng.uniform(0.5, 3.0)
    a = np.exp(logits - logits.max(axis=1, keepdims=True))
    return a / a.sum(axis=1, keepdims=True)


gudhi_manifest = []


def add_gudhi(name, path, dim, modulus):
    """GUDHI's barcode of the same text read as double: the oracle of the engine's double path."""
    rows = [[float(v) for v in line.split(",")] for line in open(path) if line.strip()]
    n = len(rows) + 1
    d = np.zeros((n, n))
    for i, row in enumerate(rows, start=1):
        d[i, :i] = row
        d[:i, i] = row
    tree = gudhi.RipsComplex(distance_matrix=d).create_simplex_tree(max_dimension=dim + 1)
    bars = [(k, b, e) for k, (b, e) in tree.persistence(homology_coeff_field=modulus, min_persistence=0) if k <= dim]
    expected = os.path.join(CASES, name + ".gudhi")
    with open(expected, "w") as f:
        f.write("\n".join(f"{k} {b!r} {e!r}" for k, b, e in bars) + "\n")
    gudhi_manifest.append("\t".join([name, str(dim), str(modulus), path, expected]))


for k in range(50):
    tokens = int(rng.integers(10, 41))
    a = attention(tokens)
    d = np.zeros((tokens, tokens))
    for i in range(tokens):
        for j in range(i):
            d[i, j] = d[j, i] = jensenshannon(a[i], a[j])
    path = write_lower(f"attention{k:03d}", d)
    add(f"attention{k:03d}", "lower-distance", path, 1 + k % 2, modulus_of(k))
    if k < 20:
        add_gudhi(f"attention{k:03d}", path, 1 + k % 2, modulus_of(k))

# Ripser's own examples (Debian source package).
ex = lambda f: os.path.join(EXAMPLES, f)
add("example_sphere_3_192", "lower-distance", ex("sphere_3_192.lower_distance_matrix"), 2, 2)
add("example_random16", "lower-distance", ex("random16.lower_distance_matrix"), 7, 2)
add("example_projective_plane_mod2", "lower-distance", ex("projective_plane.lower_distance_matrix"), 2, 2)
add("example_projective_plane_mod3", "lower-distance", ex("projective_plane.lower_distance_matrix"), 2, 3)
add("example_o3_1024", "point-cloud", ex("o3_1024.txt"), 2, 2, "1.8")

with open(os.path.join(OUT, "manifest.tsv"), "w") as f:
    f.write("\n".join(manifest) + "\n")
with open(os.path.join(OUT, "gudhi.tsv"), "w") as f:
    f.write("\n".join(gudhi_manifest) + "\n")
print(f"{len(manifest)} Ripser oracle cases and {len(gudhi_manifest)} GUDHI cases in {OUT}")
