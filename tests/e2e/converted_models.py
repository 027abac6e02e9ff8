"""Models for the end-to-end tests, converted at test time with models/convert.py
from random weights (nothing here is committed):

    converted_models.py vit OUT.onnx    a torchvision VisionTransformer state dict:
                                        224 x 224, patch 16 (14 x 14 patches + CLS =
                                        197 tokens), 12 layers x 12 heads, width 48
    converted_models.py deit OUT.onnx   a Hugging Face DeiT folder (CLS and a
                                        distillation token before the patches):
                                        32 x 32, patch 8 (4 x 4 patches + 2 = 18
                                        tokens), 2 layers x 2 heads; no
                                        preprocessor_config.json, so the page
                                        resizes an image straight to 32 x 32; it
                                        carries two samples (--sample): "red square"
                                        (a PNG, class 1) and "blue disc" (a JPEG)
    converted_models.py vitb OUT.onnx   torchvision's vit_b_16 (ViT-B/16: width 768, 12 x 12
                                        heads, 197 tokens, 1000 classes, about 350 MB), for
                                        bench/stream_bench.sh, not for a test

The source files go next to OUT.onnx.
"""
import json
import os
import subprocess
import sys

import torch
from torchvision.models.vision_transformer import VisionTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONVERT = os.path.join(ROOT, "models", "convert.py")


def convert(source, out, *options):
    subprocess.run(["/usr/bin/python3", CONVERT, source, "--out", out, *options], check=True)


def vit(out):
    torch.manual_seed(14)
    model = VisionTransformer(image_size=224, patch_size=16, num_layers=12, num_heads=12, hidden_dim=48,
                              mlp_dim=96, num_classes=5)
    with torch.no_grad():  # attention with some structure, not uniform
        model.class_token.normal_(0, 0.5)
        model.encoder.pos_embedding.normal_(0, 0.5)
    source = out[:-len(".onnx")] + ".pth"
    torch.save(model.state_dict(), source)
    convert(source, out, "--heads", "12", "--name", "test ViT 197 tokens")


def vitb(out):
    from torchvision.models import vit_b_16
    torch.manual_seed(16)
    source = out[:-len(".onnx")] + ".pth"
    torch.save(vit_b_16().state_dict(), source)
    convert(source, out, "--arch", "vit_b_16", "--name", "random ViT-B/16")


def deit(out):
    g = torch.Generator().manual_seed(15)
    d, layers, heads, grid, patch, classes = 16, 2, 2, 4, 8, 3
    r = lambda *shape: torch.randn(*shape, generator=g) * 0.5  # noqa: E731
    w = {"deit.embeddings.cls_token": r(1, 1, d), "deit.embeddings.distillation_token": r(1, 1, d),
         "deit.embeddings.position_embeddings": r(1, 2 + grid * grid, d),
         "deit.embeddings.patch_embeddings.projection.weight": r(d, 3, patch, patch),
         "deit.embeddings.patch_embeddings.projection.bias": r(d),
         "deit.layernorm.weight": 1 + 0.1 * r(d), "deit.layernorm.bias": r(d),
         "cls_classifier.weight": r(classes, d), "cls_classifier.bias": r(classes),
         "distillation_classifier.weight": r(classes, d), "distillation_classifier.bias": r(classes)}
    for i in range(layers):
        p = f"deit.encoder.layer.{i}."
        for n in ("query", "key", "value"):
            w[f"{p}attention.attention.{n}.weight"], w[f"{p}attention.attention.{n}.bias"] = r(d, d), r(d)
        w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"] = r(d, d), r(d)
        w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"] = r(2 * d, d), r(2 * d)
        w[p + "output.dense.weight"], w[p + "output.dense.bias"] = r(d, 2 * d), r(d)
        for n in ("layernorm_before", "layernorm_after"):
            w[f"{p}{n}.weight"], w[f"{p}{n}.bias"] = 1 + 0.1 * r(d), r(d)
    folder = out[:-len(".onnx")] + "-hf"
    os.makedirs(folder, exist_ok=True)
    labels = [f"kind {k}" for k in range(classes)]
    config = {"architectures": ["DeiTForImageClassificationWithTeacher"], "model_type": "deit", "hidden_size": d,
              "num_hidden_layers": layers, "num_attention_heads": heads, "intermediate_size": 2 * d,
              "hidden_act": "gelu", "layer_norm_eps": 1e-12, "image_size": grid * patch, "patch_size": patch,
              "num_channels": 3, "id2label": {str(k): v for k, v in enumerate(labels)},
              "label2id": {v: k for k, v in enumerate(labels)}}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    torch.save(w, os.path.join(folder, "pytorch_model.bin"))
    from PIL import Image, ImageDraw
    square = Image.new("RGB", (40, 36), (30, 30, 30))
    ImageDraw.Draw(square).rectangle((8, 6, 28, 26), fill=(220, 40, 40))
    disc = Image.new("RGB", (32, 32), (240, 240, 240))
    ImageDraw.Draw(disc).ellipse((4, 4, 27, 27), fill=(40, 60, 220))
    square.save(os.path.join(folder, "red square.png"))
    disc.save(os.path.join(folder, "blue disc.jpg"), quality=90)
    convert(folder, out, "--name", "test DeiT 2 prefix tokens",
            "--sample", os.path.join(folder, "red square.png") + "=1", "--sample", os.path.join(folder, "blue disc.jpg"))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("vit", "deit", "vitb"):
        sys.exit(__doc__)
    {"vit": vit, "deit": deit, "vitb": vitb}[sys.argv[1]](sys.argv[2])
