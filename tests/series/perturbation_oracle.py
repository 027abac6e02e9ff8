"""vitopo's perturbations (src/core/perturbation.hpp) against scipy and numpy.

usage: perturbation_oracle.py PERTURB_TOOL WORK_DIR

On random inputs (1 and 3 channels, square and not): blur equals
scipy.ndimage.gaussian_filter (sigma r on rows and columns, mode 'nearest',
truncate 3) to 1e-6; rotation equals scipy.ndimage.rotate (reshape=False,
order 1, mode 'grid-constant', 0 outside) to 1e-5; shift equals
scipy.ndimage.shift (order 1, mode 'grid-constant') to 1e-6; noise equals
splitmix64 and Marsaglia's polar method written here again, clipped, to
1e-6; brightness and contrast their closed forms; occlusion one grey patch;
strength 0 returns the input bit for bit.
"""
import math
import os
import subprocess
import sys

import numpy as np
from scipy import ndimage

tool, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
failures, checked = [], 0
MASK = (1 << 64) - 1


def run(x, *args):
    src, dst = os.path.join(work, "in.npy"), os.path.join(work, "out.npy")
    np.save(src, x.astype(np.float32))
    subprocess.run([tool, src, dst, *map(str, args)], check=True)
    return np.load(dst)


def same(got, want, tol, where):
    global checked
    checked += 1
    err = float(np.max(np.abs(got - want))) if got.shape == want.shape else math.inf
    if not err <= tol:
        failures.append(f"{where}: max error {err}")


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def normals(seed):
    stream = splitmix64(seed)
    unit = lambda: ((next(stream) >> 11) + 0.5) * 2.0 ** -52 - 1.0
    while True:
        u, v = unit(), unit()
        s = u * u + v * v
        if s >= 1.0 or s == 0.0:
            continue
        scale = math.sqrt(-2.0 * math.log(s) / s)
        yield u * scale
        yield v * scale


rng = np.random.default_rng(7)
shapes = [(1, 28, 28), (3, 32, 24), (1, 9, 13)]
for shape in shapes:
    x = rng.random(shape).astype(np.float32)
    x[:, :2, :] = 0  # some background, as the model's inputs have
    where = f"{shape}"
    for kind in ["noise", "blur", "brightness", "contrast", "rotation", "shift"]:
        got = run(x, kind, 0, 5)
        checked += 1
        if not np.array_equal(got.astype(np.float32), x):
            failures.append(f"{where} {kind} 0 is not the identity")
    for r in [0.5, 1.0, 2.3]:
        want = np.clip(ndimage.gaussian_filter(x, sigma=(0, r, r), mode="nearest", truncate=3.0), 0, 1)
        same(run(x, "blur", r, 0), want, 1e-6, f"{where} blur {r}")
    for angle in [10, -35, 90, 180, 200.5]:
        want = np.stack([ndimage.rotate(x[c], angle, reshape=False, order=1, mode="grid-constant", cval=0.0)
                         for c in range(shape[0])])
        same(run(x, "rotation", angle, 0), np.clip(want, 0, 1), 1e-5, f"{where} rotation {angle}")
    for s in [1, -2, 0.25, 3.5]:
        want = ndimage.shift(x, (0, 0, s), order=1, mode="grid-constant", cval=0.0)
        same(run(x, "shift", s, 0), np.clip(want, 0, 1), 1e-6, f"{where} shift {s}")
    for b in [0.2, -0.3]:
        same(run(x, "brightness", b, 0), np.clip(x.astype(np.float64) + b, 0, 1), 1e-7, f"{where} brightness {b}")
    for c in [0.5, -0.5, -1]:
        same(run(x, "contrast", c, 0), np.clip(x + c * (x.astype(np.float64) - 0.5), 0, 1), 1e-7, f"{where} contrast {c}")
    for sigma, seed in [(0.1, 1), (0.3, 123456789), (1.0, 2 ** 64 - 1)]:
        z = normals(seed)
        want = np.clip(x.astype(np.float64) + sigma * np.array([next(z) for _ in range(x.size)]).reshape(shape), 0, 1)
        same(run(x, "noise", sigma, seed), want, 1e-6, f"{where} noise {sigma} seed {seed}")
    patch = 4
    rows, cols = shape[1] // patch, shape[2] // patch
    for row, col in [(0, 0), (rows - 1, cols - 1), (rows // 2, 1)]:
        want = x.copy()
        want[:, row * patch:(row + 1) * patch, col * patch:(col + 1) * patch] = 0.5
        same(run(x, "occlusion", patch, row, col), want, 0, f"{where} occlusion {row},{col}")

# The noise is standard normal: moments of 200 000 deviates.
z = normals(42)
sample = np.array([next(z) for _ in range(200000)])
checked += 1
if abs(sample.mean()) > 0.01 or abs(sample.std() - 1) > 0.01:
    failures.append(f"noise moments: mean {sample.mean()}, std {sample.std()}")

for f in failures[:20]:
    print("FAIL:", f)
print(f"perturbation_oracle: {checked} checks against scipy and numpy, {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
