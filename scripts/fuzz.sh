#!/usr/bin/env bash
# Longer fuzzing campaigns than the test command's 20 s per harness.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
#
# SECONDS per harness (default 600); HARNESS among npy share_link share_link_v2
# onnx_model ripser_input preprocess analysis_json (default: all, one after the other).
# Builds the fuzz preset, then runs each harness on its grown corpus in
# build-fuzz/corpus/<harness> (seeded from tests/fuzz/corpus/<harness>, kept
# between runs; the source tree is never written). Crashes, sanitizer reports
# and timeouts are saved in build-fuzz/artifacts/<harness>/ and listed at the
# end; the exit status is 1 when there is any.
# Replay one: build/fuzz/tests/fuzz/fuzz_<harness> build-fuzz/artifacts/<harness>/crash-…
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-600}"
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(npy share_link share_link_v2 onnx_model ripser_input preprocess analysis_json)
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2;; esac

cmake --preset fuzz >/dev/null || exit 1
targets=()
for h in "${harnesses[@]}"; do
  [ -f "tests/fuzz/${h}_fuzz.cpp" ] || { echo "fuzz.sh: no harness '$h' (tests/fuzz/${h}_fuzz.cpp)" >&2; exit 2; }
  targets+=("fuzz_$h")
done
nice cmake --build --preset fuzz --target "${targets[@]}" || exit 1

export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
status=0
for h in "${harnesses[@]}"; do
  corpus="build-fuzz/corpus/$h" artifacts="build-fuzz/artifacts/$h"
  mkdir -p "$corpus" "$artifacts"
  before=$(ls "$corpus" | wc -l)
  echo "=== $h: ${seconds} s, corpus $corpus ($before inputs)"
  # -fork=1 keeps going past a crash, so one campaign can find several.
  nice "build/fuzz/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "tests/fuzz/corpus/$h" 2>"build-fuzz/$h.log"
  echo "    corpus: $before -> $(ls "$corpus" | wc -l) inputs; log build-fuzz/$h.log"
done

echo "=== findings"
found=$(find build-fuzz/artifacts -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort)
if [ -n "$found" ]; then
  echo "$found"
  status=1
else
  echo "none"
fi
exit $status
