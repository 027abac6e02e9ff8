"""`vitopo analyze --export DIR` against independent computations.

For several attention tensors and settings, the export must give:
  attention.npy   the input, bit for bit;
  distances.npy   scipy's jensenshannon (or the metric's numpy closed form) to 1e-12 relative;
  distance.ldm    a file on which Debian's ripser (ripser-coeff for Z/3) prints the first head's barcode;
  bars.csv        the analysis JSON's diagrams exactly (same doubles, same order);
  cycles.json     for every finite H1 bar a closed cycle (even degrees over Z/2) born at the bar's birth;
  features.csv    the same features computed with numpy and networkx from attention.npy and bars.csv;
  reproduce.py    exit 0, and exit 1 once bars.csv is changed.
usage: export_oracle.py VITOPO WORKDIR
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys

import networkx as nx
import numpy as np
from scipy.spatial.distance import jensenshannon

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL:", message)


def attention(seed, layers, heads, tokens, sharpness, dtype):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(layers, heads, tokens, tokens)) * sharpness
    a = np.exp(x - x.max(axis=-1, keepdims=True))
    return (a / a.sum(axis=-1, keepdims=True)).astype(dtype)


def run_export(vitopo, npy, folder, options):
    shutil.rmtree(folder, ignore_errors=True)
    result = subprocess.run([vitopo, "analyze", npy, "--export", folder, *options], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"vitopo analyze --export failed ({result.returncode}): {result.stderr}")
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    return {entry["kind"]: os.path.join(folder, entry["name"]) for entry in manifest["files"]}


def distributions(A, columns, drop_cls):
    P = A.T if columns else A
    if drop_cls:
        P = P[1:, 1:]
    return P / P.sum(axis=1, keepdims=True)


def reference_distances(A, metric, columns, drop_cls):
    P = distributions(A, columns, drop_cls)
    n = len(P)
    if metric == "attention-graph":
        D = 1 - np.maximum(P, P.T)
        np.fill_diagonal(D, 0)
        return D
    D = np.zeros((n, n))
    for i in range(n):
        for j in range(i):
            D[i, j] = D[j, i] = jensenshannon(P[i], P[j])
    return D


def read_bars(path):
    bars = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (int(row["layer"]), int(row["head"]), int(row["dim"]))
            death = math.inf if row["death"] == "" else float(row["death"])
            bars.setdefault(key, []).append((int(row["index"]), float(row["birth"]), death,
                                             row["birth_simplex"], row["death_simplex"], row["persistence"]))
    return bars


def ripser_barcode(ldm, maxdim, modulus):
    program = ["ripser"] if modulus == 2 else ["ripser-coeff", "--modulus", str(modulus)]
    out = subprocess.run(program + ["--format", "lower-distance", "--dim", str(maxdim), ldm],
                         capture_output=True, text=True, check=True).stdout
    bars, dim = {}, None
    for line in out.splitlines():
        if line.startswith("persistence intervals in dim"):
            dim = int(line.split()[-1].rstrip(":"))
            bars[dim] = []
        elif line.startswith(" [") and dim is not None:
            b, d = line.strip()[1:-1].split(",")
            bars[dim].append((float(b), math.inf if d.strip() == "" else float(d)))
    return bars


def close(x, y, rel):
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= rel * max(abs(x), abs(y)) + 1e-12


def expected_features(A, bars_by_dim, maxdim, threshold, summary):
    """One head's features.csv row, from numpy and networkx."""
    row = {"threshold": threshold}
    for d in range(maxdim + 1):
        bars = bars_by_dim.get(d, [])
        h = f"h{d}_"
        births = np.array([b for b, _ in bars])
        deaths = np.array([x for _, x in bars])
        finite = np.isfinite(deaths)
        lengths = deaths[finite] - births[finite]
        s = summary[d]
        for key in ("bars", "essential", "total_persistence_1", "total_persistence_2", "entropy", "longest_finite",
                    "long_bars"):
            row[h + key] = s[key]
        row[h + "bars"] = len(bars)
        row[h + "total_persistence_1"] = lengths.sum()
        row[h + "length_mean"] = lengths.mean() if len(lengths) else 0.0
        row[h + "length_std"] = lengths.std() if len(lengths) else 0.0
        if len(lengths) and lengths.sum() > 0:
            p = lengths[lengths > 0] / lengths.sum()
            row[h + "entropy"] = float(-(p * np.log(p)).sum())
        for t in (0.25, 0.5, 0.75):
            row[f"{h}births_above_{t}"] = int((births > t).sum())
            row[f"{h}births_below_{t}"] = int((births < t).sum())
            row[f"{h}deaths_above_{t}"] = int((deaths > t).sum())
            row[f"{h}deaths_below_{t}"] = int((deaths < t).sum())
        if len(lengths):
            k = int(np.argmax(lengths))
            row[h + "longest_birth"] = births[finite][k]
            row[h + "longest_death"] = deaths[finite][k]
        else:
            row[h + "longest_birth"] = row[h + "longest_death"] = None
    T = len(A)
    for tau in (0.025, 0.05, 0.1, 0.25, 0.5, 0.75):
        G = nx.Graph()
        G.add_nodes_from(range(T))
        sym = np.maximum(A, A.T)
        G.add_edges_from((i, j) for i in range(T) for j in range(i + 1, T) if sym[i, j] >= tau)
        E, C = G.number_of_edges(), nx.number_connected_components(G)
        p = f"graph_{tau}_"
        row[p + "edges"] = E
        row[p + "components"] = C
        row[p + "beta1"] = E - T + C
        row[p + "average_degree"] = sum(dict(G.degree()).values()) / T
    return row


