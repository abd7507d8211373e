#!/usr/bin/env bash
# Trains the tiny SentencePiece model in tests/fixtures/sentencepiece/ (Debian package: sentencepiece).
# The core tests compare our .model reader and detokenizer with libsentencepiece on it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/fixtures/sentencepiece
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for i in $(seq 1 40); do
  cat >> "$tmp" <<'TXT'
THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG
SHE SELLS SEA SHELLS BY THE SEA SHORE AND THE SHELLS SHE SELLS ARE SURELY SEA SHELLS
A JOURNEY OF A THOUSAND MILES BEGINS WITH A SINGLE STEP
SPEECH RECOGNITION TURNS SOUND INTO TEXT ONE FRAME AT A TIME
IT'S NOT WHAT YOU SAY BUT HOW YOU SAY IT THAT MATTERS MOST
café naïve über 東京
TXT
done
spm_train --input="$tmp" --model_prefix="$out/tiny" --vocab_size=320 --model_type=unigram --normalization_rule_name=identity \
  --character_coverage=1.0 --byte_fallback=true --pad_id=0 --unk_id=1 --bos_id=2 --eos_id=3 \
  --user_defined_symbols='<sep>' --minloglevel=2
rm -f "$out/tiny.vocab"
ls -l "$out"
