#!/usr/bin/python3
"""The core's preprocessing of RGB photos (background "none": the shorter side
resized, the centre cropped; or the whole image resized) against independent
implementations of the same steps (Debian's python3-torchvision and python3-pil):

  - torchvision.transforms.functional on a float tensor: resize(...,
    interpolation, antialias=True) of the width, clamped to [0, 1], then of the
    height (the order and the clamp of PIL's two passes), then center_crop.
    The same arithmetic up to float32 rounding of sums of up to ~60 taps: every
    value within 2e-5 (a crop one pixel off is ~100 times that).
  - PIL, through torchvision on a PIL image (what torchvision's presets and
    Hugging Face's ViTImageProcessor do): PIL rounds to 8 bits after each of its
    two passes (measured: at most 1.06/255 apart, 0.31/255 on average), so
    within 1.5/255, and 0.35/255 on average.

    /usr/bin/python3 preprocess_oracle.py PREPROCESS_PNG WORKDIR

PREPROCESS_PNG is tests/model/preprocess_png (the core's preprocessing on a PNG).
"""
import json
import os
import subprocess
import sys

import numpy as np
import torch
from PIL import Image
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

FLOAT_TOLERANCE = 2e-5
PIL_MAX = 1.5 / 255
PIL_MEAN = 0.35 / 255

# A photograph-like test scene: smooth light, edges of several orientations,
# fine texture and sensor-like noise, so both smooth and sharp parts are compared.
def scene(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / width, y / height
    img = np.stack([0.5 + 0.4 * np.sin(2.1 * u + 1.3 * v + c) for c in (0.0, 1.7, 3.1)], axis=-1)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.3)
        inside = (u - cx) ** 2 + ((v - cy) * height / width) ** 2 < r * r
        img[inside] = rng.uniform(0, 1, 3)
    img += (0.08 * np.sin(40 * u) * np.sin(37 * v))[..., None]
    img += rng.normal(0, 0.03, img.shape)
    return Image.fromarray(np.clip(np.round(img * 255), 0, 255).astype(np.uint8), "RGB")


def spec(height, width, resize, interpolation):
    return {"input": {"channels": 3, "height": height, "width": width, "background": "none",
                      "resize": resize, "interpolation": interpolation},
            "patch": 8, "grid": [height // 8, width // 8], "cls": True, "tokens": 1 + (height // 8) * (width // 8)}


MODES = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}


def expected(image, s, on_pil):
    i = s["input"]
    mode = MODES[i["interpolation"]]
    size = i["resize"] if i["resize"] else [i["height"], i["width"]]
    if on_pil:
        out = F.to_tensor(F.center_crop(F.resize(image, size, interpolation=mode), [i["height"], i["width"]]))
    else:
        # PIL's order on float tensors: the width first, clamped (PIL keeps it in 8 bits), then the height.
        t = F.to_tensor(image)
        h, w = t.shape[1:]
        if isinstance(size, int):
            short, long = min(w, h), max(w, h)
            new_w, new_h = (size, size * long // short) if w <= h else (size * long // short, size)
        else:
            new_h, new_w = size
        wide = F.resize(t, [h, new_w], interpolation=mode, antialias=True).clamp(0, 1)
        full = F.resize(wide, [new_h, new_w], interpolation=mode, antialias=True)
        out = F.center_crop(full, [i["height"], i["width"]])
    return out.clamp(0, 1).numpy()


def main():
    tool, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    cases = [
        # torchvision's ViT_B_16 preset: shorter side 256, bilinear, centre 224
        ((640, 480), spec(224, 224, 256, "bilinear")),
        ((300, 200), spec(224, 224, 256, "bilinear")),
        ((181, 257), spec(224, 224, 256, "bilinear")),  # portrait, odd sizes
        # DeiT's preset: bicubic
        ((640, 480), spec(224, 224, 256, "bicubic")),
        ((257, 181), spec(224, 224, 256, "bicubic")),
        # Hugging Face's google/vit-base-patch16-224: straight to 224 x 224, bilinear
        ((640, 480), spec(224, 224, None, "bilinear")),
        ((150, 100), spec(224, 224, None, "bicubic")),  # enlarged
        # a crop offset of 1.5 rounds to 2 (torchvision rounds halves to even)
        ((454, 448), spec(224, 224, 224, "bilinear")),
        # enlarged, and a non-square input
        ((90, 120), spec(224, 224, 256, "bilinear")),
        ((200, 150), spec(24, 32, 40, "bicubic")),
    ]
    failures = []
    for k, ((w, h), s) in enumerate(cases):
        image = scene(w, h, k)
        png, spec_file, npy = (os.path.join(work, f"case{k}.{ext}") for ext in ("png", "json", "npy"))
        image.save(png)
        with open(spec_file, "w") as f:
            json.dump(s, f)
        subprocess.run([tool, png, spec_file, npy], check=True)
        got = np.load(npy)[0]
        where = f"case {k}: {w}x{h}, {json.dumps(s['input'])}"
        assert got.shape == (3, s["input"]["height"], s["input"]["width"]), f"{where}: shape {got.shape}"
        float_error = np.abs(got - expected(image, s, on_pil=False)).max()
        pil = np.abs(got - expected(image, s, on_pil=True))
        print(f"{where}: max |core - torchvision tensor| {float_error:.2e}; "
              f"|core - PIL| max {pil.max() * 255:.2f}/255, mean {pil.mean() * 255:.3f}/255")
        if not float_error <= FLOAT_TOLERANCE:
            failures.append(f"{where}: {float_error:.3e} from torchvision's float resize, over {FLOAT_TOLERANCE}")
        if not (pil.max() <= PIL_MAX and pil.mean() <= PIL_MEAN):
            failures.append(f"{where}: {pil.max() * 255:.2f}/255 (mean {pil.mean() * 255:.3f}/255) from PIL")
    # The comparison can fail: a crop one pixel off is far outside the tolerance.
    image = scene(640, 480, 0)
    s = spec(224, 224, 256, "bilinear")
    shifted = np.roll(expected(image, s, on_pil=False), 1, axis=2)
    subprocess.run([tool, os.path.join(work, "case0.png"), os.path.join(work, "case0.json"), os.path.join(work, "case0.npy")], check=True)
    assert np.abs(np.load(os.path.join(work, "case0.npy"))[0] - shifted).max() > 100 * FLOAT_TOLERANCE
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(f"{len(cases)} cases within {FLOAT_TOLERANCE} of torchvision and {PIL_MAX * 255:.1f}/255 of PIL")


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
