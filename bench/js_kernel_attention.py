"""Attention tensors for bench/js_kernel_bench.sh: 12 layers x 12 heads x 197 tokens.

usage: js_kernel_attention.py OUT_DIR
Writes OUT_DIR/uniform010.npy and uniform025.npy (near-uniform: every row the
softmax of Gaussian logits with standard deviation 0.1 or 0.25, as in
random-weight models and diffuse heads) and structured.npy (locality and CLS
structure, tests/analysis/make_attention.py), all float32 [L, H, T, T].
"""
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "analysis"))
from make_attention import attention  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
L, H, T = 12, 12, 197
for name, std in [("uniform010", 0.1), ("uniform025", 0.25)]:
    rng = np.random.default_rng(int(std * 1000))
    logits = rng.normal(0.0, std, size=(L, H, T, T))
    e = np.exp(logits - logits.max(axis=-1, keepdims=True))
    np.save(os.path.join(out, name + ".npy"), (e / e.sum(axis=-1, keepdims=True)).astype(np.float32))
np.save(os.path.join(out, "structured.npy"), attention(L, H, 14, seed=7, dtype="float32"))
