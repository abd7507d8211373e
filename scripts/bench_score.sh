#!/usr/bin/env bash
# Times `w2v2 score` on one long utterance: WORDS reference words against a hypothesis with about 12 % word
# errors (substitutions, insertions, deletions, some in bursts of up to 8 words), and a worst case of unrelated
# texts. Prints wall time, CPU time and peak RSS (/usr/bin/time -v) per case, and the WER and CER lines (errors
# sub del ins ref) to compare builds; the process itself (LibTorch loaded) starts at about 165 MB.
# Usage: scripts/bench_score.sh [W2V2_BINARY] [WORDS...]   (default build/w2v2, 20000 60000 100000)
set -euo pipefail
bin=${1:-build/w2v2}
shift || true
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(20000 60000 100000)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

generate() {  # generate WORDS MODE(similar|unrelated) OUT_PREFIX
  python3 - "$@" <<'PY'
import random, sys
words, mode, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(words)
letters = "ABCDEFGHIJKLMNOPRSTUW"
vocab = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(30000)})
weights = [1.0 / (r + 1) for r in range(len(vocab))]  # Zipf-like word frequencies
def draw(k):
    return rng.choices(vocab, weights, k=k)
def near(word):  # an ASR-like substitution: one letter changed, or a different word
    if len(word) > 2 and rng.random() < 0.5:
        i = rng.randrange(len(word))
        return word[:i] + rng.choice(letters) + word[i + 1:]
    return draw(1)[0]
ref = draw(words)
if mode == "unrelated":
    hyp = draw(words)
else:
    hyp, i = [], 0
    while i < len(ref):
        roll = rng.random()
        burst = rng.randint(1, 8) if rng.random() < 0.1 else 1
        if roll < 0.05:    # substitutions
            hyp += [near(w) for w in ref[i:i + burst]]; i += burst
        elif roll < 0.075: # deletions
            i += burst
        elif roll < 0.09:  # insertions
            hyp += draw(burst)
        else:
            hyp.append(ref[i]); i += 1
for name, text in (("ref", ref), ("hyp", hyp)):
    with open(f"{out}.{name}", "w") as f:
        f.write("utt1\t" + " ".join(text) + "\n")
PY
}

run() {  # run LABEL PREFIX
  /usr/bin/time -v "$bin" score --ref "$2.ref" --hyp "$2.hyp" > "$2.out" 2> "$2.time" || { cat "$2.time"; exit 1; }
  local wall cpu rss wer cer
  wall=$(grep 'Elapsed (wall clock)' "$2.time" | awk '{print $NF}')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$2.time")
  rss=$(grep 'Maximum resident set size' "$2.time" | awk '{print $NF}')
  wer=$(grep -m1 -i '^wer' "$2.out" | tr -s ' ' | cut -c1-60)
  cer=$(grep -m1 -i '^cer' "$2.out" | tr -s ' ' | cut -c1-60)
  printf '%-22s wall %-9s cpu %6s s  peak RSS %6d MB   %s | %s\n' "$1" "$wall" "$cpu" $((rss / 1024)) "$wer" "$cer"
}

for words in "${sizes[@]}"; do
  generate "$words" similar "$dir/s$words"
  run "$words words, ~12% WER" "$dir/s$words"
done
generate 20000 unrelated "$dir/u20000"
run "20000 words, unrelated" "$dir/u20000"
