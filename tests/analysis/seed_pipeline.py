"""`vitopo analyze` against the seed's pipeline, re-implemented here in Python.

usage: seed_pipeline.py VITOPO DATA_DIR

The seed's notebooks (docs/science.md, "Distributions") built, for each
head, token distributions from the attention rows, a scipy jensenshannon
double loop, a GUDHI RipsComplex on that matrix and its persistence. The seed
also applied a second softmax exp(A)/Σexp(A) and took sqrt() of the JS
distance; `--seed-compatible` reproduces that. The reference here does both
variants in double precision; H0 and H1 diagrams must agree with vitopo's
(as multisets, to 1e-9; GUDHI only reports bars of positive length, as
Ripser and vitopo do, and the full Rips complex here versus vitopo's
enclosing-radius threshold changes no bar).
"""
import os
import sys

import gudhi
import numpy as np
from scipy.spatial.distance import jensenshannon

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import analyze, check, finish, load_attention  # noqa: E402

vitopo, data = sys.argv[1], sys.argv[2]


def seed_reference(A, seed_compatible):
    P = A / A.sum(axis=1, keepdims=True)
    if seed_compatible:
        P = np.exp(P) / np.exp(P).sum(axis=1, keepdims=True)
    n = len(P)
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            D[i, j] = jensenshannon(P[i], P[j])
    if seed_compatible:
        D = np.sqrt(D)
    rips = gudhi.RipsComplex(distance_matrix=D)
    tree = rips.create_simplex_tree(max_dimension=2)
    tree.compute_persistence()
    return [np.array(tree.persistence_intervals_in_dimension(d)).reshape(-1, 2) for d in (0, 1)]


def as_sorted(points):
    points = np.array([[b, np.inf if d is None else d] for b, d in points], dtype=float).reshape(-1, 2)
    return points[np.lexsort((points[:, 1], points[:, 0]))]


def same_diagram(tag, got, want):
    got, want = as_sorted(got), as_sorted(want.tolist())
    if got.shape != want.shape:
        check(False, f"{tag}: {len(got)} bars, reference {len(want)}")
        return
    finite = np.isfinite(want)
    check(bool((np.isfinite(got) == finite).all()), f"{tag}: essential bars differ")
    if (np.isfinite(got) == finite).all():
        err = np.abs(got[finite] - want[finite])
        check(bool((err <= 1e-9 + 1e-9 * np.abs(want[finite])).all()), f"{tag}: worst |diff| {err.max():.3g}")


heads = 0
h1_bars = 0
for name in ["small64.npy", "medium32.npy"]:
    npy = os.path.join(data, name)
    A = load_attention(npy)
    for seed_compatible in (False, True):
        options = ["--seed-compatible"] if seed_compatible else []
        result = analyze(vitopo, npy, *options, "--threads", "2")
        check(result["schema"] == "vitopo.analysis/1", "schema")
        check(result["settings"]["seed_compatible"] == seed_compatible, "settings.seed_compatible")
        for head in result["heads"]:
            l, h = head["layer"], head["head"]
            reference = seed_reference(A[l, h], seed_compatible)
            for dim in (0, 1):
                same_diagram(f"{name} L{l}H{h} seed={seed_compatible} H{dim}", head["diagrams"][dim], reference[dim])
            h1_bars += len(head["diagrams"][1])
            heads += 1
check(heads == 2 * (6 + 2), f"compared {heads} heads")
check(h1_bars >= heads, f"only {h1_bars} H1 bars in {heads} heads: the comparison would be too weak")
finish(f"seed_pipeline ({heads} heads, H0 and H1, {h1_bars} H1 bars)")
