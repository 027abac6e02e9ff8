#!/usr/bin/python3
"""Writes another ViT that follows vitopo's model contract (docs/contracts.md) but is
not the default model: RGB 32x32 input, patch 8 (a 4x4 grid + CLS = 17
tokens), 2 layers of 3 heads, 5 classes, light background, random weights
(seeded). The page must run any such model, not only its own.

    /usr/bin/python3 other_model.py OUT.onnx [--photo]

With --photo the model takes photos instead (background "none"): the shorter
side resized to 40 pixels, bicubic, and the centre 32 x 32 cut out.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
from vit import ViT, export_contract_onnx  # noqa: E402

LABELS = ["circle", "square", "triangle", "star", "cross"]


def main():
    out = sys.argv[1]
    photo = "--photo" in sys.argv[2:]
    torch.manual_seed(7)
    model = ViT(image=32, channels=3, patch=8, dim=24, depth=2, heads=3, mlp_dim=48, classes=len(LABELS))
    model.eval()
    export_contract_onnx(model, out, {
        "input": {"channels": 3, "height": 32, "width": 32},
        "patch": 8, "grid": [4, 4], "cls": True,
        "preprocessing": ({"background": "none", "normalization": "inside", "resize": 40, "crop": 32,
                           "interpolation": "bicubic"} if photo else {"background": "light", "normalization": "inside"}),
        "labels": LABELS,
        "name": "e2e test ViT (RGB 32x32, patch 8, 2 layers, 3 heads)",
    })


if __name__ == "__main__":
    main()
