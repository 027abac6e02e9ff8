"""models/convert.py against torchvision's own VisionTransformer, on random weights.

usage: convert_test.py VITOPO WORK_DIR [--size small|vit-b]

For each source layout, the converted ONNX file runs in onnxruntime-web (the
page's runtime, tests/model/run_onnx.mjs) and must give
  - torchvision's logits to 1e-4 relative (of the largest |logit|), and
  - every layer's attention to 1e-5 absolute, read from torchvision's own
    attention modules (self_attention with need_weights=True,
    average_attn_weights=False, on the input its ln_1 hook saw);
and pass vitopo's model validator (`vitopo model`) with the right spec.

Sources, all made here from the same torchvision weights:
  - a torchvision state dict (.pth);
  - a Hugging Face ViT folder (config.json, model.safetensors written by this
    test's own safetensors writer, preprocessor_config.json), and the same with
    pytorch_model.bin;
  - a timm DeiT state dict (CLS + distillation token, two classifier heads),
    against a reference that runs torchvision's encoder blocks on the two prefix
    tokens and the patches; its patches must map to tokens 2 + r * cols + c
    (checked by changing one patch of the image: in layer 0 exactly that
    token's key changes).
--size vit-b runs the torchvision and Hugging Face layouts at ViT-B/16 size
(224 x 224, 12 layers x 12 heads, 197 tokens; slow, for bench/).
"""
import base64
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
from torchvision.models.vision_transformer import VisionTransformer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CONVERT = os.path.join(ROOT, "models", "convert.py")
RUN_ONNX = os.path.join(HERE, "run_onnx.mjs")
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

vitopo, work = sys.argv[1], sys.argv[2]
size = sys.argv[sys.argv.index("--size") + 1] if "--size" in sys.argv else "small"
os.makedirs(work, exist_ok=True)
FAILURES = []


def check(condition, message):
    print(("ok  " if condition else "FAIL") + " " + message)
    if not condition:
        FAILURES.append(message)


if size == "small":
    C = dict(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=16, mlp_dim=32, num_classes=5)
else:
    C = dict(image_size=224, patch_size=16, num_layers=12, num_heads=12, hidden_dim=768, mlp_dim=3072, num_classes=1000)
grid = C["image_size"] // C["patch_size"]

torch.manual_seed(3)
torch.set_num_threads(2)
tv = VisionTransformer(**C).eval()
with torch.no_grad():  # random weights, large enough that attention is far from uniform
    for name, p in tv.named_parameters():
        if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "encoder.ln.weight":
            p.copy_(1 + 0.1 * torch.randn_like(p))
        else:
            p.copy_(torch.randn_like(p) * (0.5 if p.dim() > 1 and size == "small" else 0.05))
sd = {k: v.detach().clone() for k, v in tv.state_dict().items()}
B = 2
pixels = torch.rand(B, 3, C["image_size"], C["image_size"], generator=torch.Generator().manual_seed(5))


def torchvision_reference(model, x, prefix=None, positions=None, heads=None):
    """logits and [L, B, heads, T, T] attention from torchvision's modules. With
    `prefix` (tokens [1, P, D]) and `positions`, the encoder blocks run on
    those prefix tokens and the patches (a DeiT), `heads` the classifiers."""
    attentions = []

    def hook(layer):
        def saw(_module, _inputs, y):
            _, a = layer.self_attention(y, y, y, need_weights=True, average_attn_weights=False)
            attentions.append(a)
        return saw

    handles = [layer.ln_1.register_forward_hook(hook(layer)) for layer in model.encoder.layers]
    with torch.no_grad():
        normalised = (x - torch.tensor(IMAGENET_MEAN).reshape(1, 3, 1, 1)) / torch.tensor(IMAGENET_STD).reshape(1, 3, 1, 1)
        if prefix is None:
            logits = model(normalised)
        else:
            patches = model.conv_proj(normalised).flatten(2).transpose(1, 2)
            h = torch.cat([prefix.expand(x.shape[0], -1, -1), patches], dim=1) + positions
            h = model.encoder.ln(model.encoder.layers(h))
            logits = sum(head(h[:, i]) for i, head in enumerate(heads)) / len(heads)
    for handle in handles:
        handle.remove()
    return logits.numpy(), torch.stack(attentions).numpy()


