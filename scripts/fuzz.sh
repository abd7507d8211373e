#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, torch-free core only) and runs each for a fixed
# budget, seeded with the project's own valid files. Records executions and crashes per target in
# bench/results/fuzz.json; a crash input is kept under work/fuzz/<target>/crashes/ and fails the script.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [JOBS (default 1)]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
JOBS=${2:-1}
if ! command -v clang++ >/dev/null || ! compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null; then
  SUDO=$([[ $(id -u) -eq 0 ]] && echo "" || echo sudo)
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends clang libclang-rt-dev \
    || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends clang libclang-rt-14-dev
fi

BUILD=build-fuzz
mkdir -p work/fuzz
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DW2V2_CORE_ONLY=ON -DW2V2_FUZZ=ON -DW2V2_BUILD_TESTS=OFF \
  -DW2V2_SANITIZE=fuzzer-no-link,address,undefined >/dev/null
cmake --build "$BUILD" -j "$(nproc)"

# Seeds: valid inputs of each kind.
seed() {  # seed TARGET FILE...
  mkdir -p "work/fuzz/$1/corpus" "work/fuzz/$1/crashes"
  shift_target=$1; shift
  for f in "$@"; do [[ -f $f ]] && cp "$f" "work/fuzz/$shift_target/corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"; done
  return 0
}
# A small valid safetensors file (two F32 tensors) keeps executions fast; the fixtures add real headers.
python3 - <<'PY'
import json, struct
header = {"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
          "b": {"dtype": "F16", "shape": [3], "data_offsets": [16, 22]}, "__metadata__": {"format": "pt"}}
text = json.dumps(header).encode()
with open("work/fuzz/seed-small.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + bytes(22))
PY
seed fuzz_safetensors work/fuzz/seed-small.safetensors tests/fixtures/models/tiny-group-st/model.safetensors
seed fuzz_model_config tests/fixtures/models/*/config.json models/default/config.json models/default/preprocessor_config.json \
  ../shared/data/hf-configs/*/config.json
seed fuzz_vocabulary models/default/vocab.json ../shared/data/hf-configs/*/vocab.json
printf '{"audio_filepath": "a.wav", "text": "HELLO", "duration": 1.5}\n{"audio_filepath": "/x/b.flac"}\n' \
  > work/fuzz/seed-manifest.jsonl
seed fuzz_manifest work/fuzz/seed-manifest.jsonl

results="["
status=0
for target in fuzz_safetensors fuzz_model_config fuzz_vocabulary fuzz_manifest; do
  log=work/fuzz/$target/log.txt
  set +e
  "$BUILD/tests/fuzz/$target" "work/fuzz/$target/corpus" -max_total_time="$SECONDS_PER_TARGET" -jobs="$JOBS" \
    -workers="$JOBS" -print_final_stats=1 -artifact_prefix="work/fuzz/$target/crashes/" -rss_limit_mb=2048 -max_len=8192 \
    > "$log" 2>&1
  rc=$?
  set -e
  # With -jobs > 1 the stats are in fuzz-N.log files; sum what every worker reports.
  execs=$(cat "$log" fuzz-*.log 2>/dev/null | grep -o 'stat::number_of_executed_units: [0-9]*' | awk '{s += $2} END {print s + 0}')
  rm -f fuzz-*.log
  crashes=$(find "work/fuzz/$target/crashes" -type f | wc -l)
  echo "$target: $execs executions, $crashes crashes (exit $rc)" >&2
  [[ $crashes -eq 0 && $rc -eq 0 ]] || status=1
  results+="{\"target\": \"$target\", \"seconds\": $SECONDS_PER_TARGET, \"jobs\": $JOBS, \"executions\": $execs, \"crashes\": $crashes, \"exit_code\": $rc},"
done
mkdir -p bench/results
printf '{"date": "%s", "commit": "%s", "clang": "%s", "sanitizers": "address,undefined", "targets": %s]}\n' \
  "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD)" "$(clang++ --version | head -1)" "${results%,}" \
  > bench/results/fuzz.json
cat bench/results/fuzz.json
exit $status
