"""Synthetic ViT attention with locality and CLS structure, saved as .npy.

Token 0 is CLS and patch (r, c) is token 1 + r*grid + c. For layer l and head h
the logits are  -|x_i - x_j|^2 / (2 s^2)  (patches attend to their
neighbourhood, with a scale s that grows with depth and varies by head),
plus a CLS column bias, plus Gaussian noise; rows are softmaxed, as a model's
would be. Used by the oracle tests (as a ctest fixture) and by the benchmark.

usage: make_attention.py OUT.npy [--layers L] [--heads H] [--grid G] [--seed S]
                                 [--dtype float32|float64] [--rank5]
"""
import argparse

import numpy as np


def attention(layers, heads, grid, seed, dtype):
    rng = np.random.default_rng(seed)
    T = 1 + grid * grid
    pos = np.zeros((T, 2))
    pos[1:, 0] = np.repeat(np.arange(grid), grid)
    pos[1:, 1] = np.tile(np.arange(grid), grid)
    pos[0] = (grid - 1) / 2.0  # CLS sits in the middle for the locality term
    d2 = ((pos[:, None, :] - pos[None, :, :]) ** 2).sum(-1)
    A = np.empty((layers, heads, T, T))
    for l in range(layers):
        for h in range(heads):
            s = 0.6 + 0.25 * l + 0.15 * h + 0.2 * rng.random()
            logits = -d2 / (2 * s * s)
            logits[:, 0] += rng.normal(1.0, 0.5)  # attention to CLS
            logits += rng.normal(0.0, 0.3 + 0.05 * h, size=(T, T))
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            A[l, h] = e / e.sum(axis=1, keepdims=True)
    return A.astype(dtype)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--heads", type=int, default=3)
    p.add_argument("--grid", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dtype", default="float64")
    p.add_argument("--rank5", action="store_true")
    a = p.parse_args()
    A = attention(a.layers, a.heads, a.grid, a.seed, a.dtype)
    if a.rank5:
        A = A[:, None]
    np.save(a.out, A)


if __name__ == "__main__":
    main()
