#!/usr/bin/python3
"""The polynomials of the JS kernel's close form (src/core/metrics.cpp), fitted
and checked with mpmath at 50 digits.

g(w) = phi(t)/t^2 = sum_{j>=1} w^(j-1) / (j (2j - 1)),  w = t^2,
phi(t) = (1 + t) log(1 + t) + (1 - t) log(1 - t).

Fits g on [0, 1/16] as 1 + w h(w), h of degree 7 (mpmath's chebyfit), and
prints its coefficients. Then, for that table and for the kernel's table on
[0, 1/4], it evaluates g in double precision in the kernel's two orders, to
the rounding of each operation (Python floats are IEEE doubles; a fused
multiply-add is rounded once, through mpmath):
  - Estrin's scheme with the 1 added last (SSE2, wasm simd128: no FMA);
  - Horner's rule with fused multiply-adds (AVX2, AVX-512);
and prints the largest relative error over 20 000 random points and the ends.

    /usr/bin/python3 tools/fit_close_form.py
"""
import random

import mpmath as mp

mp.mp.dps = 50

# The kernel's table on [0, 1/4] (metrics.cpp, g_wide).
WIDE = [1.0, 0.16666666666665914, 0.06666666666834865, 0.03571428556716924, 0.022222228885653575,
        0.015151336251909375, 0.010992078451474438, 0.008298327091145986, 0.00680678099178135,
        0.0038454510862695767, 0.009217619538886054, -0.006739560728896578, 0.014368805567745852]


def g(w):
    w = mp.mpf(w)
    total, j = mp.mpf(0), 1
    while True:
        term = w ** (j - 1) / (j * (2 * j - 1))
        total += term
        if term < mp.mpf(10) ** -45:
            return total
        j += 1


def h(w):
    return mp.mpf(1) / 6 if w == 0 else (g(w) - 1) / w


def fma(a, b, c):
    return float(mp.mpf(a) * mp.mpf(b) + mp.mpf(c))


def estrin(c, w):
    """1 + sum_{k>=1} c[k] w^k: pairs c[k] + c[k+1] w (c[1] w first), then pairs of
    pairs with w^2, w^4, ..., as metrics.cpp's polynomial() does at W = 2."""
    n = len(c) - 1
    terms = [c[1] * w] + [c[k + 1] * w + c[k] if k + 1 <= n else c[k] for k in range(2, n + 1, 2)]
    power = w * w
    while len(terms) > 1:
        terms = [terms[i] + terms[i + 1] * power if i + 1 < len(terms) else terms[i] for i in range(0, len(terms), 2)]
        power = power * power
    return c[0] + terms[0]


def horner_fma(c, w):
    r = c[-1]
    for k in range(len(c) - 2, -1, -1):
        r = fma(r, w, c[k])
    return r


def worst(c, top):
    random.seed(1)
    points = [random.uniform(0, top) for _ in range(20000)] + [0.0, 1e-300, 1e-10, top * (1 - 2 ** -52)]
    out = {}
    for name, f in (("Estrin", estrin), ("Horner with FMA", horner_fma)):
        out[name] = max(abs((mp.mpf(f(c, w)) - g(w)) / g(w)) for w in points)
    return out


def main():
    top = 1 / 16
    poly, err = mp.chebyfit(h, [0, mp.mpf(top)], 8, error=True)
    near = [1.0] + [float(x) for x in reversed(poly)]
    print("g_near on [0, 1/16], degree 8:", ", ".join(repr(x) for x in near))
    print(f"  fit: max |h - fit| {mp.nstr(err, 3)}, so |g - fit| <= {mp.nstr(err * top, 3)}")
    for label, c, t in (("g_near on [0, 1/16]", near, top), ("g_wide on [0, 1/4]", WIDE, 0.25)):
        errors = worst(c, t)
        print(f"  {label}: " + ", ".join(f"{k} {mp.nstr(v, 3)} relative" for k, v in errors.items()))


if __name__ == "__main__":
    main()
