#!/usr/bin/python3
"""Writes the RGB photographs the page's gallery offers to RGB models that take
photos (preprocessing background "none"): web/samples/photo-*.png and
web/samples/photos.json. They come from Debian's python3-skimage (the sample
data of scikit-image), whose licences allow any use: see web/samples/README.md.

    /usr/bin/python3 models/photos.py [OUT_DIR]      (default: web/samples)

Each is resized (Lanczos) so its shorter side is 224 pixels, the input side of
most ImageNet ViTs, and written as PNG, which every browser and the native
tests decode to the same pixels.
"""
import json
import os
import sys

from PIL import Image

DATA = "/usr/lib/python3/dist-packages/skimage/data"
PHOTOS = [
    # file in scikit-image's data, name shown, what scikit-image's docs say of its rights
    ("chelsea.png", "cat", "CC0, by the photographer, Stefan van der Walt"),
    ("coffee.png", "coffee cup", "CC0, by the photographer, Rachel Michetti"),
    ("astronaut.png", "astronaut", "public domain (NASA Great Images: the astronaut Eileen Collins)"),
    ("rocket.jpg", "rocket launch", "public domain (SpaceX: Falcon 9 carrying DSCOVR)"),
]
SHORTER_SIDE = 224


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web", "samples")
    samples = []
    for source, name, rights in PHOTOS:
        image = Image.open(os.path.join(DATA, source)).convert("RGB")
        w, h = image.size
        scale = SHORTER_SIDE / min(w, h)
        image = image.resize((round(w * scale), round(h * scale)), Image.LANCZOS)
        file = "photo-" + name.replace(" ", "-") + ".png"
        image.save(os.path.join(out, file), optimize=True)
        samples.append({"file": file, "name": name, "label": -1, "source": f"scikit-image data/{source}", "rights": rights,
                        "width": image.size[0], "height": image.size[1]})
    listing = {
        "dataset": "photographs from scikit-image's sample data (Debian python3-skimage); CC0 or public domain",
        "note": "RGB photos for RGB models whose preprocessing resizes any image (background \"none\"); "
                "no labels: each model has classes of its own",
        # Any size: the model's preprocessing resizes and crops them.
        "input": {"channels": 3, "background": "none"},
        "samples": samples,
    }
    with open(os.path.join(out, "photos.json"), "w") as f:
        json.dump(listing, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
