"""The Python side of tests/e2e/export.test.mjs, on an unzipped bundle.

usage: export_check.py FOLDER LAYER HEAD
Checks, printing one line per failure and exiting 1 if any:
  distances.npy = scipy's jensenshannon on attention.npy (1e-12 relative);
  features.csv  = numpy + networkx (tests/export/export_oracle.py's reference);
  every SVG is well-formed XML with one mark per bar, diagram point or token.
"""
import csv
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

import numpy as np
from scipy.spatial.distance import jensenshannon

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "export"))
from export_oracle import close, expected_features  # noqa: E402

folder, layer, head = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
manifest = json.load(open(os.path.join(folder, "manifest.json")))
files = {}
for entry in manifest["files"]:
    files.setdefault(entry["kind"], []).append(os.path.join(folder, entry["name"]))
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


analysis = json.load(open(files["analysis.json"][0]))
settings = analysis["settings"]
A = np.load(files["attention.npy"][0]).astype(np.float64)
D = np.load(files["distances.npy"][0])
check(D.shape == A.shape and D.dtype == np.float64, f"distances.npy has shape {D.shape}")
worst = 0.0
for l in range(A.shape[0]):
    for h in range(A.shape[1]):
        P = A[l, h] / A[l, h].sum(axis=1, keepdims=True)
        for i in range(len(P)):
            for j in range(i):
                r = jensenshannon(P[i], P[j])
                if abs(D[l, h, i, j] - r) > 1e-15:
                    worst = max(worst, abs(D[l, h, i, j] - r) / r)
check(worst <= 1e-12, f"distances.npy vs scipy's jensenshannon: relative error {worst:.3g}")

bars = {}
with open(files["bars.csv"][0], newline="") as f:
    for row in csv.DictReader(f):
        death = math.inf if row["death"] == "" else float(row["death"])
        bars.setdefault((int(row["layer"]), int(row["head"]), int(row["dim"])), []).append((float(row["birth"]), death))
with open(files["features.csv"][0], newline="") as f:
    rows = list(csv.DictReader(f))
check(len(rows) == len(analysis["heads"]), "one features.csv row per head")
for h, row in zip(analysis["heads"], rows):
    by_dim = {d: bars.get((h["layer"], h["head"], d), []) for d in range(settings["maxdim"] + 1)}
    want = expected_features(A[h["layer"], h["head"]], by_dim, settings["maxdim"], h["threshold"], h["summary"])
    for key, value in want.items():
        got = row.get(key, "missing")
        ok = got == "" if value is None else got not in ("", "missing") and close(float(got), float(value), 1e-12)
        check(ok, f"features.csv {h['layer']},{h['head']} {key} = {got}, numpy/networkx {value}")

selected = next(x for x in analysis["heads"] if x["layer"] == layer and x["head"] == head)
count = sum(len(d) for d in selected["diagrams"])
svg = "{http://www.w3.org/2000/svg}"
for path in files["svg"]:
    root = ET.parse(path).getroot()  # raises on malformed XML
    classes = [e.get("class", "") for e in root.iter()]
    if path.endswith("-barcode.svg"):
        check(sum(c.split()[0] == "bar" for c in classes if c) == count, f"{path}: one line per bar ({count})")
        check(all(e.tag == svg + "line" for e in root.iter() if e.get("class", "").startswith("bar")), "bars are lines")
    elif path.endswith("-diagram.svg"):
        check(sum(c.split()[0] == "point" for c in classes if c) == count, f"{path}: one circle per point ({count})")
    elif path.endswith("-skeleton.svg"):
        check(sum(c == "token" for c in classes) == len(A[0, 0]), f"{path}: one circle per token")
        epsilon = float(root.find(f"{svg}g[@id='edges']").get("data-epsilon"))
        Dh = D[layer, head]
        want = sum(Dh[i, j] <= epsilon for i in range(len(Dh)) for j in range(i))
        check(sum(c == "edge" for c in classes) == want, f"{path}: one line per edge with d <= {epsilon} ({want})")
    else:
        check(False, f"unexpected SVG {path}")
check(len(files["svg"]) == 3, "three SVGs in the bundle")
if failures:
    print(f"export_check: {len(failures)} failure(s)")
    sys.exit(1)
print("export_check: ok")
