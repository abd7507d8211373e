#!/usr/bin/env bash
# Builds a word n-gram language model folder, laid out as Hugging Face's Wav2Vec2ProcessorWithLM saves
# `language_model/` (pyctcdecode's LanguageModel.save_to_dir): attrs.json, unigrams.txt and the ARPA file.
#
#   scripts/build_lm.sh TEXT... -o DIR [--order N] [--alpha A] [--beta B] [--unk-score-offset U] [--gzip]
#
# The text is normalized as the default model's transcripts are (scripts/lm_text.py: one sentence per line,
# upper case, A-Z, apostrophe and space) and refused, with exit status 3 and the offending lines named, when any
# line holds a sentence of the evaluation split (the fortunes eval split, data/librispeech-mini, data/samples).
# The ARPA comes from Debian's irstlm (installed with apt-get when missing): add-start-end.sh, then
# `tlm -n=N -lm=msb -bo=yes` (modified shift-beta smoothing, backoff form). DIR gets:
#   attrs.json    {"alpha": A, "beta": B, "unk_score_offset": U, "score_boundary": true}
#   unigrams.txt  the LM's words, one per line, sorted (no <s>, </s>, <unk>)
#   lm.arpa       the ARPA file; lm.arpa.gz (gzip -n) with --gzip. pyctcdecode's LanguageModel.load_from_dir takes
#                 only .arpa/.bin/.binary, so a folder for Hugging Face keeps it plain (git compresses it anyway)
# Nothing else goes into DIR (pyctcdecode takes the one other file there for the LM); the n-gram counts are printed.
# Deterministic: the same text and options give byte-identical files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

usage() { sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2; }
texts=() out="" order=3 alpha=0.5 beta=1.0 unk=-10.0 gzip=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -o|--output) out="${2:?}"; shift 2 ;;
    --order) order="${2:?}"; shift 2 ;;
    --alpha) alpha="${2:?}"; shift 2 ;;
    --beta) beta="${2:?}"; shift 2 ;;
    --unk-score-offset) unk="${2:?}"; shift 2 ;;
    --gzip) gzip=1; shift ;;
    -h|--help) usage ;;
    -*) echo "build_lm.sh: unknown option $1" >&2; usage ;;
    *) texts+=("$1"); shift ;;
  esac
done
[[ -n "$out" && ${#texts[@]} -gt 0 ]] || usage
[[ "$order" =~ ^[1-6]$ ]] || { echo "build_lm.sh: --order must be 1..6" >&2; exit 2; }
for v in "$alpha" "$beta" "$unk"; do
  [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?$ ]] || { echo "build_lm.sh: not a number: $v" >&2; exit 2; }
done
for t in "${texts[@]}"; do [[ -r "$t" ]] || { echo "build_lm.sh: cannot read $t" >&2; exit 2; }; done

export IRSTLM=/usr/lib/irstlm
if [[ ! -x "$IRSTLM/bin/tlm" ]]; then
  echo "build_lm.sh: installing irstlm" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q irstlm >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q irstlm >/dev/null; }
fi
if ! ls /usr/share/games/fortunes/fortunes >/dev/null 2>&1; then  # the evaluation split is defined on it
  echo "build_lm.sh: installing fortunes (needed to check the text against the evaluation split)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fortunes >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fortunes >/dev/null; }
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
python3 "$here/lm_text.py" prepare "${texts[@]}" -o "$tmp/text.txt" || status=$?
if [[ $status -ne 0 ]]; then
  [[ $status -eq 3 ]] && echo "build_lm.sh: the text holds evaluation sentences; no LM built" >&2
  exit "$status"
fi

"$IRSTLM/bin/add-start-end.sh" < "$tmp/text.txt" > "$tmp/text.se"
(cd "$tmp" && "$IRSTLM/bin/tlm" -tr=text.se -n="$order" -lm=msb -bo=yes -o=lm.arpa >tlm.log 2>&1) || {
  cat "$tmp/tlm.log" >&2; echo "build_lm.sh: tlm failed (too little or too repetitive text?)" >&2; exit 1; }
# irstlm starts the file with a blank line and pads the counts ("ngram  1=     16739"): drop what precedes \data\
# and write the counts as "ngram 1=16739", the form every ARPA reader takes.
sed -n '/^\\data\\$/,$p' "$tmp/lm.arpa" | sed 's/^ngram  *\([0-9]*\)= *\([0-9]*\) *$/ngram \1=\2/' > "$tmp/lm.clean.arpa"
grep -q '^\\end\\$' "$tmp/lm.clean.arpa" || { echo "build_lm.sh: tlm wrote no complete ARPA" >&2; exit 1; }

mkdir -p "$out"
rm -f "$out/lm.arpa" "$out/lm.arpa.gz"
if [[ $gzip -eq 1 ]]; then
  gzip -n -9 -c "$tmp/lm.clean.arpa" > "$out/lm.arpa.gz"
  arpa_name=lm.arpa.gz
else
  cp "$tmp/lm.clean.arpa" "$out/lm.arpa"
  arpa_name=lm.arpa
fi
awk '/^\\1-grams:$/{on=1; next} /^\\/{on=0} on && NF>=2 {print $2}' "$tmp/lm.clean.arpa" \
  | grep -vxE '<s>|</s>|<unk>' | LC_ALL=C sort -u > "$out/unigrams.txt"
printf '{"alpha": %s, "beta": %s, "unk_score_offset": %s, "score_boundary": true}\n' \
  "$alpha" "$beta" "$unk" > "$out/attrs.json"

sentences=$(wc -l < "$tmp/text.txt")
counts=$(awk -F'[ =]' '/^ngram [0-9]+=/{printf "%s%s-grams %s", (n++ ? ", " : ""), $2, $3}' "$tmp/lm.clean.arpa")
echo "build_lm.sh: $out: $sentences sentences, $(wc -w < "$tmp/text.txt") words; $counts;" \
  "$arpa_name $(stat -c %s "$out/$arpa_name") bytes" >&2
