"""`vitopo distance` against scipy and numpy, metric by metric.

usage: metrics_oracle.py VITOPO DATA_DIR

- js equals scipy.spatial.distance.jensenshannon (natural log) to 1e-12
  relative, for every pair, in double precision (float64 input). The
  relative test applies to every pair: no floor was needed, because vitopo
  recomputes near-zero distances term by term.
- js-divergence = js², sqrt-js = sqrt(js) (the seed's main notebook).
- hellinger, total-variation, cosine (scipy), euclidean, attention-graph:
  numpy closed forms, 1e-12 relative or 1e-15 absolute.
- Near-uniform attention (close pairs, distance below 0.1), with the same tolerance.
- Distribution options: --columns (distributions are columns), --drop-cls
  (CLS removed and rows renormalised), --seed-compatible (exp(a)/Σexp(a)).
"""
import os
import sys

import numpy as np
from scipy.spatial.distance import cosine, jensenshannon

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import check, distance, finish, load_attention  # noqa: E402

vitopo, data = sys.argv[1], sys.argv[2]


def distributions(A, columns=False, drop_cls=False, seed=False):
    P = A.T.copy() if columns else A.copy()
    if drop_cls:
        P = P[1:, 1:]
    P = P / P.sum(axis=1, keepdims=True)
    if seed:
        P = np.exp(P) / np.exp(P).sum(axis=1, keepdims=True)
    return P


def pairwise(P, f):
    n = len(P)
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            D[i, j] = D[j, i] = f(P[i], P[j])
    return D


def compare(name, got, want, rtol=1e-12, atol=0.0):
    check(got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}")
    if got.shape != want.shape:
        return
    err = np.abs(got - want)
    ok = err <= rtol * np.abs(want) + atol
    check(bool(ok.all()), f"{name}: {int((~ok).sum())} entries off; worst |diff| {err.max():.3g} "
                          f"(relative {np.max(err / np.maximum(np.abs(want), 1e-300)):.3g})")


small = os.path.join(data, "small64.npy")
A = load_attention(small)
for layer, head in [(0, 0), (1, 2)]:
    for options in [(), ("--columns",), ("--drop-cls",), ("--columns", "--drop-cls")]:
        P = distributions(A[layer, head], columns="--columns" in options, drop_cls="--drop-cls" in options)
        tag = f"L{layer}H{head}{''.join(options)}"
        js = pairwise(P, jensenshannon)
        compare(f"js {tag}", distance(vitopo, small, layer, head, *options), js)
        compare(f"js-divergence {tag}", distance(vitopo, small, layer, head, "--metric", "js-divergence", *options),
                js ** 2, atol=1e-16)
        compare(f"sqrt-js {tag}", distance(vitopo, small, layer, head, "--metric", "sqrt-js", *options), np.sqrt(js))
        hel = pairwise(P, lambda p, q: np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)))
        compare(f"hellinger {tag}", distance(vitopo, small, layer, head, "--metric", "hellinger", *options), hel,
                atol=1e-15)
        tv = pairwise(P, lambda p, q: 0.5 * np.abs(p - q).sum())
        compare(f"total-variation {tag}",
                distance(vitopo, small, layer, head, "--metric", "total-variation", *options), tv, atol=1e-15)
        cos = pairwise(P, cosine)
        compare(f"cosine {tag}", distance(vitopo, small, layer, head, "--metric", "cosine", *options), cos,
                rtol=1e-10, atol=1e-15)
        eu = pairwise(P, lambda p, q: np.linalg.norm(p - q))
        compare(f"euclidean {tag}", distance(vitopo, small, layer, head, "--metric", "euclidean", *options), eu,
                atol=1e-15)
        ag = 1 - np.maximum(P, P.T)
        np.fill_diagonal(ag, 0)
        compare(f"attention-graph {tag}",
                distance(vitopo, small, layer, head, "--metric", "attention-graph", *options), ag, atol=1e-15)

# Seed-compatible: sqrt of scipy's JS distance of the softmaxed rows.
for layer, head in [(0, 1), (1, 0)]:
    P = distributions(A[layer, head], seed=True)
    compare(f"seed-compatible L{layer}H{head}", distance(vitopo, small, layer, head, "--seed-compatible"),
            np.sqrt(pairwise(P, jensenshannon)))

# float32 input, rank 5, 50 tokens: the same, on the float32 values widened.
medium = os.path.join(data, "medium32.npy")
M = load_attention(medium)
compare("js medium32 L0H1", distance(vitopo, medium, 0, 1), pairwise(distributions(M[0, 1]), jensenshannon))
rank5 = os.path.join(data, "small32_rank5.npy")
R = load_attention(rank5)
compare("js rank5 L1H1", distance(vitopo, rank5, 1, 1), pairwise(distributions(R[1, 1]), jensenshannon))

# Near-uniform rows (logits with standard deviation 0.1 and 0.25): every pair
# close (distance < 0.1) for 0.1, close and far pairs mixed for 0.25.
near = os.path.join(data, "near_uniform64.npy")
N = load_attention(near)
for head in (0, 1):
    for options in [(), ("--drop-cls",), ("--columns",)]:
        P = distributions(N[0, head], columns="--columns" in options, drop_cls="--drop-cls" in options)
        js = pairwise(P, jensenshannon)
        tag = f"near-uniform H{head}{''.join(options)}"
        far = float((js[np.triu_indices(len(P), 1)] >= 0.1).mean())
        check(far == 0 if head == 0 else 0 < far < 1, f"{tag}: {far:.0%} of the pairs at distance >= 0.1")
        compare(f"js {tag}", distance(vitopo, near, 0, head, *options), js)

# Peaked rows that are alike: every row far from uniform, most pairs close, so
# the kernel's far-first order and its switch to the dot product both run.
alike = os.path.join(data, "peaked_alike64.npy")
A = distributions(load_attention(alike)[0, 0])
js = pairwise(A, jensenshannon)
close = float((js[np.triu_indices(len(A), 1)] < 0.1).mean())
check(0.5 < close < 1, f"peaked alike: {close:.0%} of the pairs at distance < 0.1")
compare("js peaked alike", distance(vitopo, alike, 0, 0), js)

finish("metrics_oracle")
