#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, torch-free core only) and runs each for a fixed
# budget, seeded with the project's own valid files. Records executions and crashes per target in
# bench/results/fuzz.json; a crash input is kept under work/fuzz/<target>/crashes/ and fails the script.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [JOBS (default 1)] [RUNS (default: no limit)]
#
# TARGETS="fuzz_audio ..." runs only those; bench/results/fuzz.json keeps the other targets' last results.
# LeakSanitizer ignores the third-party leaks listed in tests/fuzz/lsan.supp.
#
# With RUNS, each worker of a target stops after RUNS executions or SECONDS_PER_TARGET, whichever comes
# first (JOBS workers: JOBS x RUNS executions per target).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-60}
JOBS=${2:-1}
RUNS=${3:--1}
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

# The state-dict pickle and the whole torch.save archive: the fixture checkpoints, their data.pkl, and
# small hostile ones (nesting past the 64-level bound, a memo cycle, stride-0 views, a deflated storage).
python3 - <<'PY'
import os, struct, zipfile, zlib
os.makedirs("work/fuzz/seed-pickles", exist_ok=True)
os.makedirs("work/fuzz/seed-archives", exist_ok=True)
for model in ("tiny-group-bin", "tiny-layer-bin"):
    path = "tests/fixtures/models/%s/pytorch_model.bin" % model
    if os.path.exists(path):
        with zipfile.ZipFile(path) as z:
            name = next(n for n in z.namelist() if n.endswith("/data.pkl"))
            open("work/fuzz/seed-pickles/%s.pkl" % model, "wb").write(z.read(name))
def i64(v): return b"\x8a\x08" + struct.pack("<q", v)
def text(s): return b"X" + struct.pack("<I", len(s)) + s.encode()
def tensor(name, key, numel, offset, size, stride, kind="HalfStorage"):
    return (text(name) + b"ctorch._utils\n_rebuild_tensor_v2\n((" + text("storage") + b"ctorch\n" + kind.encode() +
            b"\n" + text(key) + text("cpu") + i64(numel) + b"tQ" + i64(offset) + b"(" + b"".join(map(i64, size)) +
            b"t(" + b"".join(map(i64, stride)) + b"t\x89ccollections\nOrderedDict\n)RtR")
def state_dict(*tensors): return b"\x80\x02ccollections\nOrderedDict\n)R(" + b"".join(tensors) + b"u."
small = state_dict(tensor("w", "0", 6, 0, [2, 3], [3, 1]), tensor("t", "0", 6, 0, [3, 2], [1, 3]),
                   tensor("e", "1", 1, 0, [4096], [0], "FloatStorage"))
pickles = {
    "small.pkl": small,
    "deep-tuples.pkl": b"\x80\x02)" + b"\x85" * 100 + b".",
    "deep-lists.pkl": b"\x80\x02" + b"]" * 80 + b"a" * 79 + b".",
    "memo-cycle.pkl": b"\x80\x02]q\x00" + b"h\x00a" * 70 + b".",
    "protocol4.pkl": b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s.",
}
for name, data in pickles.items():
    open("work/fuzz/seed-pickles/" + name, "wb").write(data)
