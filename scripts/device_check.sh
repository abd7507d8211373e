#!/usr/bin/env bash
# The CUDA checks, in one short run on a GPU machine that has pip torch (with CUDA) but nothing else we need:
# builds w2v2 against that LibTorch with the Debian dependencies carried in .devdeps (scripts/make_device_deps.sh),
# runs the engine, pipeline and precision tests, benchmarks a wav2vec2-base-shaped model with random weights on
# 60 synthetic files of 2-20 s (pipeline on/off, CUDA graphs on/off), checks that pipeline on and off write the
# same transcripts, runs --check-padding, and renders the timeline. Then issue 18's measurements: every
# precision (fp32, tf32, bf16, fp16) x batch sizes 16-128 (the batch-size curve; graphs off and on), the Python
# baseline (scripts/bench_baseline.py: Hugging Face or torchaudio, padded batches of 16) in fp32, fp16 and bf16
# on the same files, lv60-large in fp32 and bf16, and the default model's WER, demo transcripts and logits per
# precision against fp32; scripts/precision_summary.py checks the targets. Everything lands in $OUT (default
# /tmp/w2v2-device). Each phase is time-boxed and the script goes on after a failure, so one run tells all.
#   scripts/device_check.sh
#   DEVICE=cpu COUNT=4 PREBUILT=build PYTHON=/usr/bin/python3 scripts/device_check.sh
#       a dry run without a GPU, with this build (fp32 and bf16 only, small batches)
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/w2v2-device}
LOGS=/tmp/w2v2-device-logs  # everything; the few files worth keeping are copied to $OUT at the end
RES=$LOGS/results           # issue 18's result files: packed into $OUT/results.tar.gz (8 files come back at most)
rm -rf "$RES"; mkdir -p "$OUT" "$LOGS" "$RES"
DEPS=$PWD/.devdeps/root
ARCH_LIB=$DEPS/usr/lib/x86_64-linux-gnu
HF_ROOT=$PWD/.devdeps/hf
[ -d "$HF_ROOT" ] || HF_ROOT=../shared/data/hf-configs  # a dry run here
HF=$HF_ROOT/wav2vec2-base-960h
BUILD=build-cuda
DEVICE=${DEVICE:-cuda}  # DEVICE=cpu COUNT=4: a dry run of this script on a machine without a GPU
PREBUILT=${PREBUILT:-}  # a finished build folder to use instead of building (a dry run: PREBUILT=build)
PYTHON=${PYTHON:-python3}  # the Python with torch (here: PYTHON=/usr/bin/python3)
COUNT=${COUNT:-60}
if [ "$DEVICE" = cpu ]; then
  PRECISIONS=${PRECISIONS:-fp32,bf16} BATCHES=${BATCHES:-1,4} DTYPES=${DTYPES:-fp32 bf16} BASE_BATCH=${BASE_BATCH:-4}
else
  PRECISIONS=${PRECISIONS:-fp32,tf32,bf16,fp16} BATCHES=${BATCHES:-16,32,64,128} DTYPES=${DTYPES:-fp32 fp16 bf16}
  BASE_BATCH=${BASE_BATCH:-16}
