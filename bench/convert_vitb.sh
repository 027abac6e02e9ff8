#!/usr/bin/env bash
# models/convert.py at ViT-B/16 size (issue 14), not a test: random weights,
# 224 x 224, 12 layers x 12 heads, 197 tokens, 1000 classes. The torchvision and
# Hugging Face layouts, converted and run in onnxruntime-web under node, against
# torchvision's VisionTransformer: logits to 1e-4 relative, every layer's attention
# to 1e-5 (tests/model/convert_test.py --size vit-b; the small size is ctest's
# model_convert). Needs about 3 GB of memory and a few minutes on two cores.
#
# usage: bench/convert_vitb.sh
# Builds the CLI in build/native (for `vitopo model`); files go to build/convert-vitb/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/build.sh"
build_cli
start=$(date +%s)
/usr/bin/python3 "$root/tests/model/convert_test.py" "$root/build/native/src/cli/vitopo" "$root/build/convert-vitb" \
  --size vit-b
ls -l "$root/build/convert-vitb/"*.onnx
echo "($(( $(date +%s) - start )) s)"
