#!/usr/bin/env python3
"""Text for n-gram language models: normalization, the fortunes sentence splits, and the evaluation-split check.

    python3 scripts/lm_text.py fortunes --split train --exclude 16000:16200 --for-lm > lm.txt  # training split
    python3 scripts/lm_text.py prepare TEXT... -o lm.txt    # normalize + refuse evaluation sentences (exit 3)
    python3 scripts/lm_text.py check TEXT...                # the check alone
    python3 scripts/lm_text.py filter TEXT... -o clean.txt  # normalize, leaving out what the check refuses
    python3 scripts/lm_text.py wordnet --held-out-file dev.txt > wn.txt   # WordNet's examples less a dev set

Normalization is the one the default model's transcripts went through (scripts/make_synthetic_speech.py): one
sentence per line (split after . ! ?), upper case, accents folded, everything but A-Z, apostrophe and space
turned into spaces, apostrophes at word edges dropped; a sentence with digits or symbols (spoken in ways the
text does not show) is dropped.

The evaluation split is what scripts/make_synthetic_speech.py and scripts/train_default_model.py hold out: every
fortunes sentence whose text hash puts it in the eval split (split_of), plus the transcripts of
data/librispeech-mini and data/samples. `prepare` and `check` refuse text in which any line equals one of those
sentences or contains one of 5 words or more (as whole words), naming the first ones found; `fortunes --for-lm`
leaves out the training-split sentences that would be refused (a few contain an evaluation sentence). Deterministic:
same input, same output.
"""
import argparse
import glob
import os
import random
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import make_synthetic_speech as mss  # noqa: E402

SYMBOLS = re.compile(r"[0-9@#$%&*=+<>/\\|_~^\[\]{}]")
EXIT_LEAK = 3
MIN_CONTAINED = 5  # an evaluation sentence of this many words or more may not appear inside a longer line either


def normalize(text):
    """Yields the normalized sentences of a piece of text (any number of lines)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    for line in text.splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            if SYMBOLS.search(sentence):
                continue
            words = re.sub(r"[^A-Za-z' ]+", " ", sentence).upper().split()
            words = [w.strip("'") for w in words if w.strip("'")]
            if words:
                yield " ".join(words)


def read_text(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def eval_sentences(root=ROOT):
    """The evaluation split's sentences (normalized), and where each one came from."""
    if not any(os.path.isfile(p) and not p.endswith((".dat", ".u8"))
               for p in glob.glob(os.path.join(mss.FORTUNE_DIR, "*"))):
        sys.exit(f"lm_text.py: no fortunes in {mss.FORTUNE_DIR} (apt-get install fortunes): "
                 "cannot check the text against the evaluation split")
    found = {}
    for s in mss.sentences_from_fortunes():
        if mss.split_of(s) == "eval":
            found.setdefault(s, "fortunes evaluation split")
    for path in sorted(glob.glob(os.path.join(root, "data", "librispeech-mini", "**", "*.trans.txt"), recursive=True)):
        for line in read_text(path).splitlines():
            parts = line.split(" ", 1)
            for s in normalize(parts[1] if len(parts) == 2 else ""):
                found.setdefault(s, os.path.relpath(path, root))
    reference = os.path.join(root, "data", "samples", "reference.txt")
    if os.path.isfile(reference):
        for line in read_text(reference).splitlines():
            parts = line.split("\t", 1)
            for s in normalize(parts[1] if len(parts) == 2 else ""):
                found.setdefault(s, "data/samples/reference.txt")
    return found


def find_leaks(lines, forbidden):
    """(line number, forbidden sentence) for each line that equals one, or contains one of MIN_CONTAINED words or
    more as whole words (shorter ones, such as OR IS IT or THE EARLY WORM, are common phrases of other sentences)."""
    by_length = {}
    for s in forbidden:
        by_length.setdefault(len(s.split()), set()).add(s)
    lengths = sorted(by_length)
    leaks = []
    for number, line in enumerate(lines, 1):
        words = line.split()
        for n in lengths:
            if n > len(words):
                break
            if n < MIN_CONTAINED and n != len(words):
                continue
            hits = by_length[n]
            for i in range(len(words) - n + 1):
                window = " ".join(words[i:i + n])
                if window in hits:
                    leaks.append((number, window))
                    break
            else:
                continue
            break
    return leaks


def check_or_exit(lines, label):
    forbidden = eval_sentences()
    leaks = find_leaks(lines, forbidden)
    if leaks:
        print(f"lm_text.py: refusing {label}: {len(leaks)} of its {len(lines)} sentences hold a sentence of the "
              f"evaluation split ({len(forbidden)} sentences: fortunes eval split, data/librispeech-mini, "
              "data/samples); first ones:", file=sys.stderr)
        for number, s in leaks[:10]:
            print(f"  line {number}: {s!r} ({forbidden[s]})", file=sys.stderr)
        sys.exit(EXIT_LEAK)
    print(f"lm_text.py: {len(lines)} sentences checked against {len(forbidden)} evaluation sentences: none found",
          file=sys.stderr)


