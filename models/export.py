#!/usr/bin/python3
"""Export the trained ViT to ONNX following vitopo's model contract (docs/contracts.md).

    /usr/bin/python3 models/export.py [--checkpoint build/model-training/last.pt]

Writes
  models/vitopo-fmnist.onnx            input `pixels` [B,1,28,28] in [0,1]; outputs
                                        `logits` [B,10] and `attentions` [L,B,heads,T,T];
                                        metadata_props "vitopo" = the JSON the app reads
  tests/model/fixtures/parity.json     4 test images with PyTorch's logits, and
  tests/model/fixtures/parity_attentions.f32
                                        their attentions (little-endian float32), for the
                                        onnxruntime-web parity test
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vit import LABELS, FMNIST_MEAN, FMNIST_STD, load_checkpoint  # noqa: E402
from train import load_split  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODEL_ID = "vitopo-fmnist-vit-d64-l4-h4-p4"
# Test-set indices of the parity images: four different classes (ankle boot,
# pullover, trouser, shirt), fixed so the fixture is reproducible.
PARITY_INDICES = [0, 1, 2, 4]


def metadata(record, model):
    cfg = record["config"]
    return {
        "schema": "vitopo.model/1",
        "id": MODEL_ID,
        "name": f"vitopo Fashion-MNIST ViT ({cfg['depth']} layers, {cfg['heads']} heads, dim {cfg['dim']}, patch {cfg['patch']})",
        "input": {"channels": 1, "height": 28, "width": 28, "range": [0, 1]},
        "patch": cfg["patch"],
        "grid": [model.grid, model.grid],
        "cls": True,
        "tokens": model.tokens,
        "layers": cfg["depth"],
        "heads": cfg["heads"],
        "preprocessing": {
            # Fashion-MNIST items are light on a black background (Xiao et al. 2017
            # negated the product photos), so uploads on a light background are inverted.
            "background": "dark",
            # The graph computes (pixels - mean) / std itself.
            "normalization": "inside",
            "mean": [FMNIST_MEAN],
            "std": [FMNIST_STD],
            # The dataset's items are trimmed, their longest side resized to 28 and centred.
            "fit": "longest-side",
        },
        "labels": LABELS,
        "dataset": "Fashion-MNIST",
        "test_accuracy": round(record["test_accuracy"], 4),
        "epochs": record["epochs_done"],
        "parameters": record["model"]["parameters"],
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", default=os.path.join(ROOT, "build", "model-training", "last.pt"))
    p.add_argument("--out", default=os.path.join(HERE, "vitopo-fmnist.onnx"))
    p.add_argument("--fixtures", default=os.path.join(ROOT, "tests", "model", "fixtures"))
    args = p.parse_args()
    torch.set_num_threads(1)

    model, record = load_checkpoint(args.checkpoint)
    model.eval()

    x_test, y_test = load_split("test")
    images = x_test[PARITY_INDICES]
    torch.onnx.export(model, (images,), args.out, opset_version=14, do_constant_folding=True,
                      input_names=["pixels"], output_names=["logits", "attentions"],
                      dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"},
                                    "attentions": {1: "batch"}})
    onnx_model = onnx.load(args.out)
    # The exporter leaves the token axes of `attentions` symbolic (they come out of
    # a Concat); they are static, T = 7*7 + 1, and declaring them lets the app's
    # validator check T against the metadata's grid.
    attentions_type = next(o for o in onnx_model.graph.output if o.name == "attentions").type
    for axis in (3, 4):
        attentions_type.tensor_type.shape.dim[axis].Clear()
        attentions_type.tensor_type.shape.dim[axis].dim_value = model.tokens
    meta = metadata(record, model)
    entry = onnx_model.metadata_props.add()
    entry.key = "vitopo"
    entry.value = json.dumps(meta)
    onnx_model.producer_name = "vitopo models/export.py"
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, args.out)
    print(f"{args.out}: {os.path.getsize(args.out)} bytes, test accuracy {meta['test_accuracy']}")

    # Parity fixture: PyTorch's outputs on a few fixed test images.
    with torch.no_grad():
        logits, attentions = model(images)
    os.makedirs(args.fixtures, exist_ok=True)
    attentions_np = attentions.numpy().astype("<f4")
    attentions_np.tofile(os.path.join(args.fixtures, "parity_attentions.f32"))
    fixture = {
        "source": "models/export.py, PyTorch " + torch.__version__,
        "model": "models/vitopo-fmnist.onnx",
        "model_id": MODEL_ID,
        "test_indices": PARITY_INDICES,
        "labels": y_test[PARITY_INDICES].tolist(),
        # uint8 pixels exactly as in the IDX file; the model input is pixel / 255.
        "pixels_u8": (images * 255).round().to(torch.uint8).reshape(len(PARITY_INDICES), -1).tolist(),
        "logits": logits.tolist(),
        "predictions": logits.argmax(1).tolist(),
        "attentions_file": "parity_attentions.f32",
        "attentions_shape": list(attentions_np.shape),
    }
    with open(os.path.join(args.fixtures, "parity.json"), "w") as f:
        json.dump(fixture, f)
        f.write("\n")
    print(f"parity fixture: shape {list(attentions_np.shape)}, predictions {fixture['predictions']}, "
          f"labels {fixture['labels']}")


if __name__ == "__main__":
    main()
