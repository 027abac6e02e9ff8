#!/usr/bin/python3
"""Convert a pretrained ViT or DeiT into an ONNX file that follows vitopo's model
contract (docs/contracts.md, "The model contract").

    /usr/bin/python3 models/convert.py SOURCE --out MODEL.onnx [--labels FILE] [--name NAME]
                                       [--arch vit_b_16|vit_b_32|vit_l_16] [--heads N]
                                       [--mean M M M --std S S S] [--sample IMAGE[=CLASS] ...]

SOURCE is one of
  - a Hugging Face ViT or DeiT folder: config.json, model.safetensors or
    pytorch_model.bin, and preprocessor_config.json when present
    (ViTForImageClassification, DeiTForImageClassification, and
    DeiTForImageClassificationWithTeacher, whose logits are the mean of its two heads);
  - a timm ViT or DeiT state dict (.pth, .pt, .bin or .safetensors), with a
    distillation token or not;
  - a torchvision vit_b_16, vit_b_32 or vit_l_16 state dict, named with --arch
    (torchvision's weights do not record the number of heads).

The graph is vitopo's own ViT (below), loaded with the source's weights: attention
is written out as softmax(QK^T/sqrt(d)), so the probabilities in `attentions` are
the ones the model used. Input `pixels` [B, 3, H, W] in [0, 1]; the graph
normalises with the source's mean and std. Outputs `logits` [B, K] and
`attentions` [L, B, heads, T, T], T = prefix tokens + rows * cols.

Needs torch and onnx only. safetensors files are read here directly (an 8-byte
little-endian header length, a JSON header naming each tensor's dtype, shape
and byte range, then the raw little-endian data).

--labels FILE: one class name per line (otherwise the source's id2label, or,
for 1000 classes, torchvision's ImageNet-1k names, else "class k").
--heads N: the number of heads, when neither a config nor --arch gives it.
--mean/--std: the normalisation, when the source does not record it (a timm
state dict: the default is 0.5 for a ViT, ImageNet's for a DeiT, as timm's
pretrained configurations have it).
--sample IMAGE[=CLASS]: a PNG or JPEG the page's gallery offers with this model
(repeat it for more; CLASS is the class index the image shows). The file goes
into the metadata's "samples", named by its file name without the extension.
"""
import argparse
import base64
import json
import math
import os
import re
import struct
import sys

import numpy as np
import onnx
import torch
from torch import nn

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
TORCHVISION_ARCHS = {  # heads; the rest is read from the weights
    "vit_b_16": 12, "vit_b_32": 12, "vit_l_16": 16,
}


class ConvertError(Exception):
    """A source that cannot be converted; the message says why."""


# ---------------------------------------------------------------------------
# Reading weights
# ---------------------------------------------------------------------------
SAFETENSORS_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "BF16": None,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}


