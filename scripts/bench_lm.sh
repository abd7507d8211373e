#!/usr/bin/env bash
# Benchmarks the n-gram LM code on a synthetic 4-gram ARPA file of >= 5 M n-grams (not committed; written to
# work/bench-lm/): ARPA parse + build rate, `w2v2 lm-compile` time, .w2lm load time (mmap + checks), bytes per
# n-gram, and scoring speed on a held-out text. Not part of CI.
#
#   scripts/bench_lm.sh [BUILD_DIR (default build)] [TOKENS (default 2300000)]
#
# The ARPA file comes from a Zipf-distributed random word stream: its n-grams are every distinct 1..4-gram of
# the stream, so every n-gram's context and suffix are present, as in a real backoff model; probabilities and
# backoffs are random (the tables and lookups are what is measured, not the model's quality). Each section is
# sorted by its words' ids, oldest first, so an n-gram's context is shared with the lines around it, as in
# the files ARPA writers produce.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
TOKENS=${2:-2300000}
OUT=work/bench-lm
mkdir -p "$OUT"
cmake --build "$BUILD" --target w2v2 lm_bench -j "$(nproc)" >/dev/null

if [[ ! -s $OUT/synthetic.arpa || ! -s $OUT/test.txt ]]; then
  python3 - "$OUT" "$TOKENS" <<'PY'
import random, sys
out, tokens = sys.argv[1], int(sys.argv[2])
rng = random.Random(2026)
V, N = 50000, 4
words = ["w%d%s" % (i, "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, 6)))) for i in range(V)]
weights = [1.0 / (r + 1) ** 1.05 for r in range(V)]
cum, s = [], 0.0
for w in weights:
    s += w
    cum.append(s)
stream = rng.choices(range(V), cum_weights=cum, k=tokens)
# n-grams as integers in base V (50000^4 < 2^63), oldest word most significant.
grams = [set() for _ in range(N)]
for n in range(1, N + 1):
    g = grams[n - 1]
    key = 0
    mod = V ** n
    for i, t in enumerate(stream):
        key = (key * V + t) % mod
        if i + 1 >= n:
            g.add(key)
def words_of(key, n):
    ws = []
    for _ in range(n):
        key, t = divmod(key, V)
        ws.append(words[t])
    return " ".join(reversed(ws))
special = ["<s>", "</s>", "<unk>"]
with open(out + "/synthetic.arpa", "w") as f:
    f.write("\\data\\\n")
    f.write("ngram 1=%d\n" % (len(grams[0]) + len(special)))
    for n in range(2, N + 1):
        f.write("ngram %d=%d\n" % (n, len(grams[n - 1])))
    f.write("\n\\1-grams:\n")
    f.write("-99\t<s>\t-0.5\n-1.5\t</s>\n-5\t<unk>\n")
    r = rng.random
    for key in sorted(grams[0]):
        f.write("%.6f\t%s\t%.6f\n" % (-1 - 5 * r(), words[key], -r()))
    for n in range(2, N + 1):
        f.write("\n\\%d-grams:\n" % n)
        last = n == N
        lines = []
        for key in sorted(grams[n - 1]):  # grouped by context, as ARPA writers order them
            if last:
                lines.append("%.6f\t%s\n" % (-0.1 - 3 * r(), words_of(key, n)))
            else:
                lines.append("%.6f\t%s\t%.6f\n" % (-0.1 - 3 * r(), words_of(key, n), -r()))
        f.writelines(lines)
    f.write("\n\\end\\\n")
# Held-out text: the same process, 20-word sentences.
test = rng.choices(range(V), cum_weights=cum, k=200000)
with open(out + "/test.txt", "w") as f:
    for i in range(0, len(test), 20):
        f.write(" ".join(words[t] for t in test[i:i + 20]) + "\n")
print("n-grams per order:", [len(g) for g in grams], file=sys.stderr)
PY
fi
ls -l "$OUT/synthetic.arpa"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== ARPA: parse + build in memory, then 5 passes over the held-out text"
/usr/bin/time -f "lm_bench: %e s wall, %U s user, %S s sys, %M KB max RSS" "$BUILD/tests/lm_bench" "$OUT/synthetic.arpa" "$OUT/test.txt"
echo "== lm-compile (read + parse + build + write)"
/usr/bin/time -f "lm-compile: %e s wall, %U s user, %S s sys, %M KB max RSS" "$BUILD/w2v2" lm-compile "$OUT/synthetic.arpa" -o "$OUT/synthetic.w2lm"
ls -l "$OUT/synthetic.w2lm"
echo "== .w2lm: mmap + checks (page cache warm), then the same passes"
/usr/bin/time -f "lm_bench: %e s wall, %U s user, %S s sys, %M KB max RSS" "$BUILD/tests/lm_bench" "$OUT/synthetic.w2lm" "$OUT/test.txt"
