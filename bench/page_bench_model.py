#!/usr/bin/python3
"""Writes a ViT-B-shaped model that follows vitopo's model contract, for the
page benchmark (bench/page_bench.sh), not for any test: gray 28x28 input,
patch 2 (a 14x14 grid + CLS = 197 tokens), 12 layers of 12 heads, embedding
dim 24, 10 classes, random weights (seeded). Its attention tensor is
12 x 12 x 197 x 197, the size of ViT-B/16's on a 224x224 image.

    /usr/bin/python3 bench/page_bench_model.py OUT.onnx [--sharpen S]

With random weights the attention is close to uniform (every row near 1/197).
--sharpen S multiplies the query and key weights by S, so the scores grow by
S^2 and the rows become peaked, nearer to what a trained model gives.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from vit import ViT, export_contract_onnx  # noqa: E402

LABELS = [f"class {k}" for k in range(10)]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--sharpen", type=float, default=1.0)
    args = p.parse_args()
    torch.manual_seed(11)
    torch.set_num_threads(1)
    dim = 24
    model = ViT(image=28, channels=1, patch=2, dim=dim, depth=12, heads=12, mlp_dim=48, classes=len(LABELS))
    with torch.no_grad():
        for block in model.blocks:
            block.attn.qkv.weight[: 2 * dim] *= args.sharpen  # the query and key rows
    model.eval()
    export_contract_onnx(model, args.out, {
        "input": {"channels": 1, "height": 28, "width": 28},
        "patch": 2, "grid": [14, 14], "cls": True,
        "preprocessing": {"background": "dark", "normalization": "inside"},
        "labels": LABELS,
        "layers": 12, "heads": 12, "tokens": 197,
        "name": f"benchmark ViT (gray 28x28, patch 2, 12 layers, 12 heads, random, sharpen {args.sharpen:g})",
    })


if __name__ == "__main__":
    main()