def read_safetensors(path):
    """{name: torch.Tensor} from a .safetensors file."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise ConvertError(f"{path}: too short for a safetensors file")
        (n,) = struct.unpack("<Q", head)
        if n > size - 8 or n > 100_000_000:
            raise ConvertError(f"{path}: the safetensors header claims {n} bytes, but the file has {size}")
        try:
            header = json.loads(f.read(n))
        except ValueError as e:
            raise ConvertError(f"{path}: the safetensors header is not JSON ({e})")
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in SAFETENSORS_DTYPES or not (0 <= begin <= end <= len(data)):
            raise ConvertError(f"{path}: tensor {name!r} has dtype {dtype} or byte range [{begin}, {end}) "
                               f"that this reader does not take")
        raw = data[begin:end]
        if dtype == "BF16":  # bfloat16: the high half of a float32
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            a = np.frombuffer(raw, dtype=np.dtype(SAFETENSORS_DTYPES[dtype]).newbyteorder("<"))
        if a.size != math.prod(shape):
            raise ConvertError(f"{path}: tensor {name!r} has {a.size} values for shape {shape}")
        tensors[name] = torch.from_numpy(a.reshape(shape).astype(np.float32 if a.dtype.kind == "f" else a.dtype))
    return tensors


def read_state_dict(path):
    if path.endswith(".safetensors"):
        return read_safetensors(path)
    try:
        # weights_only: tensors and containers only, so a pickle cannot run code here
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same sentence
        raise ConvertError(f"{path}: not a PyTorch state dict that torch.load can read as plain tensors "
                           f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                           "save the bare state dict, or use model.safetensors")
    for key in ("state_dict", "model", "model_ema"):  # training checkpoints wrap the weights
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    if not isinstance(obj, dict) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise ConvertError(f"{path}: not a state dict (a mapping of names to tensors)")
    return {k[7:] if k.startswith("module.") else k: v.float() if v.is_floating_point() else v
            for k, v in obj.items()}


# ---------------------------------------------------------------------------
# vitopo's ViT: the graph that is exported
# ---------------------------------------------------------------------------
class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attention = ((q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)).softmax(dim=-1)
        return self.proj((attention @ v).transpose(1, 2).reshape(b, t, d)), attention


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_dim, eps):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=eps)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=eps)
        self.fc1, self.fc2 = nn.Linear(dim, mlp_dim), nn.Linear(mlp_dim, dim)

    def forward(self, x):
        a, attention = self.attn(self.norm1(x))
        x = x + a
        return x + self.fc2(nn.functional.gelu(self.fc1(self.norm2(x)))), attention


class ContractViT(nn.Module):
    """Pre-norm ViT with `prefix` tokens (CLS, then e.g. DeiT's distillation token)
    before the patches; logits from the first (and, with two heads, the mean of
    the first two) prefix tokens."""

    def __init__(self, c):
        super().__init__()
        d = c["dim"]
        self.register_buffer("mean", torch.tensor(c["mean"]).reshape(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(c["std"]).reshape(1, 3, 1, 1))
        self.patch_embed = nn.Conv2d(3, d, kernel_size=c["patch"], stride=c["patch"])
        self.prefix = nn.Parameter(torch.zeros(1, c["prefix"], d))
        self.positions = nn.Parameter(torch.zeros(1, c["prefix"] + c["grid"] ** 2, d))
        self.blocks = nn.ModuleList([Block(d, c["heads"], c["mlp_dim"], c["eps"]) for _ in range(c["layers"])])
        self.norm = nn.LayerNorm(d, eps=c["eps"])
        self.heads = nn.ModuleList([nn.Linear(d, c["classes"]) for _ in range(c["classifiers"])])

    def forward(self, pixels):
        x = self.patch_embed((pixels - self.mean) / self.std).flatten(2).transpose(1, 2)
        x = torch.cat([self.prefix.expand(x.shape[0], -1, -1), x], dim=1) + self.positions
        attentions = []
        for block in self.blocks:
            x, a = block(x)
            attentions.append(a)
        x = self.norm(x)
        logits = sum(head(x[:, i]) for i, head in enumerate(self.heads)) / len(self.heads)
        return logits, torch.stack(attentions)


# ---------------------------------------------------------------------------
# Layouts: each maps a source's names onto ContractViT's
# ---------------------------------------------------------------------------
def take(sd, name, source):
    if name not in sd:
        raise ConvertError(f"{source}: no tensor {name!r}; the weights are not the layout they seemed to be")
    return sd[name]


def count_layers(sd, prefix, suffix):
    n = 0
    while f"{prefix}{n}{suffix}" in sd:
        n += 1
    return n


def from_torchvision(sd, heads, source):
    t = lambda name: take(sd, name, source)  # noqa: E731
    layers = count_layers(sd, "encoder.layers.encoder_layer_", ".ln_1.weight")
    conv = t("conv_proj.weight")
    positions = t("encoder.pos_embedding")
    w = {"patch_embed.weight": conv, "patch_embed.bias": t("conv_proj.bias"), "prefix": t("class_token"),
         "positions": positions, "norm.weight": t("encoder.ln.weight"), "norm.bias": t("encoder.ln.bias"),
         "heads.0.weight": t("heads.head.weight"), "heads.0.bias": t("heads.head.bias")}
    for i in range(layers):
        p = f"encoder.layers.encoder_layer_{i}."
        w.update({f"blocks.{i}.norm1.weight": t(p + "ln_1.weight"), f"blocks.{i}.norm1.bias": t(p + "ln_1.bias"),
                  f"blocks.{i}.attn.qkv.weight": t(p + "self_attention.in_proj_weight"),
                  f"blocks.{i}.attn.qkv.bias": t(p + "self_attention.in_proj_bias"),
                  f"blocks.{i}.attn.proj.weight": t(p + "self_attention.out_proj.weight"),
                  f"blocks.{i}.attn.proj.bias": t(p + "self_attention.out_proj.bias"),
                  f"blocks.{i}.norm2.weight": t(p + "ln_2.weight"), f"blocks.{i}.norm2.bias": t(p + "ln_2.bias"),
                  f"blocks.{i}.fc1.weight": t(p + "mlp.0.weight"), f"blocks.{i}.fc1.bias": t(p + "mlp.0.bias"),
                  f"blocks.{i}.fc2.weight": t(p + "mlp.3.weight"), f"blocks.{i}.fc2.bias": t(p + "mlp.3.bias")})
    config = {"layers": layers, "heads": heads, "eps": 1e-6, "prefix": 1, "classifiers": 1,
              "mean": IMAGENET_MEAN, "std": IMAGENET_STD,
              # torchvision's ImageClassification preset for these weights: resize the
              # shorter side to 256 (242 for vit_l_16, set by the caller), bilinear,
              # centre-crop to the model's size.
              "resize": 256, "interpolation": "bilinear"}
    return w, config


def from_timm(sd, heads, source):
    t = lambda name: take(sd, name, source)  # noqa: E731
    layers = count_layers(sd, "blocks.", ".norm1.weight")
    distilled = "dist_token" in sd
    prefix = torch.cat([t("cls_token"), t("dist_token")], dim=1) if distilled else t("cls_token")
    w = {"patch_embed.weight": t("patch_embed.proj.weight"), "patch_embed.bias": t("patch_embed.proj.bias"),
         "prefix": prefix, "positions": t("pos_embed"), "norm.weight": t("norm.weight"), "norm.bias": t("norm.bias"),
         "heads.0.weight": t("head.weight"), "heads.0.bias": t("head.bias")}
    classifiers = 1
    if distilled and "head_dist.weight" in sd:
        w.update({"heads.1.weight": t("head_dist.weight"), "heads.1.bias": t("head_dist.bias")})
        classifiers = 2
    for i in range(layers):
        p = f"blocks.{i}."
        for ours, theirs in [("norm1", "norm1"), ("attn.qkv", "attn.qkv"), ("attn.proj", "attn.proj"),
                             ("norm2", "norm2"), ("fc1", "mlp.fc1"), ("fc2", "mlp.fc2")]:
            for kind in ("weight", "bias"):
                w[f"blocks.{i}.{ours}.{kind}"] = t(f"{p}{theirs}.{kind}")
    config = {"layers": layers, "heads": heads, "eps": 1e-6, "prefix": prefix.shape[1], "classifiers": classifiers,
              "mean": IMAGENET_MEAN if distilled else [0.5] * 3, "std": IMAGENET_STD if distilled else [0.5] * 3,
              # timm's eval transform: bicubic, the shorter side to floor(224 / crop_pct),
              # crop_pct 0.9 for its ViTs (248); 256 (crop_pct 0.875) for DeiT.
              "resize": 256 if distilled else 248, "interpolation": "bicubic"}
    return w, config


def from_huggingface(sd, hf, source):
    t = lambda name: take(sd, name, source)  # noqa: E731
    model_type = hf.get("model_type", "vit")
    if model_type not in ("vit", "deit"):
        raise ConvertError(f"{source}: config.json says model_type {model_type!r}; only 'vit' and 'deit' convert")
    if hf.get("hidden_act", "gelu") != "gelu":
        raise ConvertError(f"{source}: hidden_act {hf.get('hidden_act')!r}; only exact 'gelu' converts")
    base = "vit." if f"vit.embeddings.cls_token" in sd else "deit." if "deit.embeddings.cls_token" in sd else ""
    e = base + "embeddings."
    distilled = e + "distillation_token" in sd
    prefix = torch.cat([t(e + "cls_token"), t(e + "distillation_token")], dim=1) if distilled else t(e + "cls_token")
    w = {"patch_embed.weight": t(e + "patch_embeddings.projection.weight"),
         "patch_embed.bias": t(e + "patch_embeddings.projection.bias"),
         "prefix": prefix, "positions": t(e + "position_embeddings"),
         "norm.weight": t(base + "layernorm.weight"), "norm.bias": t(base + "layernorm.bias")}
    if "classifier.weight" in sd:
        w.update({"heads.0.weight": t("classifier.weight"), "heads.0.bias": t("classifier.bias")})
        classifiers = 1
    elif "cls_classifier.weight" in sd:
        w.update({"heads.0.weight": t("cls_classifier.weight"), "heads.0.bias": t("cls_classifier.bias"),
                  "heads.1.weight": t("distillation_classifier.weight"),
                  "heads.1.bias": t("distillation_classifier.bias")})
        classifiers = 2
    else:
        raise ConvertError(f"{source}: no classifier ('classifier' or 'cls_classifier'): "
                           "an image-classification checkpoint is needed, not a bare backbone")
    layers = count_layers(sd, base + "encoder.layer.", ".layernorm_before.weight")
    for i in range(layers):
        p = f"{base}encoder.layer.{i}."
        for kind in ("weight", "bias"):
            w[f"blocks.{i}.attn.qkv.{kind}"] = torch.cat(
                [t(f"{p}attention.attention.{n}.{kind}") for n in ("query", "key", "value")], dim=0)
            for ours, theirs in [("norm1", "layernorm_before"), ("attn.proj", "attention.output.dense"),
                                 ("norm2", "layernorm_after"), ("fc1", "intermediate.dense"), ("fc2", "output.dense")]:
                w[f"blocks.{i}.{ours}.{kind}"] = t(f"{p}{theirs}.{kind}")
    config = {"layers": layers, "heads": int(hf["num_attention_heads"]), "eps": float(hf.get("layer_norm_eps", 1e-12)),
              "prefix": prefix.shape[1], "classifiers": classifiers}
    if hf.get("num_hidden_layers", layers) != layers:
        raise ConvertError(f"{source}: config.json says {hf['num_hidden_layers']} layers, the weights have {layers}")
    return w, config


def huggingface_preprocessing(folder, config):
    """mean, std and the resize of preprocessor_config.json, when present."""
    path = os.path.join(folder, "preprocessor_config.json")
    if not os.path.exists(path):
        config.setdefault("mean", [0.5] * 3)
        config.setdefault("std", [0.5] * 3)
        config.setdefault("resize", None)
        config.setdefault("interpolation", "bilinear")  # ViTImageProcessor's default
        return
    with open(path) as f:
        pre = json.load(f)
    if pre.get("do_normalize", True):
        config["mean"] = [float(x) for x in pre.get("image_mean", [0.5] * 3)]
        config["std"] = [float(x) for x in pre.get("image_std", [0.5] * 3)]
    else:
        config["mean"], config["std"] = [0.0] * 3, [1.0] * 3
    size = pre.get("size")
    shortest = size.get("shortest_edge") if isinstance(size, dict) else None
    config["resize"] = int(shortest or (size.get("height") if isinstance(size, dict) else size) or 0) or None
    if not pre.get("do_center_crop", False):
        config["resize"] = None  # resized straight to the model's size
    # PIL's resampling codes, as the processor records them: 2 bilinear, 3 bicubic.
    resample = pre.get("resample", 2)
    if resample not in (2, 3):
        print(f"convert.py: preprocessor_config.json asks for PIL resample {resample}; vitopo resizes with "
              "bicubic, the nearest of its filters", file=sys.stderr)
    config["interpolation"] = "bilinear" if resample == 2 else "bicubic"


def source_labels(args, hf, classes):
    if args.labels:
        with open(args.labels, encoding="utf-8") as f:
            labels = [line.strip() for line in f if line.strip()]
        where = args.labels
    elif hf and "id2label" in hf:
        labels = [hf["id2label"][str(k)] for k in range(len(hf["id2label"]))]
        where = "config.json's id2label"
    elif classes == 1000:
        from torchvision.models import ViT_B_16_Weights  # the ImageNet-1k class names, shipped with torchvision
        labels = list(ViT_B_16_Weights.IMAGENET1K_V1.meta["categories"])
        where = "ImageNet-1k (torchvision's names)"
    else:
        labels, where = [f"class {k}" for k in range(classes)], "none given"
    if len(labels) != classes:
        raise ConvertError(f"{classes} classes in the weights, but {len(labels)} labels in {where}")
    return labels


def load_source(args):
    """(weights, config, labels, description) of SOURCE."""
    source = args.source
    hf = None
    if os.path.isdir(source):
        config_path = os.path.join(source, "config.json")
        if not os.path.exists(config_path):
            raise ConvertError(f"{source}: a folder without config.json is not a Hugging Face model")
        with open(config_path) as f:
            hf = json.load(f)
        for name in ("model.safetensors", "pytorch_model.bin"):
            if os.path.exists(os.path.join(source, name)):
                sd = read_state_dict(os.path.join(source, name))
                break
        else:
            raise ConvertError(f"{source}: neither model.safetensors nor pytorch_model.bin")
        w, config = from_huggingface(sd, hf, source)
        huggingface_preprocessing(source, config)
        kind = f"Hugging Face {hf.get('model_type', 'vit')} ({', '.join(hf.get('architectures', [])) or 'no architecture'})"
    elif not os.path.exists(source):
        raise ConvertError(f"{source}: no such file or folder")
    else:
        sd = read_state_dict(source)
        if "conv_proj.weight" in sd:
            if not args.arch and not args.heads:
                raise ConvertError(f"{source}: a torchvision ViT; name it with --arch vit_b_16, vit_b_32 or vit_l_16")
            w, config = from_torchvision(sd, args.heads or TORCHVISION_ARCHS[args.arch], source)
            if args.arch == "vit_l_16":
                config["resize"] = 242  # ViT_L_16_Weights.IMAGENET1K_V1's preset
            kind = f"torchvision {args.arch or 'VisionTransformer'}"
        elif "patch_embed.proj.weight" in sd:
            dim = sd["patch_embed.proj.weight"].shape[0]
            heads = args.heads or {192: 3, 384: 6, 768: 12, 1024: 16, 1280: 16}.get(dim)
            if not heads:
                raise ConvertError(f"{source}: a timm ViT of width {dim}; give the number of heads with --heads")
            w, config = from_timm(sd, heads, source)
            kind = "timm " + ("DeiT (distilled)" if config["prefix"] == 2 else "ViT")
        elif any(k.endswith("embeddings.cls_token") for k in sd):
            raise ConvertError(f"{source}: Hugging Face weights; convert their folder (with config.json) instead")
        else:
            raise ConvertError(f"{source}: not a ViT state dict vitopo knows (torchvision, timm or Hugging Face)")
    if args.heads:
        config["heads"] = args.heads
    if args.mean or args.std:
        if not (args.mean and args.std):
            raise ConvertError("--mean and --std go together")
        config["mean"], config["std"] = args.mean, args.std
    conv = w["patch_embed.weight"]
    dim, channels, patch = conv.shape[0], conv.shape[1], conv.shape[2]
    if channels != 3:
        raise ConvertError(f"{source}: the patch embedding takes {channels} channels; vitopo's RGB models take 3")
    patches = w["positions"].shape[1] - config["prefix"]
    grid = int(round(math.sqrt(patches)))
    if grid * grid != patches:
        raise ConvertError(f"{source}: {patches} position embeddings after the prefix tokens do not form a square grid")
    if dim % config["heads"]:
        raise ConvertError(f"{source}: width {dim} is not a multiple of {config['heads']} heads")
    config.update({"dim": dim, "patch": patch, "grid": grid, "image": grid * patch,
                   "mlp_dim": w["blocks.0.fc1.weight"].shape[0], "classes": w["heads.0.weight"].shape[0]})
    labels = source_labels(args, hf, config["classes"])
    return w, config, labels, kind


def build(w, config):
    model = ContractViT(config)
    own = model.state_dict()
    missing = [k for k in own if k not in w and k not in ("mean", "std")]
    if missing:
        raise ConvertError(f"weights missing for {', '.join(missing[:5])}")
    with torch.no_grad():
        for k, v in w.items():
            if own[k].shape != v.shape:
                raise ConvertError(f"{k}: shape {tuple(v.shape)} in the source, {tuple(own[k].shape)} expected")
            own[k].copy_(v)
    return model.eval()


def metadata(config, labels, name, kind, source):
    grid, image = config["grid"], config["image"]
    prefix = config["prefix"]
    return {
        "schema": "vitopo.model/1",
        "id": re.sub(r"[^a-z0-9.]+", "-", source.lower()).strip("-") + "-vitopo",
        "name": name,
        "input": {"channels": 3, "height": image, "width": image, "range": [0, 1]},
        "patch": config["patch"],
        "grid": [grid, grid],
        "cls": True,
        "prefix_tokens": prefix,
        "tokens": prefix + grid * grid,
        "layers": config["layers"],
        "heads": config["heads"],
        "preprocessing": {
            "background": "none",
            "normalization": "inside",  # the graph computes (pixels - mean) / std
            "mean": config["mean"],
            "std": config["std"],
            # How the source was evaluated: the shorter side resized to `resize`, then a
            # centre crop to the input size; null: resized straight to the input size;
            # with PIL's `interpolation` filter. The page does the same (docs/contracts.md).
            "resize": config.get("resize"),
            "crop": image,
            "interpolation": config.get("interpolation", "bilinear"),
        },
        "labels": labels,
        "source": {"kind": kind, "name": source},
    }


SAMPLE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def samples(specs, classes):
    """The metadata's "samples" for --sample IMAGE[=CLASS] arguments."""
    out = []
    for spec in specs:
        path, label = spec, None
        head, sep, tail = spec.rpartition("=")
        if sep and tail.isdigit():
            path, label = head, int(tail)
            if label >= classes:
                raise ConvertError(f"--sample {spec}: class {label}, but the model has {classes} classes (0 to {classes - 1})")
        with open(path, "rb") as f:
            data = f.read()
        kind = next((t for magic, t in SAMPLE_TYPES.items() if data.startswith(magic)), None)
        if kind is None:
            raise ConvertError(f"--sample {path}: not a PNG or JPEG file")
        entry = {"name": os.path.splitext(os.path.basename(path))[0], "type": kind,
                 "data": base64.urlsafe_b64encode(data).rstrip(b"=").decode()}
        if label is not None:
            entry["label"] = label
        out.append(entry)
    return out


def export(model, config, meta, out):
    image = config["image"]
    example = torch.rand(1, 3, image, image)
    torch.onnx.export(model, (example,), out, opset_version=14, do_constant_folding=True,
                      input_names=["pixels"], output_names=["logits", "attentions"],
                      dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}, "attentions": {1: "batch"}})
    m = onnx.load(out)
    # The token axes of `attentions` come out symbolic (a Concat); they are static.
    dims = next(o for o in m.graph.output if o.name == "attentions").type.tensor_type.shape.dim
    for axis, value in ((0, config["layers"]), (2, config["heads"]), (3, meta["tokens"]), (4, meta["tokens"])):
        dims[axis].Clear()
        dims[axis].dim_value = value
    entry = m.metadata_props.add()
    entry.key, entry.value = "vitopo", json.dumps(meta)
    m.producer_name = "vitopo models/convert.py"
    onnx.checker.check_model(m)
    onnx.save(m, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source")
    p.add_argument("--out", required=True)
    p.add_argument("--labels")
    p.add_argument("--name")
    p.add_argument("--arch", choices=sorted(TORCHVISION_ARCHS))
    p.add_argument("--heads", type=int)
    p.add_argument("--mean", type=float, nargs=3)
    p.add_argument("--std", type=float, nargs=3)
    p.add_argument("--sample", action="append", default=[])
    args = p.parse_args(argv)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    try:
        w, config, labels, kind = load_source(args)
        source_name = os.path.basename(os.path.normpath(args.source))
        name = args.name or f"{source_name} ({kind}, {config['layers']} layers, {config['heads']} heads, " \
                            f"patch {config['patch']}, {config['image']}x{config['image']})"
        model = build(w, config)
        meta = metadata(config, labels, name, kind, source_name)
        if args.sample:
            meta["samples"] = samples(args.sample, config["classes"])
        export(model, config, meta, args.out)
    except (ConvertError, OSError) as e:
        print(f"convert.py: {e}", file=sys.stderr)
        return 2
    print(f"{args.out}: {os.path.getsize(args.out)} bytes; {meta['tokens']} tokens "
          f"({config['prefix']} prefix + {config['grid']}x{config['grid']}), {config['layers']} layers x "
          f"{config['heads']} heads, {config['classes']} classes; mean {config['mean']}, std {config['std']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
