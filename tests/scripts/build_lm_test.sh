#!/usr/bin/env bash
# Tests scripts/lm_text.py and scripts/build_lm.sh: the evaluation split is kept out of LM text, and a clean text
# gives a well-formed, deterministic language_model/ folder. Exit 0 when all pass, 1 on a failure, 77 (skipped)
# without Debian's irstlm or fortunes (scripts/build_lm.sh would install them; this test does not).
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export IRSTLM=/usr/lib/irstlm
if [[ ! -x "$IRSTLM/bin/tlm" ]]; then echo "SKIPPED: irstlm is not installed (apt-get install irstlm)"; exit 77; fi
if [[ ! -f /usr/share/games/fortunes/fortunes ]]; then echo "SKIPPED: fortunes is not installed"; exit 77; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

# Normalization and the containment rule, on the Python helpers.
if python3 - "$root" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1] + "/scripts")
import lm_text
assert list(lm_text.normalize("Surprise your boss!  It's 'quoted', café-au-lait. 3 pigs here.\nNext line")) == \
    ["SURPRISE YOUR BOSS", "IT'S QUOTED CAFE AU LAIT", "NEXT LINE"]
forbidden = {"OR IS IT", "A MAN A PLAN A CANAL"}
lines = ["OR IS IT", "IS IT ME OR IS IT YOU", "A MAN A PLAN A CANAL PANAMA", "A MAN A PLAN", "NOTHING HERE"]
assert lm_text.find_leaks(lines, forbidden) == [(1, "OR IS IT"), (3, "A MAN A PLAN A CANAL")], \
    lm_text.find_leaks(lines, forbidden)
found = lm_text.eval_sentences()
assert "SURPRISE YOUR BOSS" in found and len(found) > 500, len(found)
EOF
then ok "normalization; exact and contained (5 words or more) evaluation sentences found"; else bad "lm_text helpers"; fi

# Clean text: the first 3,000 training-split sentences.
python3 "$root/scripts/lm_text.py" fortunes --split train --range 0:3000 --for-lm > "$tmp/clean.txt" 2>/dev/null
for case in "data/samples reference:$(cut -f2 "$root/data/samples/reference.txt" | sed -n 3p | tr A-Z a-z)!" \
            "librispeech-mini:$(cat "$root"/data/librispeech-mini/*/*/*.trans.txt | sed -n 5p | cut -d' ' -f2-)" \
            "fortunes eval split, inside a longer line:Well, $(python3 "$root/scripts/lm_text.py" fortunes --split eval \
              2>/dev/null | awk 'NF>=6' | sed -n 7p) and so on."; do
  name="${case%%:*}" sentence="${case#*:}"
  { head -100 "$tmp/clean.txt"; echo "$sentence"; tail -100 "$tmp/clean.txt"; } > "$tmp/leaky.txt"
  rm -rf "$tmp/leaky-lm"
  "$root/scripts/build_lm.sh" "$tmp/leaky.txt" -o "$tmp/leaky-lm" 2> "$tmp/leaky.err"
  status=$?
  if [[ $status -eq 3 && ! -e "$tmp/leaky-lm" ]] && grep -q "line 101" "$tmp/leaky.err" \
     && grep -q "no LM built" "$tmp/leaky.err"; then
    ok "refuses text with an evaluation sentence ($name), naming the line, building nothing"
  else
    bad "leaky text ($name) gave status $status"; cat "$tmp/leaky.err"
  fi
done

if "$root/scripts/build_lm.sh" "$tmp/clean.txt" -o "$tmp/lm" --alpha 0.7 --beta 1.5 2> "$tmp/build.err"; then
  ok "builds from clean training-split text"
else
  bad "build_lm.sh on clean text"; cat "$tmp/build.err"
fi
if [[ "$(ls "$tmp/lm" | tr '\n' ' ')" == "attrs.json lm.arpa unigrams.txt " ]]; then ok "folder layout"
else bad "folder holds: $(ls "$tmp/lm" | tr '\n' ' ')"; fi
if python3 - "$tmp/lm" <<'EOF'
import json, sys
d = sys.argv[1]
attrs = json.load(open(d + "/attrs.json"))
assert attrs == {"alpha": 0.7, "beta": 1.5, "unk_score_offset": -10.0, "score_boundary": True}, attrs
lines = open(d + "/lm.arpa").read().split("\n")
assert lines[0] == "\\data\\", lines[0]
counts, section, seen = {}, None, {}
for line in lines[1:]:
    if line.startswith("ngram "):
        n, c = line[6:].split("=")
        counts[int(n)] = int(c)
    elif line.startswith("\\") and line.endswith("-grams:"):
        section = int(line[1:-7]); seen[section] = 0
    elif line == "\\end\\":
        section = None
    elif section and line.strip():
        fields = line.split("\t")
        assert len(fields[1].split()) == section, line
        assert float(fields[0]) <= 0, line
        seen[section] += 1
assert counts == seen and sorted(counts) == [1, 2, 3], (counts, seen)
assert lines[-2:] == ["\\end\\", ""] or lines[-1] == "\\end\\", lines[-3:]
unigrams = open(d + "/unigrams.txt").read().split("\n")[:-1]
assert unigrams == sorted(set(unigrams)) and "<s>" not in unigrams and "<unk>" not in unigrams
assert len(unigrams) == counts[1] - 3 and "THE" in unigrams, (len(unigrams), counts[1])
EOF
then ok "attrs.json, ARPA counts match its sections, unigrams.txt"; else bad "folder contents"; fi
"$root/scripts/build_lm.sh" "$tmp/clean.txt" -o "$tmp/lm2" --alpha 0.7 --beta 1.5 2>/dev/null
if cmp -s "$tmp/lm/lm.arpa" "$tmp/lm2/lm.arpa" && cmp -s "$tmp/lm/unigrams.txt" "$tmp/lm2/unigrams.txt"; then
  ok "deterministic (byte-identical rebuild)"; else bad "rebuild differs"; fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