WORDNET_DIR = "/usr/share/wordnet"


def sentences_from_wordnet():
    """The example sentences quoted in WordNet's glosses (Debian's wordnet-base), normalized, deduplicated, in
    file order (data.noun, data.verb, data.adj, data.adv)."""
    seen, out = set(), []
    for pos in ("noun", "verb", "adj", "adv"):
        path = os.path.join(WORDNET_DIR, "data." + pos)
        if not os.path.isfile(path):
            sys.exit(f"lm_text.py: no {path} (apt-get install wordnet-base)")
        with open(path, encoding="latin-1") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:  # the licence header; entries without a gloss
                    continue
                for quote in re.findall(r'"([^"]+)"', line.split("|", 1)[1]):
                    for sentence in normalize(quote):
                        if sentence not in seen:
                            seen.add(sentence)
                            out.append(sentence)
    return out


def wordnet_split(count, seed=0):
    """(held-out, rest): `count` sentences of 5..18 words drawn with random.Random(seed) are held out (a dev set of
    other text than fortunes); the rest are for LM text."""
    sentences = sentences_from_wordnet()
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    held = [sentences[i] for i in order if 5 <= len(sentences[i].split()) <= 18][:count]
    held_set = set(held)
    return held, [s for s in sentences if s not in held_set]


def parse_range(text):
    m = re.fullmatch(r"(\d*):(\d*)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected START:STOP, got {text!r}")
    return (int(m.group(1)) if m.group(1) else 0, int(m.group(2)) if m.group(2) else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fortunes", help="a split's sentences in make_synthetic_speech.py's order (--skip N = N in)")
    f.add_argument("--split", choices=["train", "eval"], required=True)
    f.add_argument("--seed", type=int, default=0, help="make_synthetic_speech.py's --seed")
    f.add_argument("--range", type=parse_range, default=(0, None), help="START:STOP, positions in that order")
    f.add_argument("--exclude", type=parse_range, action="append", default=[], help="START:STOP to leave out")
    f.add_argument("--for-lm", action="store_true",
                   help="also leave out sentences that contain an evaluation sentence (what `check` refuses)")
    w = sub.add_parser("wordnet", help="WordNet's example sentences, less a held-out dev set")
    w.add_argument("--held-out", type=int, default=200, help="sentences (5..18 words) held out")
    w.add_argument("--held-out-file", help="write the held-out sentences here")
    w.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("prepare", help="normalize TEXT files into one sentence per line and check them")
    p.add_argument("texts", nargs="+")
    p.add_argument("-o", "--output", required=True)
    c = sub.add_parser("check", help="exit 3 when a TEXT holds a sentence of the evaluation split")
    c.add_argument("texts", nargs="+")
    d = sub.add_parser("filter", help="normalize TEXT files and leave out the sentences `check` refuses, saying how many")
    d.add_argument("texts", nargs="+")
    d.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    if args.command == "fortunes":
        pool = mss.sentence_pool(args.split, random.Random(mss.split_seed(args.split, args.seed)))
        start, stop = args.range
        stop = len(pool) if stop is None else min(stop, len(pool))
        excluded = set()
        for a, b in args.exclude:
            excluded.update(range(a, len(pool) if b is None else b))
        out = [pool[i] for i in range(start, stop) if i not in excluded]
        if args.for_lm:
            leaked = {n for n, _ in find_leaks(out, eval_sentences())}
            if leaked:
                print(f"lm_text.py: left out {len(leaked)} sentences that contain an evaluation sentence",
                      file=sys.stderr)
            out = [s for n, s in enumerate(out, 1) if n not in leaked]
        sys.stdout.write("".join(s + "\n" for s in out))
        print(f"lm_text.py: {len(out)} of {len(pool)} {args.split}-split sentences", file=sys.stderr)
        return
    if args.command == "wordnet":
        held, rest = wordnet_split(args.held_out, args.seed)
        if args.held_out_file:
            with open(args.held_out_file, "w") as out:
                out.write("".join(s + "\n" for s in held))
        sys.stdout.write("".join(s + "\n" for s in rest))
        print(f"lm_text.py: {len(rest)} WordNet example sentences, {len(held)} held out", file=sys.stderr)
        return
    lines = []
    for path in args.texts:
        lines.extend(normalize(read_text(path)))
    if args.command == "filter":
        leaked = {n for n, _ in find_leaks(lines, eval_sentences())}
        kept = [s for n, s in enumerate(lines, 1) if n not in leaked]
        with open(args.output, "w") as out:
            out.write("".join(s + "\n" for s in kept))
        print(f"lm_text.py: {len(kept)} sentences kept, {len(leaked)} left out that hold an evaluation sentence",
              file=sys.stderr)
        return
    check_or_exit(lines, " ".join(args.texts) if len(args.texts) <= 3 else f"{len(args.texts)} files")
    if args.command == "prepare":
        if not lines:
            sys.exit("lm_text.py: the text has no sentence left after normalization")
        with open(args.output, "w") as out:
            out.write("".join(s + "\n" for s in lines))


if __name__ == "__main__":
    main()
