"""Every bad input to `vitopo analyze|distance|compare` exits with code 2 and a
message that says what is wrong and where; and the analysis is the same
whatever the number of threads.

usage: cli_errors.py VITOPO DATA_DIR
"""
import json
import os
import subprocess
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
    # float64 with a zero dimension: read as empty (no memcpy to a null pointer), then refused.
    (save("empty_layers.npy", np.zeros((0, 3, 4, 4))), "need at least 1 layer, 1 head and 2 tokens"),
    (save("empty_tokens.npy", np.zeros((2, 3, 0, 0))), "need at least 1 layer, 1 head and 2 tokens"),
    # A directory: a sentence, exit 2 (not the C++ library's message, exit 1).
    (tmp, f"{tmp}: is a directory, not a file"),
    # Header text is quoted: no terminal escape reaches stderr.
    (raw("escape.npy", good_bytes.replace(b"'<f4'", b"'\x1b[J'", 1).replace(b"'<f8'", b"'\x1b[J'", 1)),
     "unsupported dtype '\\x1b[J'"),
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
# float64 entries that are each finite but whose row sum overflows (1e308 + 1e308):
# once the row was divided by that infinite sum it became zeros, and the analysis exited 0.
bad = good.astype(np.float64)
bad[1, 2, 6, :2] = 1e308
cases.append((save("overflow.npy", bad), "layer 1, head 2, token 6: the row's entries are finite but their sum overflows"))
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

# The key side: rows with finite sums, a column whose sum overflows.
bad = good.astype(np.float64)
bad[0, 1, :2, 5] = 1e308
columns_overflow = save("column_overflow.npy", bad)
run(vitopo, "analyze", columns_overflow, "--layer", "0", "--head", "1")  # rows are fine
expect_error(["analyze", columns_overflow, "--columns"], "layer 0, head 1, token 5: its column sums to more than")

# 3000 tokens up to H2: binomial(3000, 3) = 4.5e9 triangles can never fit the
# budget, which is checked before the O(T^3) distances (they used to take
# minutes before the refusal). The answer must come within seconds.
wide = np.full((1, 1, 3000, 3000), 1 / 3000, dtype=np.float32)
wide_file = save("wide.npy", wide)
try:
    result = subprocess.run([vitopo, "analyze", wide_file, "--maxdim", "2"], capture_output=True, text=True,
                            timeout=30)
    check(result.returncode == 2 and "persistence up to H2 of 3000 points" in result.stderr
          and "up to 4.5e+09 simplices, every one counted" in result.stderr
          and "for the distance step (3000×3000 distributions and distances)" in result.stderr,
          f"3000 tokens at --maxdim 2: exit {result.returncode}, {result.stderr.strip()}")
except subprocess.TimeoutExpired:
    check(False, "3000 tokens at --maxdim 2: no answer within 30 s (the budget must come before the distances)")
os.unlink(wide_file)

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
expect_error(["compare", small], "with one analysis file, say --by head or --by layer")
expect_error(["compare", small, small, small], "comparing by image needs exactly two analysis files")
expect_error(["compare", small, "--by", "head"], "--by head needs --layer L")
expect_error(["compare", small, "--by", "head", "--layer", "0", "--head", "1"], "--head is for --by layer")
expect_error(["compare", small, "--by", "ring"], "cannot compare by 'ring'; choose head, layer or image")
expect_error(["compare", small, "--by", "layer", "--head", "-2"], "--head must be >= 0")
expect_error(["compare", broken, broken, "--kind", "frechet"], "unknown diagram distance 'frechet'")
expect_error(["compare", tmp, broken], f"{tmp}: is a directory, not a file")
expect_error(["analyze", small, "--modulus", "\x1b[2J"], "--modulus needs an integer, got '\\x1b[2J'")

# The analysis JSON's integers: integers in range, or a message naming the field.
good_json = run(vitopo, "analyze", small).stdout
for where, value, needle in [
    ("maxdim", "1e30", "settings.maxdim is 1e+30, not an integer"),
    ("maxdim", "0.7", "settings.maxdim is 0.7, not an integer"),
    ("modulus", "-2", "settings.modulus is -2, outside 0 to 2147483647"),
    ("modulus", "4294967298", "settings.modulus is 4294967298, outside 0 to 2147483647"),
]:
    document = json.loads(good_json)
    document["settings"][where] = json.loads(value)
    bad_json = raw(f"bad_{where}_{value}.json", json.dumps(document).encode())
    expect_error(["compare", bad_json, bad_json], needle)
escaped = json.loads(good_json)
escaped["schema"] = "\x1b]0;pwned\x07"
escaped_json = raw("escaped.json", json.dumps(escaped).encode())
result = run(vitopo, "compare", escaped_json, escaped_json, expect=2)
check("schema is '\\x1b]0;pwned\\x07'" in result.stderr and "\x1b" not in result.stderr,
      f"compare: the schema is not quoted: {result.stderr!r}")

# Determinism: byte-identical JSON whatever the number of threads.
outputs = {n: run(vitopo, "analyze", small, "--threads", str(n)).stdout for n in (1, 2, 3, 7)}
check(len(set(outputs.values())) == 1, "analysis output depends on --threads")
check(run(vitopo, "analyze", small).stdout == outputs[1], "default thread count gives a different output")

finish(f"cli_errors ({2 * len(cases) + 23} bad inputs, determinism over 1/2/3/7 threads)")
