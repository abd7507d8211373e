#!/usr/bin/env bash
# Renders the README demo set data/samples/: six held-out espeak-ng sentences (never used in training) in
# the formats users feed a transcriber: 16 kHz WAV and FLAC, 44.1 kHz stereo 24-bit FLAC, 8 kHz WAV,
# 22.05 kHz WAV. data/samples/reference.txt has the texts (for people; the tool never reads it).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 scripts/make_synthetic_speech.py --out "$tmp" --split eval --count 6 --layout-name s --seed 2 --noise-prob 0 --jobs 1
mkdir -p data/samples
rm -f data/samples/*
mapfile -t files < <(find "$tmp/s" -name '*.flac' | sort)
names=(speech-16k.wav speech-16k.flac speech-44k1-stereo-24bit.flac speech-8k.wav speech-22k05.wav speech-16k-b.flac)
: > data/samples/reference.txt
for i in "${!files[@]}"; do
  f=${files[$i]}; out=data/samples/${names[$i]}
  case "${names[$i]}" in
    *44k1-stereo*) sox -q "$f" -r 44100 -c 2 -b 24 "$out" ;;
    *8k*) sox -q "$f" -r 8000 -b 16 "$out" ;;
    *22k05*) sox -q "$f" -r 22050 -b 16 "$out" ;;
    *) sox -q "$f" -b 16 "$out" ;;
  esac
  utt=$(basename "$f" .flac)
  text=$(grep -h "^$utt " "$(dirname "$f")"/*.trans.txt | cut -d' ' -f2-)
  printf '%s\t%s\n' "${names[$i]}" "$text" >> data/samples/reference.txt
done
sort -o data/samples/reference.txt data/samples/reference.txt
ls -l data/samples
