#!/usr/bin/python3
"""`vitopo ripser` prints exactly what Debian's ripser 1.2.1 prints, in every input
format, and refuses malformed input naming the line, with exit code 2; text from
the input is quoted in messages with its control bytes escaped, and a directory
is refused with a sentence.

    ripser_cli_test.py VITOPO ORACLE_DIR EXAMPLES_DIR

ORACLE_DIR holds the generated inputs of ripser_oracle.py (the ctest fixture).
"""
import os
import subprocess
import sys
import tempfile

VITOPO, ORACLE, EXAMPLES = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
checks = 0


def run(cmd, stdin=None, timeout=None):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)


def same_output(args, path=None, stdin=None, modulus=2):
    global checks
    checks += 1
    peer = "/usr/bin/ripser" if modulus == 2 else "/usr/bin/ripser-coeff"
    extra = [] if modulus == 2 else ["--modulus", str(modulus)]
    files = [path] if path else []
    ours = run([VITOPO, "ripser"] + args + extra + files, stdin)
    theirs = run([peer] + args + extra + files, stdin)
    if ours.returncode != 0 or ours.stdout != theirs.stdout:
        failures.append(f"output differs from {peer} for {args + extra + files}:\n"
                        f"--- ours (exit {ours.returncode}) ---\n{ours.stdout[:800]}{ours.stderr[:400]}\n"
                        f"--- theirs ---\n{theirs.stdout[:800]}")


def refused(args, text, words, timeout=None):
    """`timeout`: the refusal must also come within that many seconds (the
    process is killed then): for requests whose work or memory a missing check
    would let run for minutes."""
    global checks
    checks += 1
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        result = run([VITOPO, "ripser"] + args + [f.name], timeout=timeout)
    except subprocess.TimeoutExpired:
        failures.append(f"{args} on {text[:60]!r}...: no answer within {timeout} s; expected exit 2 and {words!r}")
        return
    finally:
        os.unlink(f.name)
    if result.returncode != 2 or words not in result.stderr:
        failures.append(f"{args} on {text[:60]!r}: exit {result.returncode}, stderr {result.stderr!r}; "
                        f"expected exit 2 and {words!r}")


def lower_matrix(path):
    """The entries of a lower-distance file as texts[i][j], symmetric."""
    rows = [line.strip().split(",") for line in open(path) if line.strip()]
    n = len(rows) + 1
    texts = [[""] * n for _ in range(n)]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            texts[i][j] = texts[j][i] = v
    return n, texts


ex = lambda f: os.path.join(EXAMPLES, f)
case = lambda f: os.path.join(ORACLE, "cases", f)

# Every format, with Ripser's header lines, against the same file.
same_output(["--format", "lower-distance", "--dim", "2"], ex("random16.lower_distance_matrix"))
same_output(["--format", "lower-distance", "--dim", "2"], ex("sphere_3_192.lower_distance_matrix"))
same_output(["--format", "lower-distance", "--dim", "2"], ex("projective_plane.lower_distance_matrix"), modulus=3)
same_output(["--format", "lower-distance", "--dim", "1", "--threshold", "0.5"], case("attention007.lower"))
same_output(["--format", "point-cloud", "--dim", "2"], case("points010.points"))
same_output(["--format", "point-cloud", "--dim", "2", "--threshold", "1.5"], case("points010.points"), modulus=5)
same_output(["--format", "point-cloud", "--dim", "1", "--threshold", "1.8"], ex("o3_1024.txt"))

# The same generated matrix written as full, upper and sparse files.
n, texts = lower_matrix(case("ties012.lower"))
tmp = tempfile.mkdtemp()
full, upper, sparse = (os.path.join(tmp, f) for f in ("full.txt", "upper.txt", "sparse.txt"))
with open(full, "w") as f:
    f.write("\n".join(",".join(texts[i][j] if i != j else "0" for j in range(n)) for i in range(n)) + "\n")
with open(upper, "w") as f:
    f.write(" ".join(texts[i][j] for i in range(n) for j in range(i + 1, n)) + "\n")
with open(sparse, "w") as f:
    f.write("\n".join(f"{i} {j} {texts[i][j]}" for i in range(n) for j in range(i) if float(texts[i][j]) < 4) + "\n")
same_output(["--format", "distance", "--dim", "2"], full)
same_output(["--dim", "2"], full)  # the real default format: the full matrix
same_output(["--format", "upper-distance", "--dim", "2"], upper, modulus=3)
same_output(["--format", "sparse", "--dim", "2"], sparse)
same_output(["--format", "sparse", "--dim", "1", "--threshold", "3"], sparse)

# Ripser's --ratio filter.
same_output(["--format", "lower-distance", "--dim", "2", "--ratio", "1.3"], ex("sphere_3_192.lower_distance_matrix"))

# stdin when there is no file.
same_output(["--format", "lower-distance", "--dim", "2"], stdin=open(ex("random16.lower_distance_matrix")).read())