fi
PCOUNT=${PCOUNT:-$([ "$DEVICE" = cpu ] && echo 8 || echo 320)}  # files for the precision x batch curve
# Phases to run (the build always runs): pipeline = the fp32 pipeline/graph/trace checks of the first GPU runs.
PHASES=${PHASES:-tests,precisions,baseline,accuracy,large}
DEADLINE=${DEADLINE:-570}  # seconds since the start: a phase that would begin later is skipped (and reported)
STATUS=0
phase() { echo; echo "=== $(date +%T) [${SECONDS} s] $*"; }
fail() { echo "FAILED: $*"; STATUS=1; }
want() {  # phase name: selected and still time for it?
  [[ ",$PHASES," == *",$1,"* ]] || return 1
  (( SECONDS < DEADLINE )) || { fail "no time left for phase $1 (${SECONDS} s used of ${DEADLINE})"; return 1; }
}
tmo() { local left=$((DEADLINE + 25 - SECONDS)); (( left < 15 )) && left=15; echo $(( $1 < left ? $1 : left )); }
pack() {  # after each phase, so that a run stopped later still brings back what it measured
  cp "$LOGS"/*.log "$LOGS"/*.txt "$RES/" 2>/dev/null
  tar czf "$OUT/results.tar.gz" -C "$RES" . 2>/dev/null
  cp "$LOGS/tests-torch.txt" "$RES/bench-precisions.json" "$RES/precision-summary.json" "$OUT/" 2>/dev/null
  return 0
}

phase environment
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "no nvidia-smi"
  head -2 /etc/os-release; g++ --version | head -1; cmake --version | head -1; nproc
  "$PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'
  for m in transformers torchaudio soundfile numpy; do
    "$PYTHON" -c "import $m; print('$m', $m.__version__)" 2>/dev/null || echo "$m: not installed"
  done
} 2>&1 | tee "$LOGS/environment.txt"
if [ -n "$PREBUILT" ]; then
  BUILD=$PREBUILT
  echo "using the build in $BUILD"
else
  [ -d "$DEPS" ] || { echo "no .devdeps: run scripts/make_device_deps.sh and carry .devdeps"; exit 2; }
  SITE=$("$PYTHON" -c 'import site; print(site.getsitepackages()[0])')
  TORCH_PREFIX=$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  # The linker and the loader find the carried libraries and pip's CUDA libraries (libtorch_cuda's needs).
  NV_LIBS=$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')
  export LD_LIBRARY_PATH="$ARCH_LIB:$SITE/torch/lib:$NV_LIBS${LD_LIBRARY_PATH:-}"

  phase build
  NVCC=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  timeout 420 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$DEPS/usr" -DCMAKE_LIBRARY_PATH="$ARCH_LIB" -DCMAKE_INCLUDE_PATH="$DEPS/usr/include" \
    -Dspdlog_DIR="$ARCH_LIB/cmake/spdlog" -Dfmt_DIR="$ARCH_LIB/cmake/fmt" -DGTest_DIR="$ARCH_LIB/cmake/GTest" \
    -DCLI11_DIR="$DEPS/usr/share/cmake/CLI11" -Dnlohmann_json_DIR="$DEPS/usr/share/cmake/nlohmann_json" \
    -DCMAKE_CUDA_COMPILER="$NVCC" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$NVCC")")" \
    -DTORCH_CUDA_ARCH_LIST=9.0 -DCAFFE2_USE_CUDNN=ON > "$LOGS/cmake.log" 2>&1 || { tail -40 "$LOGS/cmake.log"; fail cmake; }
  grep -E "w2v2:|CUDA" "$LOGS/cmake.log" | head -5
  timeout 480 ninja -k 0 -C "$BUILD" w2v2 w2v2_torch_tests w2v2_core_tests > "$LOGS/build.log" 2>&1 \
    || { grep -E "error|Error" "$LOGS/build.log" | head -30; tail -20 "$LOGS/build.log"; fail build
         cp "$LOGS/build.log" "$OUT/"; pack; exit 1; }
  tail -1 "$LOGS/build.log"
fi
W2V2=$BUILD/w2v2

if want tests; then
  phase tests
  timeout "$(tmo 240)" "$BUILD/tests/w2v2_torch_tests" \
    --gtest_filter='*CudaEngine.*:DeviceNames.*:CpuEngine.*:*ModelParity*:*ReducedPrecision*' > "$LOGS/tests-torch.txt" 2>&1
  grep -E "FAILED|PASSED|SKIPPED \]|ran\.|Failure|Expected|Which is|actual|error" "$LOGS/tests-torch.txt" \
    | grep -vE "^\[  SKIPPED \] [A-Za-z]" | head -60
  grep -q "PASSED" "$LOGS/tests-torch.txt" && ! grep -q "FAILED" "$LOGS/tests-torch.txt" || fail "torch tests"
  timeout "$(tmo 120)" "$BUILD/tests/w2v2_core_tests" --gtest_filter='TranscriptionPipeline.*:BoundedQueue.*' \
    > "$LOGS/tests-core.txt" 2>&1 || fail "core tests"
  tail -3 "$LOGS/tests-core.txt"
  pack
fi

MODEL=/tmp/w2v2-base-random AUDIO=/tmp/w2v2-bench-audio
if [ -d "$HF" ]; then
  "$W2V2" random-model --config "$HF" -o "$MODEL" --log-level warn || fail random-model
fi
if [ -d "$HF" ] && want pipeline; then
  phase "wav2vec2-base, random weights: $COUNT files of 2-20 s"
  # Benchmark: pipeline on/off x graph on/off; batches of up to 16 (pipeline off runs one at a time).
  timeout 300 "$W2V2" bench --model "$MODEL" --device "$DEVICE" --count "$COUNT" \
    --durations 2,3.5,5,6.5,8,9.5,11,12.5,14,15.5,17,18.5,20,7,10,13 --audio-dir "$AUDIO" \
    --batch-sizes 1,16 --graph off,on --pipeline on,off --warmup 1 --repeat 3 \
    --json "$OUT/bench-cuda.json" 2>"$LOGS/bench-cuda.log" | tee "$LOGS/bench-cuda.txt" || { tail -20 "$LOGS/bench-cuda.log"; fail bench; }

  phase "pipeline on = off, --check-padding, trace"
  common=(transcribe "$AUDIO" --model "$MODEL" --device "$DEVICE" --format jsonl)
  timeout 120 "$W2V2" "${common[@]}" -o "$LOGS/on.jsonl" \
    --check-padding 8 --trace "$OUT/trace-cuda.json" 2> "$LOGS/on.log" || fail "transcribe on"
  grep -vE "TranscriberConfig|Wav2Vec2Config" "$LOGS/on.log" | cut -c1-300 | tail -8
  timeout 120 "$W2V2" "${common[@]}" --graph on -o /tmp/graph.jsonl \
    2> "$LOGS/graph.log" || fail "transcribe graph"
  timeout 180 "$W2V2" "${common[@]}" --pipeline off -o /tmp/off.jsonl 2> "$LOGS/off.log" || fail "transcribe off"
  compare() {  # jsonl A, jsonl B, label: byte equality, else how many transcripts differ
    if cmp -s "$1" "$2"; then echo "$3: identical bytes"; return 0; fi
    "$PYTHON" - "$1" "$2" "$3" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
diff = [x["id"] for x, y in zip(a, b) if x.get("text") != y.get("text")]
print(f"{sys.argv[3]}: bytes differ; {len(diff)} of {len(a)} transcripts differ {diff[:5]}")
PY
    return 1
  }
  compare "$LOGS/on.jsonl" /tmp/off.jsonl "pipeline on vs off" || fail "on != off"
  compare "$LOGS/on.jsonl" /tmp/graph.jsonl "graph on vs off" || fail "graph != eager"
  "$PYTHON" scripts/plot_timeline.py "$OUT/trace-cuda.json" "$OUT/timeline-cuda.png" \
    --title "w2v2 --device $DEVICE: $COUNT files of 2-20 s, wav2vec2-base (random weights), batches of 16" || fail plot
fi
DURATIONS=2,3.5,5,6.5,8,9.5,11,12.5,14,15.5,17,18.5,20,7,10,13
AUDIO_P=/tmp/w2v2-bench-audio-$PCOUNT
if [ -d "$HF" ] && want precisions; then
  phase "precisions x batch sizes (wav2vec2-base, random weights, $PCOUNT files of 2-20 s)"
  # --max-batch-seconds high enough that the batch size alone sets each batch: the curve. Graphs off for every
  # precision, then on for bf16 (lengths bucketed to 1 s, so that a long run meets few shapes).
  timeout "$(tmo 200)" "$W2V2" bench --model "$MODEL" --device "$DEVICE" --count "$PCOUNT" --durations "$DURATIONS" \
    --audio-dir "$AUDIO_P" --precisions "$PRECISIONS" --batch-sizes "$BATCHES" --max-batch-seconds 3000 \
    --graph off --pipeline on --warmup 1 --repeat 2 --json "$RES/bench-precisions.json" \
    > "$LOGS/bench-precisions.txt" 2>"$LOGS/bench-precisions.log" \
    || { tail -20 "$LOGS/bench-precisions.log"; fail "bench precisions"; }
  cat "$LOGS/bench-precisions.txt"
  pack
  timeout "$(tmo 120)" "$W2V2" bench --model "$MODEL" --device "$DEVICE" --count "$PCOUNT" --durations "$DURATIONS" \
    --audio-dir "$AUDIO_P" --precision bf16 --batch-sizes "$BATCHES" --max-batch-seconds 3000 \
    --graph on --pipeline on --warmup 1 --repeat 2 --json "$RES/bench-bf16-graphs.json" \
    > "$LOGS/bench-bf16-graphs.txt" 2>"$LOGS/bench-bf16-graphs.log" \
    || { tail -20 "$LOGS/bench-bf16-graphs.log"; fail "bench bf16 graphs"; }
  cat "$LOGS/bench-bf16-graphs.txt"
  pack
fi

if [ -d "$HF" ] && want baseline; then
  phase "Python baseline on the same files, padded batches of $BASE_BATCH: $DTYPES"
  for dtype in $DTYPES; do
    timeout "$(tmo 120)" "$PYTHON" scripts/bench_baseline.py --model "$MODEL" --device "$DEVICE" --dtype "$dtype" \
      --batch-size "$BASE_BATCH" --count "$PCOUNT" --warmup 1 --repeat 2 --json "$RES/baseline-$dtype.json" \
      "$AUDIO_P" 2>"$LOGS/baseline-$dtype.log" || { tail -5 "$LOGS/baseline-$dtype.log"; fail "baseline $dtype"; }
  done
  pack
fi

phase "accuracy per precision: the default model on data/librispeech-mini and data/samples"
summary_args=()
for precision in $(echo "$PRECISIONS" | tr , ' '); do
  want accuracy || break
  for decoder in greedy auto; do
    timeout "$(tmo 60)" "$W2V2" eval data/librispeech-mini --model models/default --device "$DEVICE" \
      --precision "$precision" --decoder "$decoder" --report "$RES/eval-$precision-$decoder.json" > /dev/null \
      2>"$LOGS/eval-$precision-$decoder.log" \
      && summary_args+=(--eval "$precision:$decoder:$RES/eval-$precision-$decoder.json") \
      || { tail -5 "$LOGS/eval-$precision-$decoder.log"; fail "eval $precision $decoder"; }
  done
  # The demo transcripts with the default decoder (the target); greedy logits for their distance from fp32.
  timeout "$(tmo 60)" "$W2V2" transcribe data/samples --model models/default --device "$DEVICE" \
    --precision "$precision" -o "$RES/demo-$precision.txt" 2>"$LOGS/demo-$precision.log" \
    && summary_args+=(--transcripts "$precision:$RES/demo-$precision.txt") || fail "demo $precision"
  rm -rf "$LOGS/logits-$precision"
  timeout "$(tmo 60)" "$W2V2" transcribe data/samples --model models/default --device "$DEVICE" \
    --precision "$precision" --decoder greedy --logits-dir "$LOGS/logits-$precision" -o "$RES/demo-greedy-$precision.txt" \
    2>"$LOGS/demo-greedy-$precision.log" || fail "demo greedy $precision"
  if [ "$precision" != fp32 ] && "$PYTHON" -c 'import numpy' 2>/dev/null; then
    "$PYTHON" scripts/compare_logits.py "$LOGS/logits-fp32" "$LOGS/logits-$precision" \
      --json "$RES/logits-$precision.json" \
      && summary_args+=(--logits "$precision:$RES/logits-$precision.json") || fail "compare logits $precision"
  fi
done

shopt -s nullglob
if [ -f "$RES/bench-precisions.json" ]; then
  phase "issue 18's targets"
  "$PYTHON" scripts/precision_summary.py --bench "$RES/bench-precisions.json" "$RES"/bench-bf16-graphs.json \
    --baseline "$RES"/baseline-*.json "${summary_args[@]}" $([ "$DEVICE" = cpu ] && echo --dry-run) \
    --out "$RES/precision-summary.json" > "$LOGS/precision-summary.txt" 2>&1 || fail "precision summary"
  cat "$LOGS/precision-summary.txt"
fi
pack

LARGE=$HF_ROOT/wav2vec2-large-960h-lv60-self
if [ -d "$LARGE" ] && want large; then
  phase "lv60-large, random weights: fp32 and bf16, $COUNT files"
  "$W2V2" random-model --config "$LARGE" -o /tmp/w2v2-large-random --log-level warn || fail "random-model large"
  timeout "$(tmo 150)" "$W2V2" bench --model /tmp/w2v2-large-random --device "$DEVICE" --count "$COUNT" \
    --durations "$DURATIONS" --audio-dir "$AUDIO" --precisions fp32,bf16 --batch-sizes "${BATCHES%%,*}" \
    --max-batch-seconds 3000 --warmup 1 --repeat 2 --json "$RES/bench-large.json" \
    > "$LOGS/bench-large.txt" 2>"$LOGS/bench-large.log" || { tail -20 "$LOGS/bench-large.log"; fail "bench large"; }
  cat "$LOGS/bench-large.txt"
fi
pack
[ $STATUS -eq 0 ] || cp "$LOGS/build.log" "$OUT/" 2>/dev/null
phase "done (status $STATUS)"
exit $STATUS
