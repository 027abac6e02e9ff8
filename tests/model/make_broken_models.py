#!/usr/bin/python3
"""Write variants of the committed model that each break the model contract in a
known way, for onnx_model_test.cpp (a ctest fixture: they live in the build dir).

    /usr/bin/python3 make_broken_models.py MODEL.onnx OUT_DIR

Uses python3-onnx (an independent reader and writer of the format) to edit the real
model, so the validator is tested on files produced by ONNX's own protobuf code.
"""
import base64
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

    m = variant("input_name_escape")  # a terminal escape sequence in a name the messages quote
    m.graph.input[0].name = "im\x1b[31mage"

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

    # Hostile metadata, found by fuzzing: sizes whose products overflow 32 bits,
    # deep nesting, numbers out of a double's range. Symbolic H, W and T keep the
    # graph from contradicting the metadata, so only the limits can refuse them.
    def symbolic(model):
        dims = model.graph.input[0].type.tensor_type.shape.dim
        for axis, name in ((2, "H"), (3, "W")):
            dims[axis].dim_param = name
        for axis in (3, 4):
            output(model, "attentions").type.tensor_type.shape.dim[axis].dim_param = "T"
        return model

    def edited(name, edit, graph=lambda model: model):
        model = graph(variant(name))
        meta = vitopo_metadata(model)
        set_metadata(model, edit(meta) or meta)

    def huge_input(meta):  # 65536 x 65537 pixels wraps to 65536 as a 32-bit product
        meta["input"].update(height=65536, width=65537)
        meta.update(patch=1, grid=[65536, 65537])
        del meta["tokens"]
    edited("huge_input", huge_input, symbolic)
    edited("huge_grid", lambda meta: meta.update(grid=[46341, 46341]))  # 46341^2 + 1 > 2^31
    edited("grid_over_tokens", lambda meta: meta.update(grid=[65, 64]))  # each side fine, 4161 tokens not

    def largest_accepted(meta):  # at every limit: 64x64 patches plus CLS is 4097 tokens
        meta["input"].update(height=64, width=64)
        meta.update(patch=1, grid=[64, 64], tokens=4097)
    edited("largest_accepted", largest_accepted, symbolic)

    def too_many_pixels(meta):  # each side under 4096, 2048 x 2049 over 4 megapixels
        meta["input"].update(height=2048, width=2049)
    edited("too_many_pixels", too_many_pixels, symbolic)

    def huge_integers(meta):
        meta["heads"] = 2**64 - 1  # the largest unsigned 64-bit integer
        meta["layers"] = 10**20  # beyond 64 bits: parsed as a float
    edited("huge_integers", huge_integers)

    def graph_heads(model):
        output(model, "attentions").type.tensor_type.shape.dim[2].dim_value = 5000
        return model
    edited("graph_heads_over_limit", lambda meta: meta.pop("heads") and None, graph_heads)

    def beyond_float(meta):  # a double, but no float32: preprocessing would divide by 0 or overflow
        meta["preprocessing"].update(normalization="outside", mean=[1e300], std=[1e-50])
    edited("normalization_beyond_float", beyond_float)
    edited("two_channels", lambda meta: meta["input"].update(channels=2))  # preprocessing makes 1 or 3
    edited("labels_over_limit", lambda meta: meta.update(labels=["c%d" % i for i in range(100001)]))
    edited("label_too_long", lambda meta: meta["labels"].__setitem__(3, "x" * 300))
    edited("labels_long_list", lambda meta: meta.update(labels=list(range(100000))))

    # prefix_tokens: explicit 1 is the default; 2 (a distillation token) needs a
    # graph with 51 tokens; 0 contradicts CLS; a string or a huge count is refused.
    edited("prefix_tokens_1", lambda meta: meta.update(prefix_tokens=1))
    edited("prefix_tokens_2_graph_50", lambda meta: meta.update(prefix_tokens=2) or meta.pop("tokens") and None)

    def with_tokens(t):
        def graph(model):
            for axis in (3, 4):
                output(model, "attentions").type.tensor_type.shape.dim[axis].dim_value = t
            return model
        return graph
    edited("prefix_tokens_2", lambda meta: meta.update(prefix_tokens=2, tokens=51), with_tokens(51))
    edited("prefix_tokens_0_with_cls", lambda meta: meta.update(prefix_tokens=0) or meta.pop("tokens") and None)
    edited("prefix_tokens_bad", lambda meta: meta.update(prefix_tokens="two"))
    edited("prefix_tokens_over_limit", lambda meta: meta.update(prefix_tokens=65))

    # samples: images the model offers, base64url without padding. A gallery
    # sample PNG and two bytes of a JPEG's start; broken: a wrong type, data
    # that does not start as its type says, text that is not base64url, a label
    # past the classes, too many samples.
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "web", "samples", "coat-6.png"), "rb") as f:
        png = f.read()
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    good = [{"name": "Coat, a sample", "label": 4, "type": "image/png", "data": b64(png)},
            {"name": "a JPEG", "type": "image/jpeg", "data": b64(b"\xff\xd8\xff\xe0" + bytes(60))}]
    edited("samples", lambda meta: meta.update(samples=good))
    edited("samples_bad", lambda meta: meta.update(samples=[
        {"name": "gif", "type": "image/gif", "data": b64(b"GIF89a")},
        {"name": "not a png", "type": "image/png", "data": b64(b"\xff\xd8\xff\xe0")},
        {"name": "padded", "type": "image/png", "data": b64(png) + "=="},
        {"name": "label 10", "label": 10, "type": "image/png", "data": b64(png)},
        {"type": "image/png", "data": b64(png)},
        "coat.png"]))
    edited("samples_too_many", lambda meta: meta.update(samples=[good[1]] * 65))

    # preprocessing.resize, .crop, .interpolation (background "none" only).
    def photo(**keys):
        return lambda meta: meta["preprocessing"].update(background="none", **keys)
    edited("photo_resize_crop", photo(resize=32, crop=28, interpolation="bicubic"))
    edited("photo_straight", photo(resize=None, crop=[28, 28], interpolation="bilinear"))
    edited("photo_resize_small", photo(resize=20))
    edited("photo_crop_other", photo(resize=32, crop=24))
    edited("photo_interpolation_bad", photo(interpolation="lanczos"))
    edited("resize_on_dark", lambda meta: meta["preprocessing"].update(resize=32, interpolation="bilinear"))

    def text_variant(name, text):
        set_metadata(variant(name), text)

    deep = "[" * 7000 + "]" * 7000  # nlohmann's serializer recurses once per level
    text_variant("deep_metadata", json.dumps(vitopo_metadata(base)).replace('"labels": [', '"labels": [' + deep + ", ", 1))
    for name, number in (("overflow_exponent", "1e400"), ("overflow_negative", "-1.5e309"),
                         ("overflow_digits", "9" * 400)):
        text_variant(name, '{"big": ' + number + ", " + json.dumps(vitopo_metadata(base))[1:])

    for name, model in variants.items():
        onnx.save(model, os.path.join(out, name + ".onnx"))
    # A byte that is not UTF-8 inside a label (protobuf's own writer refuses to
    # write one into a string field, so the saved bytes are edited in place).
    good = base.SerializeToString()
    assert good.count(b'"Sandal"') == 1
    with open(os.path.join(out, "label_not_utf8.onnx"), "wb") as f:
        f.write(good.replace(b'"Sandal"', b'"Sand\xffl"'))
    with open(os.path.join(out, "not_onnx.onnx"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with open(os.path.join(out, "truncated.onnx"), "wb") as f:
        f.write(open(source, "rb").read()[:5000])
    print(f"{len(variants) + 3} broken variants of {source} in {out}")


if __name__ == "__main__":
    main()
