"""The training ranges behind the page's out-of-distribution notice
(src/core/familiarity.cpp) are numpy's percentiles of the dataset.

usage: familiarity_oracle.py SOURCE_DIR

Fashion-MNIST's 60 000 training images (Debian dataset-fashion-mnist), scaled
to [0, 1]: the 0.1st and 99.9th percentiles of each image's mean, standard
deviation and fraction of pixels below 0.05 must equal the constants in the
source to 5e-5 (they are written with 4 decimals).
"""
import gzip
import os
import re
import sys

import numpy as np

source = open(os.path.join(sys.argv[1], "src", "core", "familiarity.cpp")).read()
row = re.search(r'\{"Fashion-MNIST",\s*\{([^}]*)\},\s*\{([^}]*)\},\s*\{([^}]*)\},\s*true\}', source)
if not row:
    sys.exit("FAIL: no Fashion-MNIST range in familiarity.cpp")
written = [[float(v) for v in group.split(",")] for group in row.groups()]

raw = gzip.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").read()
x = np.frombuffer(raw[16:], np.uint8).reshape(-1, 784) / 255.0
assert x.shape == (60000, 784)
statistics = {"mean": x.mean(1), "std": x.std(1), "dark fraction": (x < 0.05).mean(1)}
failures = 0
for (name, values), (lo, hi) in zip(statistics.items(), written):
    want = np.percentile(values, [0.1, 99.9])
    for got, expected in zip((lo, hi), want):
        if abs(got - expected) > 5e-5:
            print(f"FAIL: {name}: source {got}, numpy {expected:.6f}")
            failures += 1
print(f"familiarity_oracle: 6 percentiles of Fashion-MNIST's training images, {failures} failure(s)")
sys.exit(1 if failures else 0)
