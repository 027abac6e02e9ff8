#!/usr/bin/python3
"""Write the committed seed corpus of the fuzzing harnesses (tests/fuzz/corpus/<harness>/)
from the project's own data: the default model, the gallery's samples, Ripser's
examples, and an analysis made by `vitopo analyze`.

    /usr/bin/python3 make_corpus.py VITOPO_CLI SEED_WRITER RIPSER_EXAMPLES [OUT_DIR]

VITOPO_CLI is a built `vitopo` (build/native/src/cli/vitopo), SEED_WRITER the fuzz
build's fuzz_seed_writer (it writes the share-link and preprocessing seeds through the
core's own encoder), RIPSER_EXAMPLES third_party/ripser/examples. OUT_DIR defaults to
the corpus folder next to this script. Every seed is small and valid, or one step from
valid, so that the fuzzers start from inputs that reach deep into each parser. Files
named regression-* are reproducers of defects the fuzzers found; they are kept.
"""
import copy
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx

here = os.path.dirname(os.path.abspath(__file__))
source = os.path.dirname(os.path.dirname(here))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def npy_bytes(array, version=None, fortran=False):
    out = io.BytesIO()
    if fortran:
        array = np.asfortranarray(array)
    np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


def attention(layers, heads, tokens, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(layers, heads, tokens, tokens))
    a = np.exp(logits)
    return a / a.sum(axis=-1, keepdims=True)


def npy_corpus(out):
    a = attention(1, 2, 6, 1)
    write(f"{out}/attention-f8.npy", npy_bytes(a))
    write(f"{out}/attention-f4-5d.npy", npy_bytes(a.astype("<f4").reshape(1, 1, 2, 6, 6)))
    write(f"{out}/v2-f4.npy", npy_bytes(np.arange(4, dtype="<f4"), version=(2, 0)))
    write(f"{out}/v3-f8.npy", npy_bytes(np.arange(3, dtype="<f8"), version=(3, 0)))
    write(f"{out}/scalar-f8.npy", npy_bytes(np.array(2.5)))
    write(f"{out}/zero-dim-f8.npy", npy_bytes(np.zeros((0, 3))))
    write(f"{out}/big-endian.npy", npy_bytes(np.arange(2, dtype=">f8")))
    write(f"{out}/fortran.npy", npy_bytes(np.arange(6.0).reshape(2, 3), fortran=True))
    write(f"{out}/int32.npy", npy_bytes(np.arange(3, dtype="<i4")))


def analysis_corpus(out, cli, work):
    path = f"{work}/attention.npy"
    np.save(path, attention(1, 2, 6, 2))
    for name, options in [("js-h1", []), ("hellinger-h2-threshold", ["--metric", "hellinger", "--maxdim", "2",
                                                                     "--threshold", "0.5"])]:
        result = f"{work}/{name}.json"
        subprocess.run([cli, "analyze", path, *options, "--out", result], check=True)
        with open(result) as f:
            write(f"{out}/{name}.json", json.dumps(json.load(f), separators=(",", ":")))


def ripser_corpus(out, examples):
    # harness input: format byte (0 lower, 1 upper, 2 full, 3 point cloud, 4 sparse),
    # options byte (max dim = b % 3, modulus 3 when (b / 3) odd, threshold (b / 6) / 64 or
    # the enclosing radius for 0), then the text.
    def seed(name, fmt, options, text):
        write(f"{out}/{name}", bytes([fmt, options]) + (text if isinstance(text, bytes) else text.encode()))

    for example, fmt in [("random16.lower_distance_matrix", 0), ("projective_plane.lower_distance_matrix", 0),
                         ("projective_plane.csv", 3)]:
        with open(f"{examples}/{example}", "rb") as f:
            seed(example, fmt, 1, f.read())
    d = np.array([[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]], dtype=float)  # a 4-cycle
    lower = "\n".join(",".join(str(d[i, j]) for j in range(i)) for i in range(1, 4))
    upper = "\n".join(" ".join(str(d[i, j]) for j in range(i + 1, 4)) for i in range(3))
    full = "\n".join(" ".join(str(x) for x in row) for row in d)
    sparse = "\n".join(f"{i} {j} {d[i, j]}" for i in range(4) for j in range(i) if d[i, j] <= 1)
    seed("square-lower.txt", 0, 2 + 3 * 1 + 6 * 0, lower)    # dim 2, modulus 3
    seed("square-upper.txt", 1, 1, upper)
    seed("square-full.txt", 2, 1 + 6 * 40, full)             # threshold 40/64
    seed("square-sparse.txt", 4, 1, sparse)
    seed("square-points.txt", 3, 1, "0 0\n1 0\n1 1\n0 1\n")


def shell(model):
    """The model's interface and metadata without its nodes and weights: what
    check_model reads, in about a kilobyte."""
    m = copy.deepcopy(model)
    del m.graph.node[:]
    del m.graph.initializer[:]
    del m.graph.value_info[:]
    return m


def metadata(model):
    return json.loads(next(p.value for p in model.metadata_props if p.key == "vitopo"))


def set_metadata(model, value):
    for p in model.metadata_props:
        if p.key == "vitopo":
            p.value = value if isinstance(value, str) else json.dumps(value)


