"""The page's comparisons against GUDHI, on the page's own diagrams.

usage: comparison_oracle.py CASES.json

CASES.json holds {"analyses": {"A": analysis JSON, "B": ...}, "comparisons":
[{"of": ["A"] or ["A", "B"], "result": vitopo.comparison/1}], "matchings":
[{"a": {analysis, layer, head}, "b": {...}, "dim", "distance", "order",
"result": {distance, pairs}}]}. Each matrix entry is recomputed from the
diagrams with gudhi.bottleneck_distance (exact) or
gudhi.wasserstein.wasserstein_distance (POT, exact; L∞ ground metric,
essential parts kept), to 1e-9 relative; +inf where the page has null. Each
matching's cost, recomputed from its pairs, equals its distance, and every
off-diagonal point is matched exactly once.
"""
import json
import math
import sys
import warnings

import gudhi
import numpy as np
from gudhi.wasserstein import wasserstein_distance

cases = json.load(open(sys.argv[1]))
analyses = cases["analyses"]
failures = []
checked = 0


def check(ok, message):
    if not ok:
        failures.append(message)


def points(analysis, layer, head, dim):
    """The diagram of a head (head None: the layer's heads pooled, in head order)."""
    out = []
    for h in analysis["heads"]:
        if h["layer"] == layer and (head is None or h["head"] == head):
            out += [[b, math.inf if d is None else d] for b, d in h["diagrams"][dim]]
    return out


def gudhi_distance(x, y, kind, order):
    X = np.array(x, dtype=float).reshape(-1, 2)
    Y = np.array(y, dtype=float).reshape(-1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "bottleneck":
            return gudhi.bottleneck_distance(X, Y)
        return wasserstein_distance(X, Y, order=order, internal_p=np.inf, keep_essential_parts=True)


def same(got, want, where):
    global checked
    checked += 1
    got = math.inf if got is None else got
    if math.isinf(want) or math.isinf(got):
        check(math.isinf(want) and math.isinf(got), f"{where}: page {got}, GUDHI {want}")
    else:
        check(abs(got - want) <= 1e-9 * max(abs(want), 1e-12), f"{where}: page {got!r}, GUDHI {want!r}")


for case in cases["comparisons"]:
    c = case["result"]
    a = analyses[case["of"][0]]
    dim, kind, order = c["dim"], c["distance"], c["order"]
    check(c["schema"] == "vitopo.comparison/1", f"schema {c['schema']}")
    where = f"{case['of']} by {c['by']} {kind} p={order} H{dim}"
    if c["by"] == "head":
        labels = c["labels"]
        check(labels == sorted({h["head"] for h in a["heads"] if h["layer"] == c["layer"]}), f"{where}: labels {labels}")
        for i, hi in enumerate(labels):
            for j, hj in enumerate(labels):
                same(c["matrix"][i][j], gudhi_distance(points(a, c["layer"], hi, dim), points(a, c["layer"], hj, dim), kind, order),
                     f"{where} layer {c['layer']} heads {hi},{hj}")
    elif c["by"] == "layer":
        labels = c["labels"]
        check(labels == sorted({h["layer"] for h in a["heads"]}), f"{where}: labels {labels}")
        for i, li in enumerate(labels):
            for j, lj in enumerate(labels):
                same(c["matrix"][i][j], gudhi_distance(points(a, li, c["head"], dim), points(a, lj, c["head"], dim), kind, order),
                     f"{where} head {c['head']} layers {li},{lj}")
    else:
        b = analyses[case["of"][1]]
        for i, layer in enumerate(c["layers"]):
            for j, head in enumerate(c["heads"]):
                same(c["matrix"][i][j], gudhi_distance(points(a, layer, head, dim), points(b, layer, head, dim), kind, order),
                     f"{where} layer {layer} head {head}")

for m in cases["matchings"]:
    x = points(analyses[m["a"]["analysis"]], m["a"]["layer"], m["a"]["head"], m["dim"])
    y = points(analyses[m["b"]["analysis"]], m["b"]["layer"], m["b"]["head"], m["dim"])
    where = f"matching {m['a']} {m['b']} {m['distance']} p={m['order']}"
    r = m["result"]
    same(r["distance"], gudhi_distance(x, y, m["distance"], m["order"]), where)
    if r["distance"] is None:
        continue
    gaps, seen_a, seen_b = [], [], []
    for i, j in r["pairs"]:
        if i >= 0:
            seen_a.append(i)
        if j >= 0:
            seen_b.append(j)
        if i >= 0 and j >= 0:
            (b1, d1), (b2, d2) = x[i], y[j]
            gaps.append(abs(b1 - b2) if math.isinf(d1) and math.isinf(d2) else max(abs(b1 - b2), abs(d1 - d2)))
        else:
            b, d = x[i] if i >= 0 else y[j]
            gaps.append((d - b) / 2)
    off_a = [k for k, (b, d) in enumerate(x) if b != d]
    off_b = [k for k, (b, d) in enumerate(y) if b != d]
    check(sorted(seen_a) == off_a and sorted(seen_b) == off_b, f"{where}: not every point matched exactly once")
    cost = max(gaps, default=0.0) if m["distance"] == "bottleneck" else sum(g ** m["order"] for g in gaps) ** (1 / m["order"])
    check(abs(cost - r["distance"]) <= 1e-9 * max(r["distance"], 1e-12), f"{where}: cost of the pairs {cost!r}, distance {r['distance']!r}")

for f in failures[:20]:
    print("FAIL:", f)
print(f"comparison_oracle: {checked} distances and {len(cases['matchings'])} matchings against GUDHI, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
