#!/usr/bin/python3
"""Second phase of the default model's training: a short fine-tune on the clean data.

    /usr/bin/python3 models/finetune.py [--checkpoint build/model-training/last.pt]

train.py's augmentation (shifts, flips) and label smoothing leave the small ViT
under-fitted after its 14 epochs (87.3% on the test set, train loss well above
its floor). Four more epochs on the unaugmented training set, with hard labels,
a fresh AdamW and a cosine decay from 5e-4, close that gap. The phase is
deterministic (one thread, its own seeds), reads train.py's last checkpoint and
writes build/model-training/finetuned.pt in the same format, which export.py
takes with --checkpoint. It appends its epochs to models/training_record.json.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vit import load_checkpoint  # noqa: E402
from train import load_split, evaluate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", default=os.path.join(ROOT, "build", "model-training", "last.pt"))
    p.add_argument("--out", default=os.path.join(ROOT, "build", "model-training", "finetuned.pt"))
    p.add_argument("--record", default=os.path.join(HERE, "training_record.json"))
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--weight-decay", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    model, record = load_checkpoint(args.checkpoint)
    cfg = record["config"]

    x_train, y_train = load_split("train")
    x_test, y_test = load_split("test")
    start_accuracy = evaluate(model, x_test, y_test)
    print(f"fine-tune from {args.checkpoint}: test accuracy {start_accuracy:.4f}", flush=True)

    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    total_steps = math.ceil(len(x_train) / args.batch) * args.epochs
    phase = {"config": {k: v for k, v in vars(args).items() if k not in ("checkpoint", "out", "record")},
             "start_test_accuracy": start_accuracy, "augmentation": "none", "label_smoothing": 0.0,
             "epochs": []}
    step = 0
    for epoch in range(args.epochs):
        t0 = time.time()
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        loss_sum = 0.0
        for i in range(0, len(x_train), args.batch):
            idx = order[i:i + args.batch]
            for group in optimizer.param_groups:
                group["lr"] = args.lr * 0.5 * (1 + math.cos(math.pi * step / total_steps))
            logits, _ = model(x_train[idx])
            loss = F.cross_entropy(logits, y_train[idx])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            loss_sum += loss.item() * len(idx)
            step += 1
        seconds = time.time() - t0
        accuracy = evaluate(model, x_test, y_test)
        phase["epochs"].append({"epoch": epoch + 1, "loss": loss_sum / len(x_train),
                                "test_accuracy": accuracy, "seconds": round(seconds, 1)})
        print(f"fine-tune epoch {epoch + 1}/{args.epochs}  loss {loss_sum / len(x_train):.4f}  "
              f"test accuracy {accuracy:.4f}  {seconds:.0f} s", flush=True)

    record["finetune"] = phase
    record["train_seconds"] += sum(e["seconds"] for e in phase["epochs"])
    record["epochs_done"] = cfg["epochs"] + args.epochs
    record["test_accuracy"] = phase["epochs"][-1]["test_accuracy"]
    torch.save({"model": model.state_dict(), "record": record, "epoch": record["epochs_done"] - 1}, args.out)
    with open(args.record, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
