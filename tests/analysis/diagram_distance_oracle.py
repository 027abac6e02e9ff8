"""`vitopo compare` (Hera) against GUDHI's bottleneck and Wasserstein distances.

usage: diagram_distance_oracle.py VITOPO DATA_DIR

Random pairs of diagrams, written as two analysis JSON files, one head per
pair, and compared head by head:
  - 150 small pairs (0 to 12 points, some empty, with essential points:
    mostly equal counts, sometimes different);
  - 40 pairs whose finite points share one birth, as H0 diagrams do (the
    line algorithm), from 1 to 300 points;
  - 12 large pairs, 100 to 600 points crowded near the diagonal, so that
    many pairs are near each other (the network and matching algorithms).
Each is checked against GUDHI to 1e-9 relative:
  - bottleneck: gudhi.bottleneck_distance (exact);
  - Wasserstein, orders 1 and 2, L∞ ground metric: gudhi.wasserstein.
    wasserstein_distance(order=p, internal_p=inf, keep_essential_parts=True)
    (exact, through POT).
Both sides follow the same convention for essential points: matched by
birth among themselves, +inf when their counts differ.
"""
import json
import os
import sys
import tempfile
import warnings

import gudhi
import numpy as np
from gudhi.wasserstein import wasserstein_distance

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import check, finish, run  # noqa: E402

vitopo = sys.argv[1]
rng = np.random.default_rng(2024)
SMALL, LINE, LARGE = 150, 40, 12
PAIRS = SMALL + LINE + LARGE


def line_diagram(birth, essential):
    n = int(rng.integers(1, 301))
    deaths = birth + rng.random(n) * 0.5 + 1e-3
    if n > 3:
        deaths[1] = deaths[0]  # ties
    points = [[float(birth), float(d)] for d in deaths]
    return points + [[float(birth), None] for _ in range(essential)]


def large_diagram(essential):
    n = int(rng.integers(100, 601))
    births = rng.random(n) * 0.3
    deaths = births + rng.exponential(0.02, n) + 1e-4
    points = [[float(b), float(d)] for b, d in zip(births, deaths)]
    return points + [[float(rng.random()), None] for _ in range(essential)]


def random_diagram(essential):
    n = int(rng.integers(0, 13)) if rng.random() > 0.1 else 0
    births = rng.random(n) * 0.8
    deaths = births + rng.random(n) * 0.6 + 1e-3
    if n > 2 and rng.random() < 0.3:
        deaths[1] = deaths[0]  # ties
        births[1] = births[0] + 0.01
    points = [[float(b), float(d)] for b, d in zip(births, deaths)]
    points += [[float(rng.random()), None] for _ in range(essential)]
    rng.shuffle(points)
    return points


def analysis(diagrams):
    return {
        "schema": "vitopo.analysis/1",
        "settings": {"metric": "js", "columns": False, "drop_cls": False, "seed_compatible": False,
                     "maxdim": 0, "threshold": None, "modulus": 2},
        "shape": {"layers": 1, "heads": len(diagrams), "tokens": 0},
        "heads": [{"layer": 0, "head": k, "diagrams": [d], "summary": []} for k, d in enumerate(diagrams)],
    }


def as_array(points):
    return np.array([[b, np.inf if d is None else d] for b, d in points], dtype=float).reshape(-1, 2)


A, B = [], []
for k in range(SMALL):
    ea = int(rng.integers(0, 3))
    eb = ea if rng.random() < 0.85 else int(rng.integers(0, 3))
    A.append(random_diagram(ea))
    B.append(random_diagram(eb))
for k in range(LINE):
    birth = 0.0 if k % 2 == 0 else float(rng.random())
    A.append(line_diagram(birth, 1))
    B.append(line_diagram(birth, 1))
for k in range(LARGE):
    A.append(large_diagram(1))
    B.append(large_diagram(1))
empty = sum(1 for a, b in zip(A, B) if not a or not b)
infinite = sum(1 for a, b in zip(A, B) if any(p[1] is None for p in a + b))
check(empty >= 5 and infinite >= 50, f"too few empty ({empty}) or infinite ({infinite}) cases")

with tempfile.TemporaryDirectory() as tmp:
    fa, fb = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
    json.dump(analysis(A), open(fa, "w"))
    json.dump(analysis(B), open(fb, "w"))
    for kind, order in [("bottleneck", 1), ("wasserstein", 1), ("wasserstein", 2)]:
        out = json.loads(run(vitopo, "compare", fa, fb, "--kind", kind, "--order", str(order), "--dim", "0").stdout)
        check(out["schema"] == "vitopo.comparison/1" and out["by"] == "image", f"{kind}: schema {out.get('schema')}")
        check(out["layers"] == [0] and out["heads"] == list(range(PAIRS)), f"{kind}: labels {out['layers']}")
        for k, distance in enumerate(out["matrix"][0]):
            X, Y = as_array(A[k]), as_array(B[k])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if kind == "bottleneck":
                    want = gudhi.bottleneck_distance(X, Y)
                else:
                    want = wasserstein_distance(X, Y, order=order, internal_p=np.inf, keep_essential_parts=True)
            got = np.inf if distance is None else distance
            tol = 1e-9
            if np.isinf(want) or np.isinf(got):
                check(np.isinf(want) and np.isinf(got), f"{kind} p={order} pair {k}: {got} vs GUDHI {want}")
            else:
                check(abs(got - want) <= tol * max(abs(want), 1e-12),
                      f"{kind} p={order} pair {k}: {got} vs GUDHI {want}")

finish(f"diagram_distance_oracle ({PAIRS} pairs x 3 distances: {SMALL} small, {LINE} on a line, {LARGE} large; "
       f"{empty} with an empty diagram, {infinite} with essential points)")
