#!/usr/bin/env python3
"""Renders English sentences with espeak-ng into a LibriSpeech-layout corpus (16 kHz FLAC + trans.txt).

    python3 scripts/make_synthetic_speech.py --out work/synth --split train --count 8000
    python3 scripts/make_synthetic_speech.py --out data --split eval --count 48 --layout-name librispeech-mini
    python3 scripts/make_synthetic_speech.py --out work --text sentences.txt --count 200 --layout-name other-dev

Text comes from Debian's `fortunes` package, upper-cased to the LibriSpeech alphabet (A-Z, apostrophe,
space). Sentences are assigned to train or eval by a hash of their text, so the splits never share a
sentence. Voices vary over espeak-ng's English variants (+m1..+m7, +f1..+f5), speaking rate and pitch;
speaker = voice variant, chapter = text group. espeak-ng writes 22.05 kHz; sox resamples to 16 kHz and
optionally adds light noise. Deterministic for a given --seed. Needs espeak-ng, sox and fortunes.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import random
import re
import subprocess
import sys

VOICES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-029"]
VARIANTS = [f"m{i}" for i in range(1, 8)] + [f"f{i}" for i in range(1, 6)]
FORTUNE_DIR = "/usr/share/games/fortunes"


def sentences_from_fortunes():
    """Yields cleaned upper-case sentences of 3..18 words, deduplicated, in a stable order."""
    seen = set()
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*"))):
        if path.endswith((".dat", ".u8")) or os.path.islink(path) or not os.path.isfile(path):
            continue
        if os.path.basename(path) in ("art", "ascii-art"):
            continue
        with open(path, encoding="latin-1") as f:
            text = f.read()
        for block in text.split("\n%\n"):
            block = re.sub(r"\s+", " ", block)
            block = re.sub(r"--.*$", "", block)  # attributions
            for sentence in re.split(r"(?<=[.!?])\s+", block):
                if re.search(r"[0-9@#$%&*=+<>/\\|_~^\[\]{}]", sentence):
                    continue  # numbers and symbols would be spoken in ways the text does not show
                words = re.sub(r"[^A-Za-z' ]+", " ", sentence).upper().split()
                words = [w.strip("'") for w in words if w.strip("'")]
                if not 3 <= len(words) <= 18:
                    continue
                s = " ".join(words)
                if s not in seen:
                    seen.add(s)
                    yield s


def split_of(sentence):
    """About 3 % of sentences are held out for evaluation, by text hash."""
    h = int(hashlib.sha1(sentence.encode()).hexdigest()[:8], 16)
    return "eval" if h % 33 == 0 else "train"


def sentence_pool(split, rng):
    """The split's sentences shuffled by rng (random.Random(split_seed(split, --seed))): --skip N starts N in."""
    pool = [s for s in sentences_from_fortunes() if split_of(s) == split]
    rng.shuffle(pool)
    return pool


def split_seed(split, seed):
    return seed * 1000003 + {"train": 0, "eval": 1, "text": 2}[split]


def render(job):
    text, voice, rate, pitch, noise, path = job
    if os.path.exists(path):
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part.flac"
    espeak = subprocess.Popen(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "--stdout", text.lower()],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    sox = ["sox", "-q", "-t", "wav", "-", "-r", "16000", "-b", "16", "-c", "1", tmp, "rate", "-v", "16000"]
    subprocess.run(sox, stdin=espeak.stdout, check=True)
    espeak.wait()
    if noise > 0:  # mix in light white noise of the same length
        seconds = subprocess.run(["soxi", "-D", tmp], capture_output=True, text=True, check=True).stdout.strip()
        noisy = tmp + ".noisy.flac"
        subprocess.run(["sox", "-q", "-m", tmp, "|sox -q -n -r 16000 -b 16 -c 1 -p synth %s whitenoise vol %s"
                        % (seconds, noise), "-b", "16", noisy], check=True, stderr=subprocess.DEVNULL)
        os.replace(noisy, tmp)
    os.replace(tmp, path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="folder that receives <layout-name>/<speaker>/<chapter>/")
    ap.add_argument("--split", choices=["train", "eval"], help="fortunes split (required without --text)")
    ap.add_argument("--text", help="render these sentences (one per line, normalized as the transcripts: "
                                   "scripts/lm_text.py) instead of fortunes, shuffled by --seed; the layout is then "
                                   "synth-text unless --layout-name says otherwise")
    ap.add_argument("--count", type=int, required=True, help="utterances to render")
    ap.add_argument("--layout-name", default=None, help="top folder name (default: synth-<split>)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", type=int, default=0,
                    help="start this far into the shuffled sentence pool (a second corpus with other sentences "
                         "and its own voice draws; utterance numbers continue from here)")
    ap.add_argument("--noise-prob", type=float, default=0.3, help="fraction of utterances with light noise")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--chapter-size", type=int, default=25)
    args = ap.parse_args()
    if (args.split is None) == (args.text is None):
        ap.error("give one of --split and --text")

    base_seed = split_seed(args.split or "text", args.seed)
    rng = random.Random(base_seed)
    if args.text:
        with open(args.text) as f:
            pool = [line.strip() for line in f if line.strip()]
        bad = [s for s in pool if not re.fullmatch(r"[A-Z']+( [A-Z']+)*", s)]
        if bad:
            sys.exit(f"{args.text}: {len(bad)} lines are not normalized transcripts (A-Z, apostrophe, single "
                     f"spaces), e.g. {bad[0]!r}; run scripts/lm_text.py prepare first")
        rng.shuffle(pool)
    else:
        pool = sentence_pool(args.split, rng)
    pool = pool[args.skip:] + pool[:args.skip]
    if args.skip:  # voices, rates and pitches drawn independently of the first corpus
        rng = random.Random(base_seed + 7 * args.skip)
    if len(pool) < args.count:
        print(f"only {len(pool)} {args.split or 'text'} sentences; rendering each once more with another voice",
              file=sys.stderr)
    root = os.path.join(args.out, args.layout_name or f"synth-{args.split or 'text'}")
    jobs, transcripts = [], {}
    for i in range(args.count):
        text = pool[i % len(pool)]
        voice_index = rng.randrange(len(VOICES) * len(VARIANTS))
        voice = f"{VOICES[voice_index // len(VARIANTS)]}+{VARIANTS[voice_index % len(VARIANTS)]}"
        speaker = 100 + voice_index
        number = args.skip + i
        chapter = 1000 + number // args.chapter_size
        utt = f"{speaker}-{chapter}-{number:04d}"
        rate = rng.randint(135, 195)
        pitch = rng.randint(25, 75)
        noise = round(rng.uniform(0.002, 0.01), 4) if rng.random() < args.noise_prob else 0.0
        path = os.path.join(root, str(speaker), str(chapter), utt + ".flac")
        jobs.append((text, voice, rate, pitch, noise, path))
        transcripts.setdefault((speaker, chapter), []).append((utt, text))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for n, _ in enumerate(ex.map(render, jobs), 1):
            if n % 500 == 0:
                print(f"{n}/{len(jobs)}", file=sys.stderr)
    for (speaker, chapter), items in transcripts.items():
        with open(os.path.join(root, str(speaker), str(chapter), f"{speaker}-{chapter}.trans.txt"), "w") as f:
            for utt, text in sorted(items):
                f.write(f"{utt} {text}\n")
    print(f"{root}: {len(jobs)} utterances", file=sys.stderr)


if __name__ == "__main__":
    main()
