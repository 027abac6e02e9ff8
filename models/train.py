#!/usr/bin/python3
"""Train vitopo's default model, a small ViT, on Fashion-MNIST (CPU, one thread).

    /usr/bin/python3 models/train.py [--epochs N] [--resume]

Reads Debian's dataset-fashion-mnist IDX files, trains with fixed seeds, light
augmentation (random 2-pixel shifts and horizontal flips), AdamW and a cosine
schedule with linear warm-up. After every epoch it evaluates on the 10 000 test
images, writes a checkpoint (so a partial run is usable, and --resume continues
it) and rewrites models/training_record.json with the config, the per-epoch
accuracy and the time spent.
"""
import argparse
import gzip
import json
import math
import os
import platform
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vit import ViT, LABELS, FMNIST_MEAN, FMNIST_STD  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATASET = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """IDX format (LeCun et al.): magic, big-endian dimension sizes, then uint8 data."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, f"{path}: not an unsigned-byte IDX file"
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_split(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{DATASET}/{prefix}-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATASET}/{prefix}-labels-idx1-ubyte.gz")
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # [N, 1, 28, 28]
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def augment(x, generator, shift):
    """Random translation by up to `shift` pixels (zero padding = background) and
    random horizontal flip: clothes are left-right symmetric in the dataset's sense."""
    b = x.shape[0]
    padded = F.pad(x, (shift, shift, shift, shift))
    offsets = torch.randint(0, 2 * shift + 1, (b, 2), generator=generator)
    out = torch.empty_like(x)
    for i in range(b):
        dy, dx = int(offsets[i, 0]), int(offsets[i, 1])
        out[i] = padded[i, :, dy:dy + 28, dx:dx + 28]
    flip = torch.rand(b, generator=generator) < 0.5
    out[flip] = out[flip].flip(-1)
    return out


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, len(x), batch):
        logits, _ = model(x[i:i + batch])
        correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=16)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--warmup-epochs", type=float, default=1.0)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--shift", type=int, default=2)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--mlp-dim", type=int, default=128)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoints", default=os.path.join(HERE, "..", "build", "model-training"),
                   help="checkpoint folder (git-ignored build/ by default)")
    p.add_argument("--record", default=os.path.join(HERE, "training_record.json"))
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    p.add_argument("--stop-after", type=int, default=0, help="stop after this many epochs (a resumable partial run)")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (speed check)")
    args = p.parse_args()

    # One thread: the machine is shared; OpenBLAS (libopenblas0-serial) makes it fast enough.
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    x_train, y_train = load_split("train")
    x_test, y_test = load_split("test")
    mean, std = x_train.mean().item(), x_train.std().item()
    assert abs(mean - FMNIST_MEAN) < 5e-4 and abs(std - FMNIST_STD) < 5e-4, (mean, std)

    model = ViT(image=28, channels=1, patch=args.patch, dim=args.dim, depth=args.depth,
                heads=args.heads, mlp_dim=args.mlp_dim, classes=len(LABELS))
    params = sum(p.numel() for p in model.parameters())
    # No weight decay on biases, norms, CLS and positions (common ViT practice).
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2 and "positions" not in n and "cls" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim >= 2 and "positions" not in n and "cls" not in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps_per_epoch = math.ceil(len(x_train) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    warmup_steps = int(args.warmup_epochs * steps_per_epoch)

    def learning_rate(step):
        if step < warmup_steps:
            return args.lr * (step + 1) / warmup_steps
        progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        return args.lr * 0.5 * (1 + math.cos(math.pi * progress))

    os.makedirs(args.checkpoints, exist_ok=True)
    ckpt_path = os.path.join(args.checkpoints, "last.pt")
    record = {
        "config": {k: v for k, v in vars(args).items() if k not in ("checkpoints", "record", "resume", "max_steps", "stop_after")},
        "model": {"image": 28, "channels": 1, "tokens": model.tokens, "grid": [model.grid, model.grid],
                  "parameters": params},
        "data": {"dataset": "Fashion-MNIST (Debian dataset-fashion-mnist)", "train": len(x_train),
                 "test": len(x_test), "pixel_mean": mean, "pixel_std": std},
        "machine": {"torch": torch.__version__, "threads": torch.get_num_threads(),
                    "python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        "epochs": [],
        "train_seconds": 0.0,
    }
    start_epoch = 0
    if args.resume and os.path.exists(ckpt_path):
        state = torch.load(ckpt_path)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        record = state["record"]
        start_epoch = state["epoch"] + 1
        if record["config"]["epochs"] != args.epochs:
            # The cosine schedule is recomputed for the new length from here on.
            record.setdefault("schedule_changes", []).append(
                {"after_epoch": start_epoch, "epochs_before": record["config"]["epochs"], "epochs_after": args.epochs})
            record["config"]["epochs"] = args.epochs
        print(f"resuming after epoch {start_epoch}", flush=True)

    print(f"ViT dim {args.dim} depth {args.depth} heads {args.heads} patch {args.patch}: "
          f"{params} parameters, {steps_per_epoch} steps/epoch, {args.epochs} epochs", flush=True)
    step = start_epoch * steps_per_epoch
    for epoch in range(start_epoch, args.epochs):
        t0 = time.time()
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        loss_sum, seen = 0.0, 0
        for i in range(0, len(x_train), args.batch):
            idx = order[i:i + args.batch]
            xb = augment(x_train[idx], generator, args.shift)
            yb = y_train[idx]
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step)
            logits, _ = model(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=args.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
            step += 1
            if args.max_steps and step >= args.max_steps:
                print(f"{step} steps in {time.time() - t0:.1f} s", flush=True)
                return
        train_seconds = time.time() - t0
        accuracy = evaluate(model, x_test, y_test)
        record["train_seconds"] += train_seconds
        record["epochs"].append({"epoch": epoch + 1, "loss": loss_sum / seen, "test_accuracy": accuracy,
                                 "seconds": round(train_seconds, 1)})
        record["test_accuracy"] = accuracy
        record["epochs_done"] = epoch + 1
        print(f"epoch {epoch + 1}/{args.epochs}  loss {loss_sum / seen:.4f}  test accuracy {accuracy:.4f}  "
              f"{train_seconds:.0f} s", flush=True)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "generator": generator.get_state(), "torch_rng": torch.get_rng_state(),
                    "epoch": epoch, "record": record}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
        with open(args.record, "w") as f:
            json.dump(record, f, indent=2)
            f.write("\n")
        if args.stop_after and epoch + 1 >= args.stop_after:
            break


if __name__ == "__main__":
    main()