def run_onnx(model, x):
    out = os.path.join(work, "run")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, "pixels.f32")
    x.numpy().astype("<f4").tofile(path)
    subprocess.run(["/usr/bin/node", RUN_ONNX, model, path, *map(str, x.shape), out], check=True,
                   env={**os.environ, "NODE_PATH": "/usr/share/nodejs"})
    with open(os.path.join(out, "dims.json")) as f:
        dims = json.load(f)
    return (np.fromfile(os.path.join(out, "logits.f32"), "<f4").reshape(dims["logits"]),
            np.fromfile(os.path.join(out, "attentions.f32"), "<f4").reshape(dims["attentions"]))


def convert(source, out, *options):
    result = subprocess.run(["/usr/bin/python3", CONVERT, source, "--out", out, *options], capture_output=True, text=True)
    check(result.returncode == 0, f"convert.py {os.path.basename(source)}: exit {result.returncode} {result.stderr.strip()}")
    return result.returncode == 0


def validated_spec(model):
    result = subprocess.run([vitopo, "model", model], capture_output=True, text=True)
    check(result.returncode == 0, f"vitopo model {os.path.basename(model)}: exit {result.returncode} {result.stderr.strip()}")
    return json.loads(result.stdout) if result.returncode == 0 else None


def compare(tag, model, want_logits, want_attention, prefix_tokens, labels, resize=None):
    spec = validated_spec(model)
    if spec and resize:
        # The source's evaluation preprocessing, as the page reads it: (shorter side, filter); 0 = straight.
        got = (spec["input"]["resize"], spec["input"]["interpolation"], spec["input"]["background"])
        check(got == (*resize, "none"), f"{tag}: preprocessing {got}, want {(*resize, 'none')}")
    if spec:
        tokens = prefix_tokens + grid * grid
        check(spec["tokens"] == tokens and spec["prefix_tokens"] == prefix_tokens and spec["cls"] is True,
              f"{tag}: spec has {spec['tokens']} tokens, {spec['prefix_tokens']} prefix tokens (want {tokens}, "
              f"{prefix_tokens})")
        check(spec["layers"] == C["num_layers"] and spec["heads"] == C["num_heads"] and spec["grid"] == [grid, grid]
              and spec["patch"] == C["patch_size"] and spec["input"]["channels"] == 3, f"{tag}: spec geometry {spec['grid']}")
        check(spec["labels"] == labels, f"{tag}: labels {spec['labels'][:3]}...")
    logits, attention = run_onnx(model, pixels)
    check(attention.shape == want_attention.shape, f"{tag}: attentions shape {attention.shape}")
    if attention.shape != want_attention.shape:
        return
    rel = np.abs(logits - want_logits).max() / np.abs(want_logits).max()
    check(rel <= 1e-4, f"{tag}: logits within {rel:.2e} relative (<= 1e-4)")
    err = np.abs(attention - want_attention).max()
    check(err <= 1e-5, f"{tag}: every layer's attention within {err:.2e} (<= 1e-5); "
                       f"rows peak at {want_attention.max(-1).mean():.3f} on average")
    for layer in range(want_attention.shape[0]):
        e = np.abs(attention[layer] - want_attention[layer]).max()
        if e > 1e-5:
            check(False, f"{tag}: layer {layer} attention off by {e:.2e}")


# ---------------------------------------------------------------------------
want_logits, want_attention = torchvision_reference(tv, pixels)
labels = [f"class {k}" for k in range(C["num_classes"])]

# 1. torchvision state dict
tv_path = os.path.join(work, "torchvision.pth")
torch.save(sd, tv_path)
arch = ["--heads", str(C["num_heads"])] if size == "small" else ["--arch", "vit_b_16"]
if convert(tv_path, os.path.join(work, "torchvision.onnx"), *arch):
    compare("torchvision", os.path.join(work, "torchvision.onnx"), want_logits, want_attention, 1,
            labels if C["num_classes"] != 1000 else validated_spec(os.path.join(work, "torchvision.onnx"))["labels"],
            resize=(256, "bilinear"))


