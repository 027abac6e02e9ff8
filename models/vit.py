"""The default vitopo model: a small Vision Transformer whose layers are written
out so that every layer returns its attention probabilities.

Shared by train.py and export.py, so the exported graph is exactly the trained one;
export_contract_onnx writes the small test and benchmark models built from it.
Architecture after Dosovitskiy et al., "An Image is Worth 16x16 Words" (ICLR 2021),
with pre-norm blocks (LayerNorm before attention and before the MLP).
"""
import math

import torch
from torch import nn

# Fashion-MNIST training-set pixel statistics in [0, 1] (computed by train.py
# and checked there); the model normalises its own input with them, so the
# contract's input is plain [0, 1] pixels.
FMNIST_MEAN = 0.2860
FMNIST_STD = 0.3530

LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class Attention(nn.Module):
    """Multi-head self-attention that returns A = softmax(QK^T / sqrt(d))."""

    def __init__(self, dim, heads):
        super().__init__()
        assert dim % heads == 0
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(x).reshape(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                      # [B, heads, T, head_dim]
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        attention = scores.softmax(dim=-1)                    # [B, heads, T, T], rows sum to 1
        out = (attention @ v).transpose(1, 2).reshape(b, t, d)
        return self.proj(out), attention


class Block(nn.Module):
    """Pre-norm transformer block: x + Attn(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, dim, heads, mlp_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_dim), nn.GELU(), nn.Linear(mlp_dim, dim))

    def forward(self, x):
        a, attention = self.attn(self.norm1(x))
        x = x + a
        x = x + self.mlp(self.norm2(x))
        return x, attention


class ViT(nn.Module):
    def __init__(self, image=28, channels=1, patch=4, dim=64, depth=4, heads=4,
                 mlp_dim=128, classes=10):
        super().__init__()
        assert image % patch == 0
        self.grid = image // patch
        self.tokens = self.grid * self.grid + 1
        # A stride-`patch` convolution is the linear patch embedding of each
        # non-overlapping patch, tokens in row-major (r, c) order.
        self.patch_embed = nn.Conv2d(channels, dim, kernel_size=patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.positions = nn.Parameter(torch.randn(1, self.tokens, dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_dim) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, classes))

    def forward(self, pixels):
        """pixels: [B, 1, 28, 28] in [0, 1]. Returns logits [B, K] and
        attentions [L, B, heads, T, T] (token 0 is CLS, patch (r, c) is 1 + r*cols + c)."""
        x = (pixels - FMNIST_MEAN) / FMNIST_STD
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # [B, grid*grid, dim]
        cls = self.cls.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.positions
        attentions = []
        for block in self.blocks:
            x, attention = block(x)
            attentions.append(attention)
        logits = self.head(self.norm(x[:, 0]))
        return logits, torch.stack(attentions, dim=0)


def load_checkpoint(path):
    """The ViT that a train.py or finetune.py checkpoint holds, and its training record."""
    state = torch.load(path)
    cfg = state["record"]["config"]
    model = ViT(image=28, channels=1, patch=cfg["patch"], dim=cfg["dim"], depth=cfg["depth"],
                heads=cfg["heads"], mlp_dim=cfg["mlp_dim"], classes=len(LABELS))
    model.load_state_dict(state["model"])
    return model, state["record"]


def export_contract_onnx(model, out, meta):
    """Writes `model` (a ViT of this file, in eval mode) to `out` as ONNX in the
    model contract's form: input "pixels", outputs "logits" and "attentions",
    the batch axes dynamic, and `meta` as the "vitopo" metadata entry. For the
    test and benchmark models; export.py writes the default model itself."""
    import json

    import onnx

    side = model.grid * model.patch_embed.kernel_size[0]
    example = torch.rand(1, model.patch_embed.in_channels, side, side)
    torch.onnx.export(model, (example,), out, opset_version=14, input_names=["pixels"],
                      output_names=["logits", "attentions"],
                      dynamic_axes={"pixels": {0: "batch"}, "logits": {0: "batch"}, "attentions": {1: "batch"}})
    m = onnx.load(out)
    entry = m.metadata_props.add()
    entry.key = "vitopo"
    entry.value = json.dumps(meta)
    onnx.save(m, out)
