#!/usr/bin/env bash
# Memory of a long file read through FFmpeg against the same audio as FLAC (issue 19): a 2-hour recording made
# by looping a demo utterance (real speech, so the model does its usual work) is encoded as AAC in M4A, as
# AAC in MP4 beside a video track, and as FLAC; each is transcribed alone by `w2v2 transcribe` and its peak
# resident memory (GNU time's maximum RSS) and wall time are written to bench/results/ffmpeg-memory.txt.
# The FLAC states its length and is read range by range; the M4A/MP4 do not, so they are decoded once to count
# their samples, then streamed chunk by chunk. Greedy decoding: the beam decoder's word alignment
# (decoding/ctc_forced_aligner) runs over the whole file's frames at once and takes far longer than the model on a
# 2-hour file (seen here: still aligning after 10 minutes), which is not what this measures. Not part of CI
# (about 10 minutes on 2 cores).
#
#   scripts/bench_ffmpeg_memory.sh [BUILD_DIR (default build)] [MINUTES (default 120)]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
MINUTES=${2:-120}
OUT=work/bench-ffmpeg
RESULT=bench/results/ffmpeg-memory.txt
mkdir -p "$OUT" bench/results
cmake --build "$BUILD" --target w2v2 -j "$(nproc)" >/dev/null
seconds=$((MINUTES * 60))
source=data/samples/speech-16k-b.flac
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
[[ -s $OUT/long.flac ]] || ff -stream_loop -1 -i "$source" -t "$seconds" -ac 1 -ar 16000 -c:a flac "$OUT/long.flac"
[[ -s $OUT/long.m4a ]] || ff -i "$OUT/long.flac" -c:a aac -b:a 64k "$OUT/long.m4a"
[[ -s $OUT/long.mp4 ]] || ff -f lavfi -i "color=c=blue:s=160x120:r=5" -i "$OUT/long.flac" -shortest -map 0:v -map 1:a \
  -c:v mpeg4 -b:v 50k -c:a aac -b:a 64k "$OUT/long.mp4"

{
  echo "# w2v2 transcribe of one ${MINUTES}-minute file ($(basename "$source") looped), $(nproc) cores, $(date -u +%F)"
  echo "# commit $(git rev-parse --short HEAD); peak RSS from GNU time (-f %M); default model, --decoder greedy"
  printf "%-10s %12s %14s %10s %s\n" file bytes peak_rss_kb wall_s words
} > "$RESULT.tmp"
declare -A rss
for f in long.flac long.m4a long.mp4; do
  /usr/bin/time -f "%M %e" -o "$OUT/$f.time" "$BUILD/w2v2" transcribe "$OUT/$f" --decoder greedy -f jsonl \
    -o "$OUT/$f.jsonl" -q
  read -r kb wall < "$OUT/$f.time"
  rss[$f]=$kb
  words=$(python3 -c "import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(len(r['words']))" "$OUT/$f.jsonl")
  printf "%-10s %12s %14s %10s %s\n" "$f" "$(stat -c %s "$OUT/$f")" "$kb" "$wall" "$words" >> "$RESULT.tmp"
done
python3 - "${rss[long.flac]}" "${rss[long.m4a]}" "${rss[long.mp4]}" >> "$RESULT.tmp" <<'PY'
import sys
flac, m4a, mp4 = map(int, sys.argv[1:])
print(f"peak RSS ratio: M4A / FLAC = {m4a / flac:.3f}, MP4 (with video) / FLAC = {mp4 / flac:.3f} (target <= 1.2)")
PY
mv "$RESULT.tmp" "$RESULT"
cat "$RESULT"
