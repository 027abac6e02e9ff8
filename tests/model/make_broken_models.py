#!/usr/bin/python3
"""Write variants of the committed model that each break the model contract in a
known way, for onnx_model_test.cpp (a ctest fixture: they live in the build dir).

    /usr/bin/python3 make_broken_models.py MODEL.onnx OUT_DIR

Uses python3-onnx (an independent reader and writer of the format) to edit the real
model, so the validator is tested on files produced by ONNX's own protobuf code.
"""
import copy
import json
import os
import sys

import onnx


def vitopo_metadata(model):
    return json.loads(next(p.value for p in model.metadata_props if p.key == "vitopo"))


def set_metadata(model, value):
    for p in model.metadata_props:
        if p.key == "vitopo":
            p.value = value if isinstance(value, str) else json.dumps(value)


def output(model, name):
    return next(o for o in model.graph.output if o.name == name)


def main():
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    base = onnx.load(source)
    variants = {}

    def variant(name):
        model = copy.deepcopy(base)
        variants[name] = model
        return model

    m = variant("no_attentions")
    m.graph.output.remove(output(m, "attentions"))

    m = variant("attentions_rank4")  # [L, B, heads, T, T] declared as [L*B, heads, T, T]
    dims = output(m, "attentions").type.tensor_type.shape.dim
    del dims[0]

    m = variant("attentions_49_tokens")  # T does not match grid 7x7 + CLS
    for axis in (3, 4):
        output(m, "attentions").type.tensor_type.shape.dim[axis].dim_value = 49

    m = variant("pixels_renamed")
    old = m.graph.input[0].name
    m.graph.input[0].name = "image"
    for node in m.graph.node:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = "image"

    m = variant("logits_int64")
    output(m, "logits").type.tensor_type.elem_type = onnx.TensorProto.INT64

    m = variant("no_metadata")
    del m.metadata_props[:]
    entry = m.metadata_props.add()
    entry.key, entry.value = "author", "someone"

    m = variant("invalid_json")
    set_metadata(m, '{"patch": 4, "grid": [7, 7')

    m = variant("inconsistent_grid")
    meta = vitopo_metadata(m)
    meta["patch"] = 5
    set_metadata(m, meta)

    m = variant("wrong_label_count")
    meta = vitopo_metadata(m)
    meta["labels"] = meta["labels"][:9]
    set_metadata(m, meta)

    m = variant("missing_fields")
    meta = vitopo_metadata(m)
    for key in ("labels", "cls"):
        del meta[key]
    meta["preprocessing"]["background"] = "grey"
    set_metadata(m, meta)

    m = variant("several_problems")  # everything must be reported, not only the first
    m.graph.output.remove(output(m, "attentions"))
    meta = vitopo_metadata(m)
    meta["grid"] = [7, 8]
    meta["input"]["channels"] = 3
    set_metadata(m, meta)

    for name, model in variants.items():
        onnx.save(model, os.path.join(out, name + ".onnx"))
    with open(os.path.join(out, "not_onnx.onnx"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(open(source, "rb").read()[:5000])
    print(f"{len(variants) + 2} broken variants of {source} in {out}")


if __name__ == "__main__":
    main()