def archive(path, members, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", method) as z:
        for name, data in members:
            z.writestr("archive/" + name, data)
archive("work/fuzz/seed-archives/small.bin", [("data.pkl", small), ("version", b"3\n"), ("data/0", bytes(12)),
                                               ("data/1", bytes(4))])
archive("work/fuzz/seed-archives/deflated.bin", [("data.pkl", small), ("version", b"3\n"), ("data/0", bytes(12)),
                                                  ("data/1", bytes(4))], zipfile.ZIP_DEFLATED)
archive("work/fuzz/seed-archives/deep.bin", [("data.pkl", pickles["deep-tuples.pkl"]), ("version", b"3\n")])
PY
seed fuzz_state_dict_pickle work/fuzz/seed-pickles/*
seed fuzz_torch_archive work/fuzz/seed-archives/* tests/fixtures/models/*-bin/pytorch_model.bin
# Language models: ARPA text (irstlm's layout, plain and gzip'ed) and its .w2lm form.
mkdir -p work/fuzz/seed-lm
cp tests/fixtures/lm/tiny.arpa work/fuzz/seed-lm/tiny.arpa
gzip -9 -c tests/fixtures/lm/tiny.arpa > work/fuzz/seed-lm/tiny.arpa.gz
seed fuzz_arpa work/fuzz/seed-lm/tiny.arpa work/fuzz/seed-lm/tiny.arpa.gz
printf '\x01\x10\x00\x03' > work/fuzz/seed-lm/patches.bin  # odd first byte: patches to a valid image
seed fuzz_w2lm tests/fixtures/lm/tiny.w2lm work/fuzz/seed-lm/patches.bin

# Audio: small files of each kind libsndfile and FFmpeg read (0.3 s of a tone, so executions stay fast).
mkdir -p work/fuzz/seed-audio
if command -v ffmpeg >/dev/null; then
  for spec in "wav pcm_s16le" "flac flac" "ogg libvorbis" "mp3 libmp3lame" "m4a aac" "webm libopus" "mkv flac" \
              "mov pcm_s24le" "ac3 ac3" "wma wmav2"; do
    set -- $spec
    ffmpeg -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=300:sample_rate=16000:duration=0.3" \
      -c:a "$2" "work/fuzz/seed-audio/tone.$1"
  done
fi
seed fuzz_audio work/fuzz/seed-audio/* tests/fixtures/audio/*.wav

ALL_TARGETS="fuzz_safetensors fuzz_model_config fuzz_vocabulary fuzz_manifest fuzz_state_dict_pickle fuzz_torch_archive
             fuzz_arpa fuzz_w2lm fuzz_audio"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
results="["
status=0
for target in ${TARGETS:-$ALL_TARGETS}; do
  log=work/fuzz/$target/log.txt
  # Crash inputs of earlier runs go aside, so that this run counts only its own.
  if compgen -G "work/fuzz/$target/crashes/*" >/dev/null; then
    mkdir -p "work/fuzz/$target/crashes-earlier" && mv "work/fuzz/$target/crashes/"* "work/fuzz/$target/crashes-earlier/"
  fi
  max_len=8192
  [[ $target == fuzz_torch_archive ]] && max_len=131072  # the fixture checkpoints are about 110 KB
  [[ $target == fuzz_audio ]] && max_len=65536
  set +e
  "$BUILD/tests/fuzz/$target" "work/fuzz/$target/corpus" -max_total_time="$SECONDS_PER_TARGET" -jobs="$JOBS" \
    -workers="$JOBS" -print_final_stats=1 -artifact_prefix="work/fuzz/$target/crashes/" -rss_limit_mb=2048 -max_len="$max_len" -runs="$RUNS" \
    > "$log" 2>&1
  rc=$?
  set -e
  # libFuzzer copies each worker's log (fuzz-N.log, with its final stats) into its own output when the worker
  # exits: sum what the workers report there once (adding the fuzz-N.log files too counted everything twice).
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
  rm -f fuzz-*.log
  crashes=$(find "work/fuzz/$target/crashes" -type f | wc -l)
  echo "$target: $execs executions, $crashes crashes (exit $rc)" >&2
  [[ $crashes -eq 0 && $rc -eq 0 ]] || status=1
  results+="{\"target\": \"$target\", \"seconds\": $SECONDS_PER_TARGET, \"jobs\": $JOBS, \"max_runs\": $RUNS, \"executions\": $execs, \"crashes\": $crashes, \"exit_code\": $rc},"
done
mkdir -p bench/results
printf '{"date": "%s", "commit": "%s", "clang": "%s", "sanitizers": "address,undefined", "targets": %s]}\n' \
  "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD)" "$(clang++ --version | head -1)" "${results%,}" \
  > work/fuzz/run.json
# Merge: this run's targets replace their entries; the others keep theirs (each entry carries its run's date and
# commit).
python3 - work/fuzz/run.json bench/results/fuzz.json <<'PY'
import json, os, sys
run = json.load(open(sys.argv[1]))
for t in run["targets"]:
    t["date"], t["commit"] = run["date"], run["commit"]
old = json.load(open(sys.argv[2])) if os.path.exists(sys.argv[2]) else {"targets": []}
for t in old["targets"]:
    t.setdefault("date", old.get("date"))
    t.setdefault("commit", old.get("commit"))
names = {t["target"] for t in run["targets"]}
run["targets"] = [t for t in old["targets"] if t["target"] not in names] + run["targets"]
json.dump(run, open(sys.argv[2], "w"))
open(sys.argv[2], "a").write("\n")
PY
cat bench/results/fuzz.json
exit $status
