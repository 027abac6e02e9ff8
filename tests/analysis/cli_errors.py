"""Every bad input to `vitopo analyze|distance|compare` exits with code 2 and a
message that says what is wrong and where; and the analysis is the same
whatever the number of threads.

usage: cli_errors.py VITOPO DATA_DIR
"""
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle_common import check, finish, run  # noqa: E402

vitopo, data = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp()
good = np.load(os.path.join(data, "small64.npy"))


def path(name):
    return os.path.join(tmp, name)


def expect_error(args, needle):
    result = run(vitopo, *args, expect=2)
    check(needle in result.stderr, f"vitopo {' '.join(args)}: stderr lacks {needle!r}: {result.stderr.strip()}")


def save(name, array):
    np.save(path(name), array)
    return path(name)


def raw(name, data_bytes):
    with open(path(name), "wb") as f:
        f.write(data_bytes)
    return path(name)


with open(os.path.join(data, "small64.npy"), "rb") as f:
    good_bytes = f.read()

cases = [
    (save("int.npy", (good * 100).astype(np.int32)), "unsupported dtype '<i4'"),
    (save("big.npy", good.astype(">f4")), "unsupported dtype '>f4'"),
    (save("half.npy", good.astype(np.float16)), "unsupported dtype '<f2'"),
    (save("rank3.npy", good[0]), "rank 3"),
    (save("fortran.npy", np.asfortranarray(good)), "Fortran order"),
    (raw("truncated.npy", good_bytes[:-8]), "truncated .npy file"),
    (raw("lying.npy", good_bytes + b"\0" * 16), "but the file holds"),
    (raw("text.npy", b"layer,head\n0,0\n"), "not a .npy file"),
    (path("missing.npy"), "cannot open"),
    (save("nonsquare.npy", good[:, :, :, :-1]), "last two dimensions must be equal"),
    (save("batch.npy", np.stack([good, good], axis=1)), "one image"),
]
bad = good.copy()
bad[1, 0, 2, 3] = np.nan
cases.append((save("nan.npy", bad), "layer 1, head 0, token 2"))
bad = good.copy()
bad[0, 2, 5, 1] = -0.1
cases.append((save("negative.npy", bad), "layer 0, head 2, token 5: entry 1 is negative"))
bad = good.copy()
bad[1, 1, 7, :] = 0
cases.append((save("zero.npy", bad), "layer 1, head 1, token 7: the row is all zeros"))
for file, needle in cases:
    expect_error(["analyze", file], needle)
    expect_error(["distance", file, "--layer", "0", "--head", "0", "--out", path("d.npy")], needle)

# A token attending only to CLS has no distribution once CLS is dropped.
bad = good.copy()
bad[0, 1, 4, :] = 0
bad[0, 1, 4, 0] = 1
cls_only = save("cls_only.npy", bad)
run(vitopo, "analyze", cls_only)  # fine with CLS
expect_error(["analyze", cls_only, "--drop-cls"], "layer 0, head 1, token 4: its row without CLS sums to 0")

small = os.path.join(data, "small64.npy")
expect_error(["analyze", small, "--metric", "kl"], "unknown metric 'kl'")
expect_error(["analyze", small, "--layer", "5"], "no layer 5")
expect_error(["analyze", small, "--head", "3"], "no head 3")
expect_error(["analyze", small, "--seed-compatible", "--metric", "hellinger"], "--seed-compatible")
expect_error(["analyze", small, "--maxdim", "x"], "--maxdim needs an integer")
expect_error(["analyze", small, "--modulus", "4"], "")
expect_error(["analyze"], "no attention file")
expect_error(["distance", small, "--layer", "0", "--out", path("d.npy")], "--layer and --head are required")
expect_error(["distance", small, "--layer", "0", "--head", "0"], "--out D.npy is required")
broken = raw("broken.json", b'{"schema": "vitopo.analysis/1", "settings": {}}')
expect_error(["compare", broken, broken], "settings has no \"metric\"")
expect_error(["compare", raw("other.json", b'{"schema": "other/2"}'), broken], "expected \"vitopo.analysis/1\"")
# A number beyond double: nlohmann's parser throws out_of_range, not parse_error (found by fuzzing).
overflow = raw("overflow.json", b'{"schema": "vitopo.analysis/1", "heads": [[0.0, 1e400]]}')
expect_error(["compare", overflow, broken], "overflow.json: not JSON")
expect_error(["compare", small], "need exactly two analysis files")
expect_error(["compare", broken, broken, "--kind", "frechet"], "unknown diagram distance 'frechet'")

# Determinism: byte-identical JSON whatever the number of threads.
outputs = {n: run(vitopo, "analyze", small, "--threads", str(n)).stdout for n in (1, 2, 3, 7)}
check(len(set(outputs.values())) == 1, "analysis output depends on --threads")
check(run(vitopo, "analyze", small).stdout == outputs[1], "default thread count gives a different output")

finish(f"cli_errors ({2 * len(cases) + 16} bad inputs, determinism over 1/2/3/7 threads)")