# 2. Hugging Face folder from the same weights
def write_safetensors(path, tensors):
    """The safetensors layout: u64 little-endian header length, JSON header, data."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def huggingface_weights():
    d = C["hidden_dim"]
    w = {"vit.embeddings.cls_token": sd["class_token"],
         "vit.embeddings.position_embeddings": sd["encoder.pos_embedding"],
         "vit.embeddings.patch_embeddings.projection.weight": sd["conv_proj.weight"],
         "vit.embeddings.patch_embeddings.projection.bias": sd["conv_proj.bias"],
         "vit.layernorm.weight": sd["encoder.ln.weight"], "vit.layernorm.bias": sd["encoder.ln.bias"],
         "classifier.weight": sd["heads.head.weight"], "classifier.bias": sd["heads.head.bias"]}
    for i in range(C["num_layers"]):
        t, h = f"encoder.layers.encoder_layer_{i}.", f"vit.encoder.layer.{i}."
        for j, n in enumerate(("query", "key", "value")):
            w[f"{h}attention.attention.{n}.weight"] = sd[t + "self_attention.in_proj_weight"][j * d:(j + 1) * d]
            w[f"{h}attention.attention.{n}.bias"] = sd[t + "self_attention.in_proj_bias"][j * d:(j + 1) * d]
        for ours, theirs in [("attention.output.dense", "self_attention.out_proj"), ("layernorm_before", "ln_1"),
                             ("layernorm_after", "ln_2"), ("intermediate.dense", "mlp.0"), ("output.dense", "mlp.3")]:
            for kind in ("weight", "bias"):
                w[f"{h}{ours}.{kind}"] = sd[f"{t}{theirs}.{kind}"]
    return w


hf_labels = [f"label {k}" for k in range(C["num_classes"])]
hf_config = {"architectures": ["ViTForImageClassification"], "model_type": "vit", "hidden_size": C["hidden_dim"],
             "num_hidden_layers": C["num_layers"], "num_attention_heads": C["num_heads"],
             "intermediate_size": C["mlp_dim"], "hidden_act": "gelu", "layer_norm_eps": 1e-6,
             "image_size": C["image_size"], "patch_size": C["patch_size"], "num_channels": 3, "qkv_bias": True,
             "id2label": {str(k): v for k, v in enumerate(hf_labels)},
             "label2id": {v: k for k, v in enumerate(hf_labels)}}
preprocessor = {"do_normalize": True, "do_resize": True, "image_mean": IMAGENET_MEAN, "image_std": IMAGENET_STD,
                "size": {"height": C["image_size"], "width": C["image_size"]}, "resample": 2}
for weights_file in ("model.safetensors", "pytorch_model.bin"):
    folder = os.path.join(work, "hf-" + weights_file.split(".")[0])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(hf_config, f)
    # google/vit-base-patch16-224's kind (straight to the size, bilinear), then
    # facebook/deit's kind (the shorter side to 8/7 of the size, a centre crop, bicubic).
    shortest = C["image_size"] * 8 // 7
    deit_like = {**preprocessor, "size": {"shortest_edge": shortest}, "do_center_crop": True,
                 "crop_size": {"height": C["image_size"], "width": C["image_size"]}, "resample": 3}
    with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor if weights_file == "model.safetensors" else deit_like, f)
    w = huggingface_weights()
    if weights_file == "model.safetensors":
        write_safetensors(os.path.join(folder, weights_file), w)
    else:
        torch.save({k: v.clone() for k, v in w.items()}, os.path.join(folder, weights_file))
    out = folder + ".onnx"
    if convert(folder, out):
        compare(f"huggingface {weights_file}", out, want_logits, want_attention, 1, hf_labels,
                resize=(0, "bilinear") if weights_file == "model.safetensors" else (shortest, "bicubic"))
    if size != "small":
        break

# 3. timm DeiT (CLS + distillation token) from the same blocks, small size only
if size == "small":
    d = C["hidden_dim"]
    g = torch.Generator().manual_seed(8)
    prefix = torch.randn(1, 2, d, generator=g) * 0.5
    positions = torch.randn(1, 2 + grid * grid, d, generator=g) * 0.5
    head_dist = torch.nn.Linear(d, C["num_classes"])
    with torch.no_grad():
        head_dist.weight.copy_(torch.randn(C["num_classes"], d, generator=g) * 0.5)
        head_dist.bias.copy_(torch.randn(C["num_classes"], generator=g) * 0.5)
    deit_logits, deit_attention = torchvision_reference(tv, pixels, prefix, positions, [tv.heads.head, head_dist])
    timm = {"cls_token": prefix[:, :1], "dist_token": prefix[:, 1:], "pos_embed": positions,
            "patch_embed.proj.weight": sd["conv_proj.weight"], "patch_embed.proj.bias": sd["conv_proj.bias"],
            "norm.weight": sd["encoder.ln.weight"], "norm.bias": sd["encoder.ln.bias"],
            "head.weight": sd["heads.head.weight"], "head.bias": sd["heads.head.bias"],
            "head_dist.weight": head_dist.weight.detach(), "head_dist.bias": head_dist.bias.detach()}
    for i in range(C["num_layers"]):
        t = f"encoder.layers.encoder_layer_{i}."
        for ours, theirs in [("norm1", "ln_1"), ("attn.qkv", "self_attention.in_proj"), ("attn.proj", "self_attention.out_proj"),
                             ("norm2", "ln_2"), ("mlp.fc1", "mlp.0"), ("mlp.fc2", "mlp.3")]:
            for kind in ("weight", "bias"):
                source = f"{t}{theirs}_{kind}" if theirs == "self_attention.in_proj" else f"{t}{theirs}.{kind}"
                timm[f"blocks.{i}.{ours}.{kind}"] = sd[source]
    deit_path = os.path.join(work, "deit_timm.pth")
    torch.save({"model": timm}, deit_path)  # wrapped as in timm's training checkpoints
    out = os.path.join(work, "deit.onnx")
    if convert(deit_path, out, "--heads", str(C["num_heads"]), "--mean", *map(str, IMAGENET_MEAN),
               "--std", *map(str, IMAGENET_STD)):
        compare("timm DeiT", out, deit_logits, deit_attention, 2, labels, resize=(256, "bicubic"))
        # Patch mapping: change patch (r, c) of image 0 only; in layer 0 the keys of
        # the other tokens stay, so for every query but that token, the ratios of its
        # attention to all other tokens stay, and only the patch's own column moves.
        r, c = 2, 1
        changed = pixels.clone()
        P = C["patch_size"]
        changed[0, :, r * P:(r + 1) * P, c * P:(c + 1) * P] = torch.rand(3, P, P, generator=g)
        _, before = run_onnx(out, pixels)
        _, after = run_onnx(out, changed)
        target = 2 + r * grid + c
        queries = [q for q in range(2 + grid * grid) if q != target]
        # log of the change of every query's attention, layer 0, image 0: [heads, queries, T]
        change = np.log(after[0, 0][:, queries].astype(np.float64) / before[0, 0][:, queries])
        deviation = np.abs(change - np.median(change, axis=-1, keepdims=True)).max(axis=(0, 1))
        moved = [int(t) for t in np.nonzero(deviation > 1e-4)[0]]
        check(moved == [target], f"timm DeiT: changing patch ({r}, {c}) moves the key of token(s) {moved} "
                                 f"(want {target} = 2 prefix tokens + {r} * {grid} + {c})")

# 4. Samples the model carries (--sample IMAGE[=CLASS]): the metadata holds the
# file's bytes in base64url, which `vitopo model` reads back; the page's gallery offers them.
png = os.path.join(work, "a square.png")
from PIL import Image  # noqa: E402 (torchvision's dependency)
Image.new("RGB", (24, 20), (200, 30, 30)).save(png)
with open(png, "rb") as f:
    png_bytes = f.read()
with_samples = os.path.join(work, "with_samples.onnx")
if size == "small" and convert(tv_path, with_samples, *arch, "--sample", png + "=1"):
    spec = validated_spec(with_samples)
    samples = spec["samples"] if spec else []
    check(len(samples) == 1 and samples[0]["name"] == "a square" and samples[0]["label"] == 1 and
          samples[0]["type"] == "image/png", f"--sample: the metadata's samples are {[(s['name'], s['label']) for s in samples]}")
    if samples:
        data = samples[0]["data"]
        check(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)) == png_bytes, "--sample: the sample is the file's bytes")

# 5. Sources the converter refuses, each with a sentence
bad = os.path.join(work, "not_a_model.pth")
torch.save({"weight": torch.zeros(2)}, bad)
refused = [(bad, [], "not a ViT state dict"), (tv_path, [], "--arch"), (os.path.join(work, "missing"), [], "no such file")]
if size == "small":
    refused += [(tv_path, [*arch, "--sample", bad], "not a PNG or JPEG"), (tv_path, [*arch, "--sample", png + "=99"], "class 99")]
for source, options, words in refused:
    result = subprocess.run(["/usr/bin/python3", CONVERT, source, "--out", os.path.join(work, "x.onnx"), *options],
                            capture_output=True, text=True)
    check(result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr,
          f"convert.py refuses {os.path.basename(source)}: exit {result.returncode}, {result.stderr.strip()!r}")

if FAILURES:
    print(f"convert_test: {len(FAILURES)} failure(s)")
    sys.exit(1)
print("convert_test: ok")
