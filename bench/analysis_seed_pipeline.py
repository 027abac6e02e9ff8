"""The seed's Python pipeline on a few heads, timed, for analysis_bench.sh.

usage: analysis_seed_pipeline.py ATTN.npy [HEADS]
Per head, as the seed notebooks did: a scipy jensenshannon double loop over
all token pairs (T x T calls), then GUDHI RipsComplex(distance_matrix)
.create_simplex_tree(max_dimension=2).persistence() (H0 and H1).
Prints: heads=K seconds_per_head=S js_s=... rips_s=... cpu_per_head=...
(averages; wall clock, and process CPU time, less distorted by a loaded machine)
"""
import sys
import time

import gudhi
import numpy as np
from scipy.spatial.distance import jensenshannon

A = np.load(sys.argv[1]).astype(np.float64)
if A.ndim == 5:
    A = A[:, 0]
K = int(sys.argv[2]) if len(sys.argv) > 2 else 2
L, H, T, _ = A.shape
js_time = rips_time = 0.0
cpu0 = time.process_time()
for k in range(K):
    l, h = divmod(k * 37 % (L * H), H)
    P = A[l, h]
    t0 = time.perf_counter()
    D = np.zeros((T, T))
    for i in range(T):
        for j in range(T):
            D[i, j] = jensenshannon(P[i], P[j])
    t1 = time.perf_counter()
    tree = gudhi.RipsComplex(distance_matrix=D).create_simplex_tree(max_dimension=2)
    tree.persistence()
    t2 = time.perf_counter()
    js_time += t1 - t0
    rips_time += t2 - t1
cpu = (time.process_time() - cpu0) / K
print(f"heads={K} seconds_per_head={(js_time + rips_time) / K:.4f} js_s={js_time / K:.4f} "
      f"rips_s={rips_time / K:.4f} cpu_per_head={cpu:.4f}")