# Malformed input: the line and the problem, exit code 2.
refused(["--format", "lower-distance"], "1\n2,3\n4,x,6\n", "line 3: 'x' is not a number")
refused(["--format", "lower-distance"], "1\n2,3\n4,5\n", "n(n-1)/2")
refused(["--format", "lower-distance"], "1\n2,-3\n4,5,6\n", "line 2: distance -3")
refused(["--format", "lower-distance"], "1\nnan,3\n4,5,6\n", "line 2: 'nan' is not a finite number")
refused(["--format", "point-cloud"], "0 0\n1 0\n0 1 2\n", "line 3: point has 3 coordinates")
refused(["--format", "distance"], "0 1 2\n1 0 3\n2\n", "line 3: row 2 of the distance matrix has 1 entries")
refused(["--format", "distance"], "0 1 2\n1 0 3\n2 4 0\n", "line 3: the distance matrix is not symmetric")
refused(["--format", "sparse"], "0 1 0.5\n1 2\n", "line 2: a sparse entry is 'i j d'")
refused(["--format", "sparse"], "0 1 0.5\n1.5 2 1\n", "line 2: vertex 1.5")
refused(["--format", "sparse"], "0 1 0.5\n1 0 0.7\n", "line 2: the pair (1, 0) is given twice")
refused(["--format", "lower-distance", "--modulus", "4"], "1\n", "modulus 4")
refused(["--format", "banana"], "1\n", "unknown format")
refused(["--dim", "x"], "1\n", "--dim needs")

# Text from the input or the command line is quoted in messages: control and
# non-ASCII bytes as \xNN (no terminal escape reaches stderr), its length bounded.
def raw_refused(args, data, words):
    global checks
    checks += 1
    result = subprocess.run([VITOPO, "ripser"] + args, input=data, capture_output=True)
    stderr = result.stderr.decode("utf-8", "replace")
    bad = [c for c in stderr if (c < " " and c != "\n") or ("\x7f" <= c and c != "\u2026")]
    if result.returncode != 2 or words not in stderr or bad or len(result.stderr) > 2000:
        failures.append(f"{args} on {data[:60]!r}: exit {result.returncode}, stderr {result.stderr[:300]!r}; "
                        f"expected exit 2, {words!r}, no control bytes, a bounded message")


raw_refused(["--format", "lower-distance"], b"1\n2,\x1b[31mred\xc3\xa9,3\n",
            "line 2: '\\x1b[31mred\\xc3\\xa9' is not a number")
long_token = b"\x1b[31mA" * 2000
quoted = "".join(chr(b) if 0x20 <= b < 0x7f else f"\\x{b:02x}" for b in long_token[:40])
raw_refused(["--format", "lower-distance"], b"1\n" + long_token + b"\n", f"line 2: '{quoted}'\u2026 is not a number")
raw_refused(["--format", "\x1b[2J"], b"1\n", "unknown format '\\x1b[2J'")
raw_refused(["--\x1b[2J"], b"1\n", "unknown option '--\\x1b[2J'")

# A directory is refused with a sentence, not read as an empty input.
checks += 1
directory = run([VITOPO, "ripser", tmp])
if directory.returncode != 2 or directory.stderr != f"vitopo ripser: {tmp}: is a directory, not a file\n":
    failures.append(f"directory: exit {directory.returncode}, {directory.stderr!r}")

# The memory budget, checked before the work and the allocations it guards,
# so the refusal comes at once.
# One vertex number makes 50000001 points: their offsets, binomial table and H0
# bars are refused before the sparse matrix is built (it used to allocate GBs
# and die with std::bad_alloc).
refused(["--format", "sparse", "--dim", "0"], "0 1 1\n0 50000000 1\n",
        "persistence up to H0 of 50000001 points needs an estimated", timeout=20)
refused(["--format", "sparse", "--dim", "0"], "0 1 1\n0 50000000 1\n", "for the sparse matrix itself", timeout=20)
refused(["--format", "sparse"], "0 1 1\n0 50000000 1\n", "binomial(50000001, 3) exceeds 2^55", timeout=20)
# 30 points up to H50, every subset within the threshold: the middle dimension
# 14 holds binomial(30, 15) = 155117520 simplices (the top two, 28 and 27,
# only 1 and 30), which used to run for many minutes and GBs unguarded.
points30 = "".join(f"{i / 30} {(7 * i) % 30 / 30} {(13 * i) % 30 / 30}\n" for i in range(30))
refused(["--format", "point-cloud", "--dim", "50", "--threshold", "10"], points30,
        "for dimension 14 (up to 1.55e+08 simplices within the threshold)", timeout=20)
refused(["--format", "point-cloud", "--dim", "50", "--threshold", "10"], points30,
        "above the memory budget of 4 GiB", timeout=20)
# 10^5 points on a line: 600 KB of text, 18.6 GiB of distances.
refused(["--format", "point-cloud", "--dim", "0"], "".join(f"{i}\n" for i in range(100000)),
        "18.6 GiB for the distance matrix of the points", timeout=20)

checks += 1
missing = run([VITOPO, "ripser", "/nonexistent/file.txt"])
if missing.returncode != 2 or "cannot open" not in missing.stderr:
    failures.append(f"missing file: exit {missing.returncode}, {missing.stderr!r}")

for f in failures:
    print("FAIL:", f)
print(f"{checks - len(failures)}/{checks} CLI checks passed")
sys.exit(1 if failures else 0)
