"""The core's triangles at ε (src/core/triangles.cpp) are GUDHI's 2-simplices.

usage: triangles_oracle.py VITOPO TRIANGLES_PROBE DATA_DIR

For token distance matrices that `vitopo distance` computes from the fixture's
attention (50 tokens, the app's model size; 65 near-uniform tokens), at ε from
the 5th to the 95th percentile of the distances and at ε equal to one of them
(the boundary: d <= ε is an edge): the probe's set of triangles must equal the
2-simplices of gudhi.RipsComplex(distance_matrix, max_edge_length=ε), and its
count their number. With a budget one below that number, the probe must say
over budget, keep the exact count and list nothing.
"""
import os
import subprocess
import sys
import tempfile

import gudhi
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import check, distance, finish  # noqa: E402

vitopo, probe, data = sys.argv[1], sys.argv[2], sys.argv[3]


def gudhi_triangles(D, eps):
    rips = gudhi.RipsComplex(distance_matrix=D.tolist(), max_edge_length=eps)
    tree = rips.create_simplex_tree(max_dimension=2)
    return {tuple(sorted(s)) for s, _ in tree.get_skeleton(2) if len(s) == 3}


def probe_triangles(npy, eps, budget):
    out = subprocess.run([probe, npy, repr(eps), str(budget)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    head = lines[0].split()
    count, over = int(head[1]), head[3] == "1"
    listed = [tuple(int(v) for v in line.split()) for line in lines[1:]]
    return count, over, listed


checked = 0
with tempfile.TemporaryDirectory() as tmp:
    for name, layer, head in [("medium32.npy", 0, 0), ("medium32.npy", 0, 1), ("near_uniform64.npy", 0, 1)]:
        D = distance(vitopo, os.path.join(data, name), layer, head)
        npy = os.path.join(tmp, "d.npy")
        np.save(npy, D)
        upper = D[np.triu_indices(len(D), 1)]
        scales = [float(np.percentile(upper, q)) for q in (5, 20, 35, 50, 65, 80, 95)]
        scales.append(float(np.sort(upper)[len(upper) // 3]))  # exactly a distance
        for eps in scales:
            want = gudhi_triangles(D, eps)
            count, over, listed = probe_triangles(npy, eps, 10**9)
            where = f"{name} head {head} ε={eps:.6g}"
            check(not over, f"{where}: over budget with a budget of 10^9")
            check(count == len(want), f"{where}: count {count}, GUDHI {len(want)}")
            check(len(listed) == count, f"{where}: {len(listed)} listed, count {count}")
            check(set(listed) == want, f"{where}: {len(set(listed) ^ want)} triangles differ from GUDHI's")
            check(listed == sorted(listed), f"{where}: not in lexicographic order")
            if want:
                count2, over2, listed2 = probe_triangles(npy, eps, len(want) - 1)
                check(over2 and count2 == len(want) and not listed2,
                      f"{where}: budget {len(want) - 1}: over {over2}, count {count2}, {len(listed2)} listed")
            checked += 1
            print(f"{where}: {len(want)} triangles")
print(f"triangles_oracle: {checked} scales compared with GUDHI")
finish("triangles_oracle")
