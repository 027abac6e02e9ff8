#!/usr/bin/python3
"""Writes a small ViT that follows vitopo's model contract with an RGB 224 x 224
input, the size of ViT-B/16's, so that its share links are of version 2: patch
32 (a 7x7 grid + CLS = 50 tokens), 2 layers of 2 heads, 3 classes, normalised
outside the graph with ImageNet's mean and std, random weights (seeded). Its
weights are few: the input's size is what matters.

    /usr/bin/python3 rgb224_model.py OUT.onnx
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))
from vit import ViT, export_contract_onnx  # noqa: E402

LABELS = ["red", "green", "blue"]


def main():
    out = sys.argv[1]
    torch.manual_seed(11)
    model = ViT(image=224, channels=3, patch=32, dim=16, depth=2, heads=2, mlp_dim=32, classes=len(LABELS))
    model.eval()
    export_contract_onnx(model, out, {
        "input": {"channels": 3, "height": 224, "width": 224},
        "patch": 32, "grid": [7, 7], "cls": True,
        "preprocessing": {"background": "none", "normalization": "outside",
                          "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
        "labels": LABELS,
        "name": "e2e test ViT (RGB 224x224, patch 32, 2 layers, 2 heads)",
    })


if __name__ == "__main__":
    main()
