#!/usr/bin/env bash
# Rebuilds models/default/language_model/ from packaged text, and (with --dev) renders the two dev sets its weights
# were tuned on. Deterministic; see models/default/README.md, "Language model".
#
#   scripts/make_default_lm.sh [--work DIR] [--out DIR] [--dev] [--alpha A --beta B]
#
# LM text: the fortunes training split less 200 sentences held out for tuning (positions 16000..16199 of the split
# in make_synthetic_speech.py's order, which no training run rendered: the model used 0..15999) and the 2 that
# contain an evaluation sentence; plus WordNet's example sentences (Debian's wordnet-base) less 200 held out and the
# 1 that holds an evaluation sentence. scripts/build_lm.sh checks the whole text against the evaluation split again.
# --dev renders work/synth-dev (the 200 fortunes dev sentences) and work/synth-dev-wordnet (the 200 WordNet ones,
# --seed 1 voices) with espeak-ng, one job: about 2 minutes each.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work=work/lm out=models/default/language_model dev=0 alpha=0.8 beta=0.5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    --dev) dev=1; shift ;;
    --alpha) alpha="${2:?}"; shift 2 ;;
    --beta) beta="${2:?}"; shift 2 ;;
    *) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
if [[ ! -f /usr/share/wordnet/data.noun ]]; then
  echo "make_default_lm.sh: installing wordnet-base" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wordnet-base >/dev/null \
    || { apt-get update -q >/dev/null
         DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wordnet-base >/dev/null; }
fi
mkdir -p "$work"
python3 scripts/lm_text.py fortunes --split train --exclude 16000:16200 --for-lm > "$work/fortunes-train-lm.txt"
python3 scripts/lm_text.py fortunes --split train --range 16000:16200 > "$work/fortunes-dev.txt"
python3 scripts/lm_text.py wordnet --held-out 200 --held-out-file "$work/wordnet-dev.txt" > "$work/wordnet.txt"
python3 scripts/lm_text.py filter "$work/wordnet.txt" -o "$work/wordnet-lm.txt"
scripts/build_lm.sh "$work/fortunes-train-lm.txt" "$work/wordnet-lm.txt" -o "$out" --alpha "$alpha" --beta "$beta"
if [[ $dev -eq 1 ]]; then
  python3 scripts/make_synthetic_speech.py --out work --split train --count 200 --skip 16000 \
    --layout-name synth-dev --jobs 1
  python3 scripts/make_synthetic_speech.py --out work --text "$work/wordnet-dev.txt" --count 200 --seed 1 \
    --layout-name synth-dev-wordnet --jobs 1
fi
