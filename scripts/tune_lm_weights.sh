#!/usr/bin/env bash
# Grid search of the decoder's LM weight (alpha) and word score (beta) on a dev set with references.
#
#   scripts/tune_lm_weights.sh DATASET [--model DIR] [--lm FILE] [--alphas "0.3 0.5 ..."] [--betas "0 0.5 ..."]
#                              [--beam-size N] [--out DIR] [--w2v2 PATH] [--via-logits] [-- EXTRA EVAL OPTIONS...]
#
# Runs `w2v2 eval DATASET --model DIR --decoder beam --lm-weight A --word-score B --report OUT/A_B.json` for every
# pair (plus one greedy run as the baseline) and prints WER and CER per pair, best first (ties: lower CER, then the
# smaller alpha and beta); OUT/results.tsv holds the same table. Without --lm the model folder's language_model/
# is used. --via-logits runs the model once (`w2v2 transcribe --logits-dir`) and decodes the saved logits for the
# whole grid with build/w2v2_decode_bench (same decoder, one thread; EXTRA options are then not passed): much
# faster. DATASET must not be the set the result is reported on (for the default model: work/synth-dev and
# work/synth-dev-wordnet, never data/librispeech-mini); see models/default/README.md, "Language model".
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

usage() { sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }
dataset="" model="$here/models/default" lm="" beam="" out="" w2v2="$here/build/w2v2"
alphas="0.3 0.5 0.7 0.9 1.2" betas="0 0.5 1 1.5 2 3" extra=() via_logits=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) model="${2:?}"; shift 2 ;;
    --lm) lm="${2:?}"; shift 2 ;;
    --alphas) alphas="${2:?}"; shift 2 ;;
    --betas) betas="${2:?}"; shift 2 ;;
    --beam-size) beam="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --w2v2) w2v2="${2:?}"; shift 2 ;;
    --via-logits) via_logits=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    -*) echo "tune_lm_weights.sh: unknown option $1" >&2; usage ;;
    *) [[ -z "$dataset" ]] || usage; dataset="$1"; shift ;;
  esac
done
[[ -n "$dataset" ]] || usage
[[ -x "$w2v2" ]] || { echo "tune_lm_weights.sh: no $w2v2 (build first: scripts/setup.sh)" >&2; exit 2; }
[[ -e "$dataset" ]] || { echo "tune_lm_weights.sh: no $dataset" >&2; exit 2; }
case "$(cd "$dataset" 2>/dev/null && pwd)" in
  */data/librispeech-mini|*/data/samples)
    echo "tune_lm_weights.sh: $dataset is an evaluation set; tune on a dev set (e.g. work/synth-dev)" >&2; exit 2 ;;
esac
out="${out:-$(mktemp -d)}"
mkdir -p "$out"

common=(eval "$dataset" --model "$model")
lm_args=()
[[ -n "$lm" ]] && lm_args+=(--lm "$lm")
[[ -n "$beam" ]] && lm_args+=(--beam-size "$beam")

score() {  # report.json -> "WER CER" in percent
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.2f %.2f" % (100*r["wer"], 100*r["cer"]))' "$1"
}

printf 'alpha\tbeta\twer\tcer\n' > "$out/results.tsv"
"$w2v2" "${common[@]}" --decoder greedy --report "$out/greedy.json" "${extra[@]}" >/dev/null 2>"$out/greedy.log"
read -r gw gc <<< "$(score "$out/greedy.json")"
echo "greedy: WER $gw % CER $gc %" >&2
if [[ $via_logits -eq 1 ]]; then
  bench="$(dirname "$w2v2")/w2v2_decode_bench"
  [[ -x "$bench" ]] || { echo "tune_lm_weights.sh: no $bench" >&2; exit 2; }
  if [[ -z "$lm" ]]; then
    shopt -s nullglob
    found=("$model"/language_model/*.w2lm "$model"/language_model/*.arpa "$model"/language_model/*.arpa.gz)
    shopt -u nullglob
    lm="${found[0]:-}"
    [[ -n "$lm" ]] || { echo "tune_lm_weights.sh: no --lm and no LM in $model/language_model/" >&2; exit 2; }
  fi
  rm -rf "$out/logits"
  "$w2v2" transcribe "$dataset" --model "$model" --decoder greedy --logits-dir "$out/logits" -o "$out/greedy.txt" \
    2>"$out/logits.log"
  "$bench" --logits "$out/logits" --model "$model" --references "$dataset" --lm "$lm" --beam "${beam:-32}" \
    --alpha "$(echo $alphas | tr ' ' ',')" --beta "$(echo $betas | tr ' ' ',')" | tee "$out/bench.txt" >&2
  awk '$1 ~ /^-?[0-9.]+$/ && $2 ~ /^-?[0-9.]+$/ && NF >= 4 {printf "%s\t%s\t%s\t%s\n", $1+0, $2+0, $3, $4}' \
    "$out/bench.txt" >> "$out/results.tsv"
  alphas="" betas=""
fi
for a in $alphas; do
  for b in $betas; do
    report="$out/${a}_${b}.json"
    if ! "$w2v2" "${common[@]}" --decoder beam "${lm_args[@]}" --lm-weight "$a" --word-score "$b" \
         --report "$report" "${extra[@]}" >/dev/null 2>"${report%.json}.log"; then
      echo "tune_lm_weights.sh: w2v2 eval failed at alpha $a beta $b" >&2; exit 1
    fi
    read -r w c <<< "$(score "$report")"
    printf '%s\t%s\t%s\t%s\n' "$a" "$b" "$w" "$c" >> "$out/results.tsv"
    echo "alpha $a beta $b: WER $w % CER $c %" >&2
  done
done

echo "dataset $dataset, model $model${lm:+, lm $lm}${beam:+, beam $beam}; greedy WER $gw % CER $gc %; reports in $out"
printf '%-6s %-6s %7s %7s\n' alpha beta "WER %" "CER %"
tail -n +2 "$out/results.tsv" | LC_ALL=C sort -t$'\t' -k3,3g -k4,4g -k1,1g -k2,2g \
  | awk -F'\t' '{printf "%-6s %-6s %7s %7s\n", $1, $2, $3, $4}'