def check_case(vitopo, work, name, data, options):
    npy = os.path.join(work, name + ".npy")
    np.save(npy, data)
    files = run_export(vitopo, npy, os.path.join(work, name), options)
    analysis = json.load(open(files["analysis.json"]))
    settings = analysis["settings"]
    maxdim, modulus = settings["maxdim"], settings["modulus"]
    check(analysis["schema"] == "vitopo.analysis/1" and "created" in analysis["export"]
          and analysis["export"]["source"] == name + ".npy", f"{name}: analysis.json's schema and export fields")

    exported = np.load(files["attention.npy"])
    check(exported.dtype == data.dtype and exported.shape == data.shape and exported.tobytes() == data.tobytes(),
          f"{name}: attention.npy is the input bit for bit")

    A = data.astype(np.float64)
    D = np.load(files["distances.npy"])
    n = A.shape[2] - (1 if settings["drop_cls"] else 0)
    check(D.dtype == np.float64 and D.shape == (A.shape[0], A.shape[1], n, n), f"{name}: distances.npy shape {D.shape}")
    for l in range(A.shape[0]):
        for h in range(A.shape[1]):
            R = reference_distances(A[l, h], settings["metric"], settings["columns"], settings["drop_cls"])
            worst = np.max(np.abs(D[l, h] - R) / np.maximum(np.abs(R), 1e-300) * (np.abs(D[l, h] - R) > 1e-15))
            check(worst <= 1e-12, f"{name}: distances.npy[{l},{h}] vs scipy: relative error {worst:.3g}")

    bars = read_bars(files["bars.csv"])
    for head in analysis["heads"]:
        for d, diagram in enumerate(head["diagrams"]):
            ours = bars.get((head["layer"], head["head"], d), [])
            check([i for i, *_ in ours] == list(range(len(diagram))), f"{name}: bar indices of {head['layer']},{head['head']} H{d}")
            json_bars = [(b, math.inf if x is None else x) for b, x in diagram]
            check([(b, x) for _, b, x, *_ in ours] == json_bars,
                  f"{name}: bars.csv equals the analysis JSON for {head['layer']},{head['head']} H{d}")
            for _, b, x, birth_simplex, death_simplex, persistence in ours:
                check(len(birth_simplex.split()) == d + 1 and len(death_simplex.split()) == (0 if math.isinf(x) else d + 2),
                      f"{name}: simplex sizes of a bar in H{d}")
                check(persistence == "" if math.isinf(x) else float(persistence) == x - b, f"{name}: persistence column")

    first = analysis["heads"][0]
    theirs = ripser_barcode(files["distance.ldm"], maxdim, modulus) if settings["threshold"] is None else None
    if theirs is not None:
        for d in range(maxdim + 1):
            ours = sorted((b, x) for _, b, x, *_ in bars.get((first["layer"], first["head"], d), []))
            other = sorted(theirs.get(d, []))
            check(len(ours) == len(other) and all(close(a, c, 1e-5) and close(b, e, 1e-5) for (a, b), (c, e) in zip(ours, other)),
                  f"{name}: ripser on distance.ldm gives the first head's H{d} ({len(other)} bars, ours {len(ours)})")

    cycles = json.load(open(files["cycles.json"]))
    check(cycles["schema"] == "vitopo.cycles/1" and len(cycles["heads"]) == len(analysis["heads"]), f"{name}: cycles.json heads")
    for head in cycles["heads"]:
        diagram = bars.get((head["layer"], head["head"], 1), [])
        finite = [i for i, b, x, *_ in diagram if math.isfinite(x)]
        check([c["index"] for c in head["cycles"]] == finite, f"{name}: one cycle per finite H1 bar")
        Dh = D[head["layer"], head["head"]]
        for c in head["cycles"]:
            degree = {}
            for u, v in c["edges"]:
                degree[u] = degree.get(u, 0) + 1
                degree[v] = degree.get(v, 0) + 1
            if modulus == 2:
                check(all(k % 2 == 0 for k in degree.values()), f"{name}: cycle of bar {c['index']} is closed")
            check(max(Dh[u, v] for u, v in c["edges"]) == c["birth"], f"{name}: cycle of bar {c['index']} born at its birth")

    with open(files["features.csv"], newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(analysis["heads"]), f"{name}: one features.csv row per head")
    for head, row in zip(analysis["heads"], rows):
        l, h = head["layer"], head["head"]
        check(int(row["layer"]) == l and int(row["head"]) == h, f"{name}: features.csv row order")
        by_dim = {d: [(b, x) for _, b, x, *_ in bars.get((l, h, d), [])] for d in range(maxdim + 1)}
        want = expected_features(A[l, h], by_dim, maxdim, head["threshold"], head["summary"])
        check(set(want) | {"layer", "head"} == set(row), f"{name}: features.csv columns {sorted(set(row) ^ set(want))}")
        for key, value in want.items():
            got = row.get(key, "missing")
            if value is None:
                check(got == "", f"{name}: {l},{h} {key} is empty ({got!r})")
            else:
                check(got not in ("", "missing") and close(float(got), float(value), 1e-12),
                      f"{name}: {l},{h} {key} = {got}, numpy/networkx {value}")

    script = files["reproduce.py"]
    result = subprocess.run(["/usr/bin/python3", script], capture_output=True, text=True)
    check(result.returncode == 0, f"{name}: reproduce.py exits {result.returncode}: {result.stdout}{result.stderr}")
    lines = open(files["bars.csv"]).read().splitlines()
    row = lines[1].split(",")
    row[5] = repr(float(row[5]) * 1.01) if row[5] else "1.0"
    with open(files["bars.csv"], "w") as f:
        f.write("\n".join([lines[0], ",".join(row)] + lines[2:]) + "\n")
    result = subprocess.run(["/usr/bin/python3", script], capture_output=True, text=True)
    check(result.returncode == 1 and "differs:" in result.stdout, f"{name}: reproduce.py notices a changed bar ({result.returncode})")


