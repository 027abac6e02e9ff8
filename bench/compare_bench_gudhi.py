#!/usr/bin/python3
"""GUDHI's side of the comparison benchmark (bench/compare_bench.sh), not a test.

    /usr/bin/python3 bench/compare_bench_gudhi.py CASES.json OUT.json [--runs N]

CASES.json (written by bench/compare_bench.mjs): {"A": analysis JSON,
"B": analysis JSON, "cases": [{"name", "by", "dim", "distance", "order",
"layer", "head", "labels" (or "layers" and "heads"), "matrix"}]}, the labels
and matrix those of the page's vitopo.comparison/1. In this one process, for
each case, GUDHI computes the same matrix on the same diagrams:
gudhi.bottleneck_distance (exact), or gudhi.wasserstein.wasserstein_distance
(order=p, internal_p=inf, keep_essential_parts=True; POT's exact transport).
By head and by layer the matrix is symmetric with a zero diagonal: GUDHI
computes the pairs i < j only; by image every (layer, head) entry. The
diagrams are made numpy arrays before the clock starts. Each case is timed N
times if its first run took under 2 s, else once; a run that passes --budget
seconds (default 120) stops there and its time is extrapolated linearly to
all the case's distances ("estimated"; only those computed are checked).
Prints, per case, the largest relative difference between GUDHI's values and
the page's (+inf where the page has null), writes {"gudhi", "cases": [{"name",
"gudhi_ms", "gudhi_cpu_ms", "max_rel_diff", "mismatches", "distances", "computed",
"estimated", "points"}]} to OUT.json, and exits 1 if any difference is over
1e-9 relative.
"""
import argparse
import json
import math
import sys
import time
import warnings

import gudhi
import numpy as np
from gudhi.wasserstein import wasserstein_distance

TOLERANCE = 1e-9


def diagram(analysis, layer, head, dim):
    """The diagram of a head as an (n, 2) array; head None: the layer's heads pooled."""
    rows = []
    for h in analysis["heads"]:
        if h["layer"] == layer and (head is None or h["head"] == head):
            rows += [[b, math.inf if d is None else d] for b, d in h["diagrams"][dim]]
    return np.array(rows, dtype=float).reshape(-1, 2)


def distance_fn(kind, order):
    if kind == "bottleneck":
        return gudhi.bottleneck_distance
    return lambda x, y: wasserstein_distance(x, y, order=order, internal_p=np.inf, keep_essential_parts=True)


def pairs_of(case, A, B):
    """[(i, j, X, Y)] the matrix entries GUDHI computes, with their diagrams."""
    dim = case["dim"]
    if case["by"] in ("head", "layer"):
        if case["by"] == "head":
            d = [diagram(A, case["layer"], k, dim) for k in case["labels"]]
        else:
            d = [diagram(A, k, case["head"], dim) for k in case["labels"]]
        return [(i, j, d[i], d[j]) for i in range(len(d)) for j in range(i + 1, len(d))], len(d)
    return [(i, j, diagram(A, layer, head, dim), diagram(B, layer, head, dim))
            for i, layer in enumerate(case["layers"]) for j, head in enumerate(case["heads"])], None


def run(case, A, B, runs, budget):
    pairs, square = pairs_of(case, A, B)
    total = len(pairs)
    fn = distance_fn(case["distance"], case["order"])
    times, cpu, values, estimated = [], [], None, False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while len(times) < runs:
            start, start_cpu = time.perf_counter(), time.process_time()
            values = []
            for _, _, x, y in pairs:
                values.append(fn(x, y))
                if time.perf_counter() - start > budget and len(values) < total:
                    break
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            if len(values) < total:  # over the budget: the rest extrapolated
                estimated = True
                pairs = pairs[:len(values)]
                times.append(1000 * elapsed * total / len(values))
                cpu.append(1000 * elapsed_cpu * total / len(values))
                break
            times.append(1000 * elapsed)
            cpu.append(1000 * elapsed_cpu)
            if times[0] >= 2000:
                break
    # GUDHI's values against the page's matrix.
    page = case["matrix"]
    worst = 0.0
    mismatches = 0
    for (i, j, _, _), want in zip(pairs, values):
        entries = [page[i][j]] + ([page[j][i]] if square else [])
        for got in entries:
            got = math.inf if got is None else got
            if math.isinf(want) or math.isinf(got):
                if not (math.isinf(want) and math.isinf(got)):
                    mismatches += 1
                    worst = math.inf
                continue
            worst = max(worst, abs(got - want) / max(abs(want), 1e-12))
    if square:
        for i in range(square):
            if page[i][i] not in (0, 0.0):
                mismatches += 1
                worst = math.inf
    points = [len(x) for _, _, x, _ in pairs] + [len(y) for _, _, _, y in pairs]
    return {"name": case["name"], "gudhi_ms": times, "gudhi_cpu_ms": cpu, "max_rel_diff": worst, "mismatches": mismatches,
            "distances": total, "computed": len(pairs), "estimated": estimated,
            "points": {"min": min(points), "mean": sum(points) / len(points), "max": max(points)}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cases")
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--budget", type=float, default=120, help="seconds per case before the rest is extrapolated")
    args = p.parse_args()
    data = json.load(open(args.cases))
    results = []
    for case in data["cases"]:
        r = run(case, data["A"], data["B"], max(1, args.runs), args.budget)
        results.append(r)
        ok = r["max_rel_diff"] <= TOLERANCE and not r["mismatches"]
        est = f" (estimated from {r['computed']})" if r["estimated"] else ""
        print(f"GUDHI {case['name']}: {r['distances']} distances{est} in {min(r['gudhi_ms']):.0f} ms; "
              f"max relative difference from the page {r['max_rel_diff']:.2e} ({'ok' if ok else 'OVER 1e-9'})",
              file=sys.stderr, flush=True)
    json.dump({"gudhi": gudhi.__version__, "cases": results}, open(args.out, "w"), indent=1)
    bad = [r["name"] for r in results if r["max_rel_diff"] > TOLERANCE or r["mismatches"]]
    if bad:
        print(f"GUDHI and the page differ by more than {TOLERANCE:g} relative in: {', '.join(bad)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
