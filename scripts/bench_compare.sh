#!/usr/bin/env bash
# The comparison behind the README's performance section: the Python eager baseline
# (scripts/bench_baseline.py, torchaudio) and `w2v2 bench`, back to back, on the same files, the same
# weights and the same thread count; then the ratio of their real-time factors, the measured sgemm peak
# and the analytic roofline (scripts/bench_summary.py).
#
#   scripts/bench_compare.sh [--config DIR] [--threads T] [--repeat R] [--rounds N] [--precisions LIST]
#                            [--out FILE.json] [PATH...]
#
# The two alternate for N rounds (default 2) so that a slow spell of a shared machine hits both; the
# summary pools the repeats of all rounds and also prints each round's ratio.
# Defaults: the wav2vec2-base-960h architecture (../shared/data/hf-configs) with random weights, the
# real LibriSpeech utterances in ../shared/data/LibriSpeech (16 synthetic files of 2-20 s without it),
# 2 threads, 5 repeats, bench/results/compare-<threads>t.json. Needs build/w2v2 (scripts/setup.sh).
# --precisions fp32,int8,bf16 (default fp32; the list must hold fp32, every ratio's yardstick) also runs the
# baseline in each other precision in each round (int8: Python's quantize_dynamic; bf16: the model cast) and
# passes the list to `w2v2 bench`; the summary then gives w2v2 in each over w2v2 fp32, over Python fp32 and
# over Python in the same precision.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFIG=../shared/data/hf-configs/wav2vec2-base-960h
THREADS=2
REPEAT=5
ROUNDS=2
PRECISIONS=fp32
OUT=""
PATHS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) CONFIG=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --precisions) PRECISIONS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) PATHS+=("$1"); shift ;;
  esac
done
OUT=${OUT:-bench/results/compare-${THREADS}t.json}
IFS=, read -r -a PRECISION_LIST <<< "$PRECISIONS"
for p in "${PRECISION_LIST[@]}"; do
  case "$p" in
    fp32|int8|bf16) ;;
    *) echo "--precisions: unknown precision '$p' (choices: fp32, int8, bf16)" >&2; exit 2 ;;
  esac
done
[[ ",$PRECISIONS," == *,fp32,* ]] || { echo "--precisions must include fp32 (the baseline every ratio divides by)" >&2; exit 2; }
W2V2_PRECISIONS=()  # a bench without --precisions measures fp32 only, so a plain run works with any w2v2
[[ $PRECISIONS == fp32 ]] || W2V2_PRECISIONS=(--precisions "$PRECISIONS")
PY=/usr/bin/python3  # Debian's python3-torch imports only there
W2V2=build/w2v2
[[ -x $W2V2 ]] || { echo "build/w2v2 is missing: run scripts/setup.sh first" >&2; exit 2; }
[[ -f $CONFIG/config.json ]] || { echo "$CONFIG/config.json is missing" >&2; exit 2; }

WORK=work/bench
mkdir -p "$WORK"
MODEL=$WORK/$(basename "$CONFIG")-random
if [[ ! -f $MODEL/model.safetensors ]]; then
  "$W2V2" random-model --config "$CONFIG" -o "$MODEL" --seed 0
fi

if [[ ${#PATHS[@]} -eq 0 ]]; then
  if [[ -d ../shared/data/LibriSpeech ]]; then
    PATHS=(../shared/data/LibriSpeech)
  else
    mkdir -p "$WORK/synthetic"
    for i in $(seq 0 15); do
      d=$(( (i % 4 == 0) ? 2 : (i % 4 == 1) ? 5 : (i % 4 == 2) ? 10 : 20 ))
      f=$WORK/synthetic/synth-$(printf %02d "$i").wav
      [[ -f $f ]] || sox -q -n -r 16000 -b 16 -c 1 "$f" synth "$d" pinknoise synth "$d" sine 120-240 tremolo 4 vol 0.3
    done
    PATHS=("$WORK/synthetic")
  fi
fi

W2V2_JSONS=()
BASELINE_JSONS=()
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: Python eager baseline (torchaudio), $THREADS threads ==" >&2
  $PY scripts/bench_baseline.py --implementation torchaudio --model "$MODEL" --threads "$THREADS" --warmup 1 --repeat "$REPEAT" \
    --json "$WORK/baseline-$round.json" --transcripts "$WORK/baseline.txt" "${PATHS[@]}"
  BASELINE_JSONS+=("$WORK/baseline-$round.json")
  for p in "${PRECISION_LIST[@]}"; do
    [[ $p == fp32 ]] && continue
    echo "== round $round: Python baseline, $p, $THREADS threads ==" >&2
    $PY scripts/bench_baseline.py --implementation torchaudio --model "$MODEL" --threads "$THREADS" --warmup 1 --repeat "$REPEAT" \
      --precision "$p" --json "$WORK/baseline-$p-$round.json" "${PATHS[@]}"
    BASELINE_JSONS+=("$WORK/baseline-$p-$round.json")
  done
  echo "== round $round: w2v2 bench ($PRECISIONS), $THREADS threads ==" >&2
  "$W2V2" bench --model "$MODEL" --threads "$THREADS" --warmup 1 --repeat "$REPEAT" --pipeline on,off \
    --batch-sizes 1 --graph off "${W2V2_PRECISIONS[@]}" --json "$WORK/w2v2-$round.json" -q "${PATHS[@]}"
  W2V2_JSONS+=("$WORK/w2v2-$round.json")
done

# Same weights, same files: the transcripts must agree (random weights give deterministic gibberish).
"$W2V2" transcribe --model "$MODEL" --threads "$THREADS" -q -o "$WORK/w2v2.txt" "${PATHS[@]}"
$PY scripts/bench_summary.py --w2v2 "${W2V2_JSONS[@]}" --baseline "${BASELINE_JSONS[@]}" \
  --config "$MODEL/config.json" --threads "$THREADS" --transcripts "$WORK/w2v2.txt" "$WORK/baseline.txt" \
  --out "$OUT" "${PATHS[@]}"