def check_refusals(vitopo, work):
    """Bad --export arguments: exit code and the message."""
    npy = os.path.join(work, "js.npy")
    cases = [
        (["--export"], 2, "vitopo analyze: --export needs a value\n"),
        (["--export", ""], 2, "vitopo analyze: --export needs a folder\n"),
        (["--export", npy], 1, f"vitopo analyze: cannot make the export folder {npy}\n"),
    ]
    for options, code, message in cases:
        result = subprocess.run([vitopo, "analyze", npy, *options], capture_output=True, text=True)
        check(result.returncode == code and result.stderr.startswith(message),
              f"analyze {options}: exit {result.returncode}, {result.stderr!r}")


def check_reproduce_metrics(vitopo, work):
    """reproduce.py recomputes every metric and the seed-compatible mode."""
    npy = os.path.join(work, "metrics.npy")
    np.save(npy, attention(5, 1, 2, 12, 2.5, np.float32))
    runs = [["--metric", m] for m in ("js-divergence", "sqrt-js", "hellinger", "total-variation", "cosine", "euclidean")]
    for options in runs + [["--seed-compatible"], ["--metric", "hellinger", "--columns", "--drop-cls"]]:
        files = run_export(vitopo, npy, os.path.join(work, "metric"), options)
        result = subprocess.run(["/usr/bin/python3", files["reproduce.py"]], capture_output=True, text=True)
        check(result.returncode == 0, f"reproduce.py with {options} exits {result.returncode}: {result.stdout}{result.stderr}")


def main():
    vitopo, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    check_case(vitopo, work, "js", attention(1, 2, 3, 17, 3.0, np.float32), [])
    check_case(vitopo, work, "graph_drop_cls", attention(2, 2, 2, 26, 4.0, np.float32),
               ["--metric", "attention-graph", "--drop-cls"])
    check_case(vitopo, work, "h2_z3", attention(3, 1, 2, 13, 2.0, np.float64), ["--maxdim", "2", "--modulus", "3"])
    check_case(vitopo, work, "columns_threshold", attention(4, 1, 2, 15, 3.0, np.float32), ["--columns", "--threshold", "0.5"])
    check_refusals(vitopo, work)
    check_reproduce_metrics(vitopo, work)
    if FAILURES:
        print(f"export_oracle: {len(FAILURES)} failure(s)")
        sys.exit(1)
    print("export_oracle: ok")


if __name__ == "__main__":
    main()
