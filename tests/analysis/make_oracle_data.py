"""Fixture for the analysis oracle tests: generated attention tensors.

usage: make_oracle_data.py DATA_DIR
Writes DATA_DIR/{small64,small32_rank5,medium32}.npy (see make_attention.py), and
near_uniform64.npy: 1 layer x 2 heads x 65 tokens, each row the softmax of
Gaussian logits with standard deviation 0.1 (head 0) or 0.25 (head 1), and
peaked_alike64.npy: 1 layer x 1 head x 80 tokens, each row the softmax of one
shared set of Gaussian logits (standard deviation 1.5) plus its own (0.12):
peaked rows whose pairs are mostly close, as in a random-weight ViT-B.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_attention import attention  # noqa: E402

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
# float64, [L, H, T, T], 2 layers x 3 heads x 17 tokens
np.save(os.path.join(out, "small64.npy"), attention(2, 3, 4, seed=11, dtype="float64"))
# float32, [L, 1, H, T, T], as the model exports it
np.save(os.path.join(out, "small32_rank5.npy"), attention(2, 2, 4, seed=12, dtype="float32")[:, None])
# float32, 1 layer x 2 heads x 50 tokens (the app's model size)
np.save(os.path.join(out, "medium32.npy"), attention(1, 2, 7, seed=13, dtype="float32"))
# float64, near-uniform rows (random-weight models, diffuse heads): every pair is close
rng = np.random.default_rng(14)
logits = rng.normal(0.0, 1.0, size=(1, 2, 65, 65)) * np.array([0.1, 0.25])[None, :, None, None]
e = np.exp(logits)
np.save(os.path.join(out, "near_uniform64.npy"), e / e.sum(axis=-1, keepdims=True))
# float64, peaked rows that are alike (a random-weight ViT-B's): most pairs close
shared = rng.normal(0.0, 1.5, size=80)
e = np.exp(shared[None, None, None, :] + rng.normal(0.0, 0.12, size=(1, 1, 80, 80)))
np.save(os.path.join(out, "peaked_alike64.npy"), e / e.sum(axis=-1, keepdims=True))