def onnx_corpus(out):
    path = f"{source}/models/vitopo-fmnist.onnx"
    shutil.copyfile(path, f"{out}/vitopo-fmnist.onnx")
    base = shell(onnx.load(path))
    write(f"{out}/shell.onnx", base.SerializeToString())

    m = copy.deepcopy(base)  # a 3-channel model on light backgrounds, normalised outside, no CLS
    meta = metadata(m)
    meta["input"]["channels"] = 3
    meta["cls"] = False
    meta["tokens"] = 49
    meta["preprocessing"] = {"background": "light", "normalization": "outside",
                             "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]}
    set_metadata(m, meta)
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 3
    attentions = next(o for o in m.graph.output if o.name == "attentions")
    for axis in (3, 4):
        attentions.type.tensor_type.shape.dim[axis].dim_value = 49
    write(f"{out}/shell-rgb-light-no-cls.onnx", m.SerializeToString())

    m = copy.deepcopy(base)  # symbolic height and width, the metadata alone gives the size
    for axis in (2, 3):
        dim = m.graph.input[0].type.tensor_type.shape.dim[axis]
        dim.ClearField("dim_value")
        dim.dim_param = "hw"[axis - 2]
    write(f"{out}/shell-symbolic-hw.onnx", m.SerializeToString())

    m = copy.deepcopy(base)  # a background of "none" and no optional keys
    meta = metadata(m)
    meta["preprocessing"]["background"] = "none"
    for key in ("id", "dataset", "test_accuracy", "layers", "heads", "tokens", "epochs"):
        meta.pop(key, None)
    set_metadata(m, meta)
    write(f"{out}/shell-background-none.onnx", m.SerializeToString())

    m = copy.deepcopy(base)  # metadata that is not JSON
    set_metadata(m, json.dumps(metadata(m))[:-40])
    write(f"{out}/shell-metadata-cut.onnx", m.SerializeToString())


def share_link_v2_record(channels, height, width, codes, low, step, name=b"seed", bar=(255, 0)):
    """A share link record of version 2 (docs/contracts.md), without its CRC-32:
    the codes deflated by zlib."""
    import struct
    import zlib
    deflated = zlib.compress(bytes(codes), 9)
    out = bytes([2]) + bytes(range(16)) + bytes([len(name)]) + name
    out += struct.pack("<BHHB", channels, height, width, 1)
    for c in range(channels):
        out += struct.pack("<ff", low[c], step[c])
    out += struct.pack("<BBBBdd", 3, 0, 1, 2, float("inf"), 0.0)  # hellinger, maxdim 1, modulus 2
    out += struct.pack("<HHdBI", 1, 1, 0.125, bar[0], bar[1])
    out += struct.pack("<I", len(deflated)) + deflated
    return out


def share_link_v2_corpus(out):
    """Records without their CRC (the harness seals them), and whole links for the
    harness's 3 x 224 x 224 model."""
    import base64
    import zlib
    small = [(x * 37 + 11) % 256 for x in range(3 * 4 * 5)]
    write(f"{out}/rgb-4x5.record", share_link_v2_record(3, 4, 5, small, [-2.1, -2.0, -1.8], [0.017, 0.0175, 0.0174], bar=(1, 0)))
    write(f"{out}/gray-2x3-constant.record", share_link_v2_record(1, 2, 3, [0] * 6, [0.5], [0.0]))
    codes = [(x // 7 + y // 5 + c * 40) % 256 for c in range(3) for y in range(224) for x in range(224)]
    record = share_link_v2_record(3, 224, 224, codes, [-2.1, -2.0, -1.8], [0.017, 0.0175, 0.0174])
    record += zlib.crc32(record).to_bytes(4, "little")
    write(f"{out}/rgb-224.txt", b"#v2=" + base64.urlsafe_b64encode(record).rstrip(b"="))


def main():
    cli, seed_writer, examples = sys.argv[1:4]
    out = sys.argv[4] if len(sys.argv) > 4 else f"{here}/corpus"
    harnesses = ["npy", "share_link", "share_link_v2", "onnx_model", "ripser_input", "preprocess", "analysis_json"]
    for h in harnesses:  # regression-* files are fuzzers' findings, kept so every campaign replays them
        os.makedirs(f"{out}/{h}", exist_ok=True)
        for f in os.listdir(f"{out}/{h}"):
            if not f.startswith("regression-"):
                os.remove(f"{out}/{h}/{f}")
    npy_corpus(f"{out}/npy")
    share_link_v2_corpus(f"{out}/share_link_v2")
    onnx_corpus(f"{out}/onnx_model")
    ripser_corpus(f"{out}/ripser_input", examples)
    with tempfile.TemporaryDirectory() as work:
        analysis_corpus(f"{out}/analysis_json", cli, work)
    subprocess.run([seed_writer, source, out], check=True)
    for h in harnesses:
        files = os.listdir(f"{out}/{h}")
        size = sum(os.path.getsize(f"{out}/{h}/{f}") for f in files)
        print(f"{h}: {len(files)} seeds, {size} bytes")


if __name__ == "__main__":
    main()
