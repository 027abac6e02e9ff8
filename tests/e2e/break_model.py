#!/usr/bin/python3
"""Writes variants of a vitopo model that break the model contract (docs/contracts.md),
for the page's bad-input test:

    /usr/bin/python3 break_model.py MODEL.onnx OUT_DIR

  no-attentions.onnx   the `attentions` output removed from the graph
"""
import os
import sys

import onnx


def main():
    source, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    model = onnx.load(source)
    outputs = [o for o in model.graph.output if o.name != "attentions"]
    assert len(outputs) == len(model.graph.output) - 1, "the model has an `attentions` output"
    del model.graph.output[:]
    model.graph.output.extend(outputs)
    onnx.save(model, os.path.join(out, "no-attentions.onnx"))


if __name__ == "__main__":
    main()
