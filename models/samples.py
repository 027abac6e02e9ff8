#!/usr/bin/python3
"""Write the page's sample images: the first two Fashion-MNIST test images of
every class that the default model classifies correctly, as 8-bit grayscale
PNGs, and web/samples/samples.json listing them (and the images passed over).

    /usr/bin/python3 models/samples.py [--checkpoint build/model-training/finetuned.pt]

The gallery is for showing what the model attends to, so it holds items the
model gets right; the model's misses (about one test image in ten) are listed
in samples.json under "passed_over", not hidden.

The PNG encoder is the minimal one of the PNG specification (ISO/IEC 15948):
signature, IHDR, one zlib-compressed IDAT with filter type 0 on every row, IEND.
"""
import argparse
import json
import os
import struct
import sys
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import read_idx, DATASET  # noqa: E402
from vit import LABELS, load_checkpoint  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PER_CLASS = 2


def png_gray8(image):
    height, width = image.shape

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit, grayscale
    rows = b"".join(b"\x00" + image[r].tobytes() for r in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def slug(name):
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")


def model_predictions(checkpoint, images):
    import torch
    torch.set_num_threads(1)
    model, _ = load_checkpoint(checkpoint)
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
        return model(x)[0].argmax(1).numpy()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", default=os.path.join(ROOT, "build", "model-training", "finetuned.pt"))
    args = p.parse_args()
    images = read_idx(f"{DATASET}/t10k-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATASET}/t10k-labels-idx1-ubyte.gz")
    predicted = model_predictions(args.checkpoint, images)
    out = os.path.join(ROOT, "web", "samples")
    os.makedirs(out, exist_ok=True)
    entries, passed_over = [], []
    for label, name in enumerate(LABELS):
        candidates = np.flatnonzero(labels == label)
        right = candidates[predicted[candidates] == label][:PER_CLASS]
        passed_over += [{"test_index": int(i), "label": label, "predicted": int(predicted[i])}
                        for i in candidates[candidates < right[-1]] if predicted[i] != label]
        for index in right:
            file = f"{slug(name)}-{index}.png"
            with open(os.path.join(out, file), "wb") as f:
                f.write(png_gray8(np.ascontiguousarray(images[index])))
            entries.append({"file": file, "label": label, "name": name, "test_index": int(index)})
    index = {
        "dataset": "Fashion-MNIST test set (Debian dataset-fashion-mnist), MIT licence, Zalando Research",
        "note": "light items on a black background, 28x28, as the model was trained; the first two "
                "test images of each class that the default model classifies correctly",
        "labels": LABELS,
        # The models these samples suit (the page offers them only to such models).
        "input": {"channels": 1, "height": 28, "width": 28},
        "samples": entries,
        "passed_over": passed_over,
    }
    with open(os.path.join(out, "samples.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    print(f"{len(entries)} samples in {out}")


if __name__ == "__main__":
    main()
