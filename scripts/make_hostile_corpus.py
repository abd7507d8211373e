#!/usr/bin/env python3
"""Writes a corpus of malformed and odd audio inputs (with a few good files among them) for the
error-isolation tests: every bad file must give a clear error record naming it, nothing may crash, and
the good files around them must be transcribed.

    python3 scripts/make_hostile_corpus.py OUT_DIR [--good FILE ...]

Writes OUT_DIR/expected.tsv: "<file name>\\t<ok|error|any>" ("any": either outcome is acceptable, e.g.
a header that lies about its length but whose samples decode). Standard library only; the containers
FFmpeg reads (MP4, MKV, ...) are made with the ffmpeg CLI where it is installed (else left out, said on stderr).
"""
import argparse
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile


def wav_bytes(samples, rate=16000, channels=1, bits=16, fmt=1, data_size=None, fmt_size=16, rate_field=None):
    """A RIFF/WAVE file; fields can be made to lie."""
    if fmt == 3:
        data = b"".join(struct.pack("<f", s) for s in samples)
        bits = 32
    elif bits == 8:
        data = bytes(max(0, min(255, int(128 + 127 * s))) for s in samples)
    else:
        data = b"".join(struct.pack("<h", max(-32768, min(32767, int(32767 * s)))) for s in samples)
    block = channels * bits // 8
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels, rate if rate_field is None else rate_field,
                            rate * block, block, bits)
    fmt_chunk += b"\0" * (fmt_size - 16) if fmt_size > 16 else b""
    size = len(data) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", fmt_size) + fmt_chunk[:max(fmt_size, 16)] + b"data" + \
        struct.pack("<I", size & 0xFFFFFFFF) + data
    return b"RIFF" + struct.pack("<I", (len(body)) & 0xFFFFFFFF) + body


def tone(seconds, rate=16000, freq=220.0, channels=1):
    n = int(seconds * rate)
    return [0.3 * math.sin(2 * math.pi * freq * (i // channels) / rate) for i in range(n * channels)]


def write_broken_models(good, root):
    """Broken copies of a model folder, one defect each."""
    import json
    os.makedirs(root, exist_ok=True)
    st = open(os.path.join(good, "model.safetensors"), "rb").read()
    n = struct.unpack("<Q", st[:8])[0]
    header = json.loads(st[8:8 + n])
    data = st[8 + n:]
    config = json.load(open(os.path.join(good, "config.json")))
    vocab = json.load(open(os.path.join(good, "vocab.json")))
    names = sorted(k for k in header if k != "__metadata__")
    cases = []

    def folder(case, safetensors=st, cfg=None, voc=None, drop=()):
        d = os.path.join(root, case)
        os.makedirs(d, exist_ok=True)
        for name in ("config.json", "vocab.json", "preprocessor_config.json", "model.safetensors"):
            p = os.path.join(d, name)
            if os.path.exists(p):
                os.remove(p)
        files = {"model.safetensors": safetensors,
                 "config.json": json.dumps(config if cfg is None else cfg).encode() if not isinstance(cfg, bytes) else cfg,
                 "vocab.json": json.dumps(vocab if voc is None else voc).encode() if not isinstance(voc, bytes) else voc}
        pre = os.path.join(good, "preprocessor_config.json")
        if os.path.exists(pre):
            files["preprocessor_config.json"] = open(pre, "rb").read()
        for name, content in files.items():
            if name not in drop:
                with open(os.path.join(d, name), "wb") as f:
                    f.write(content)
        cases.append(case)

    def with_header(h, payload=data):
        text = json.dumps(h).encode()
        return struct.pack("<Q", len(text)) + text + payload

    folder("st-header-length-past-end", struct.pack("<Q", len(st) + 1000) + st[8:])
    folder("st-huge-header-length", struct.pack("<Q", 1 << 62) + st[8:])
    folder("st-header-not-json", struct.pack("<Q", n) + b"{" * n + data)
    folder("st-truncated-data", st[: 8 + n + len(data) // 2])
    folder("st-only-eight-bytes", st[:8])
    h = json.loads(json.dumps(header)); a, b = names[0], names[1]
    h[b]["data_offsets"] = [h[a]["data_offsets"][0], h[a]["data_offsets"][0] + (h[b]["data_offsets"][1] - h[b]["data_offsets"][0])]
    folder("st-overlapping-offsets", with_header(h))
    h = json.loads(json.dumps(header)); h[a]["data_offsets"] = [len(data) - 4, len(data) + 4096]
    folder("st-offsets-out-of-range", with_header(h))
    h = json.loads(json.dumps(header)); h[a]["dtype"] = "I64"
    folder("st-unsupported-dtype", with_header(h))
    h = json.loads(json.dumps(header)); h[a]["shape"] = [x + 1 for x in h[a]["shape"]]
    folder("st-shape-disagrees-with-bytes", with_header(h))
    h = json.loads(json.dumps(header)); del h["lm_head.weight"]
    folder("st-missing-tensor", with_header(h))
    folder("no-weights", drop=("model.safetensors",))
    folder("no-config", drop=("config.json",))
    folder("config-not-json", cfg=b"{ this is not json")
    c = dict(config); del c["hidden_size"]
    folder("config-missing-hidden-size", cfg=c)
    c = dict(config); c["num_hidden_layers"] = -3
    folder("config-negative-layers", cfg=c)
    c = dict(config); c["hidden_size"] = 10 ** 12
    folder("config-absurd-hidden-size", cfg=c)
    c = dict(config); c["num_attention_heads"] = 7
    folder("config-heads-do-not-divide", cfg=c)
    c = dict(config); c["conv_kernel"] = []
    folder("config-empty-conv-stack", cfg=c)
    c = dict(config); c["hidden_size"] = c["hidden_size"] * 2
    folder("config-disagrees-with-weights", cfg=c)
    # Checkpoints may pad the output layer beyond the vocabulary: accepted with a warning naming vocab.json.
    folder("vocab-smaller-than-model", voc={"<pad>": 0, "A": 1, "B": 2})
    cases[-1] += "\twarn"
    folder("vocab-larger-than-model", voc={**vocab, **{f"X{i}": 100 + i for i in range(100)}})
    folder("vocab-not-json", voc=b"[1, 2")
    with open(os.path.join(root, "cases.txt"), "w") as f:
        f.write("\n".join(c if "\t" in c else c + "\terror" for c in cases) + "\n")
    print(f"{len(cases)} broken model folders in {root}", file=sys.stderr)


def write_broken_language_models(arpa, w2lm, root):
    """Broken ARPA and .w2lm files, one defect each, for `w2v2 lm-compile`. cases.txt: "<name>\t<line>" with
    the ARPA line the error must name ("-" where no line applies: gzip and .w2lm defects)."""
    import gzip
    os.makedirs(root, exist_ok=True)
    text = open(arpa, encoding="utf-8").read()
    lines = text.split("\n")
    cases = []

    def put(name, data, line="-"):
        with open(os.path.join(root, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        cases.append(f"{name}\t{line}")

    def first(prefix):  # the 1-based number of the first line starting with `prefix`
        return next(i for i, l in enumerate(lines) if l.startswith(prefix)) + 1

    def edit(number, new):  # the text with line `number` replaced (None: removed)
        copy = list(lines)
        if new is None:
            del copy[number - 1]
        else:
            copy[number - 1] = new
        return "\n".join(copy)

    bigram = first("-0.5\ta b")
    put("empty.arpa", b"", 1)
    put("blank-lines-only.arpa", "\n\n\n", 3)
    put("no-data-line.arpa", edit(first("\\data\\"), "data"), first("\\data\\"))
    put("no-end-line.arpa", text.replace("\\end\\", ""), len(lines))
    put("count-disagrees.arpa", text.replace("ngram 2=5", "ngram 2=6"), first("\\3-grams:") - 1)
    put("nan-probability.arpa", edit(bigram, "nan\ta b\t-0.15"), bigram)
    put("inf-probability.arpa", edit(bigram, "-inf\ta b\t-0.15"), bigram)
    put("positive-probability.arpa", edit(bigram, "0.5\ta b\t-0.15"), bigram)
    put("infinite-backoff.arpa", edit(bigram, "-0.5\ta b\tinf"), bigram)
    put("wrong-order.arpa", edit(bigram, "-0.5\ta b c\t-0.15"), bigram)
    put("too-few-words.arpa", edit(bigram, "-0.5\ta"), bigram)
    put("duplicate-ngram.arpa", edit(bigram + 1, lines[bigram - 1].split("\t-")[0]), bigram + 1)
    put("unknown-word.arpa", edit(bigram, "-0.5\ta zebra\t-0.15"), bigram)
    put("truncated.arpa", text[: text.index("\\2-grams:") + 30], len(text[: text.index("\\2-grams:") + 30].split("\n")))
    put("nul-bytes.arpa", text.replace("-1.2\tc", "-1.2\tc\0\0"), first("-1.2\tc"))
    junk = bytes(random.Random(5).getrandbits(8) for _ in range(2048)) + b"\0"
    put("binary-junk.arpa", junk, junk[: junk.index(b"\0")].count(b"\n") + 1)  # the line of the first NUL
    put("order-seven.arpa", "\\data\\\n" + "".join(f"ngram {n}=1\n" for n in range(1, 8)), 8)
    put("text-named-gz.arpa.gz", "this is not a language model\n", 1)
    gz = gzip.compress(text.encode("utf-8"))
    put("truncated.arpa.gz", gz[: len(gz) // 2])
    put("corrupt.arpa.gz", gz[:12] + bytes(b ^ 0x5A for b in gz[12:40]) + gz[40:])
    put("gzip-magic-only.arpa.gz", b"\x1f\x8b" + b"not gzip data" * 4)
    junk = bytes(random.Random(6).getrandbits(8) for _ in range(999)) + b"\0"
    put("gzip-of-junk.arpa.gz", gzip.compress(junk), junk[: junk.index(b"\0")].count(b"\n") + 1)
    image = open(w2lm, "rb").read()

    def patched(at, fmt, value):
        b = bytearray(image)
        struct.pack_into(fmt, b, at, value)
        return bytes(b)

    # .w2lm header (src/lm/w2lm_file.h): version at 8, order at 16, counts at 32, file size at 80, sections
    # {u64 offset, u64 size} from 88.
    put("bad-magic.w2lm", b"w2v2LM" + image[6:])
    put("other-version.w2lm", patched(8, "<I", 99))
    put("order-zero.w2lm", patched(16, "<I", 0))
    put("header-only.w2lm", image[:256])
    put("truncated-header.w2lm", image[:100])
    put("truncated-sections.w2lm", image[: len(image) - 16])
    put("offset-past-end.w2lm", patched(88, "<Q", 1 << 40))
    put("offset-inside-header.w2lm", patched(88 + 16 * 6, "<Q", 16))
    put("count-disagrees.w2lm", patched(32 + 8, "<Q", 1000))
    inner1 = struct.unpack_from("<Q", image, 88)[0]
    put("child-index-out-of-range.w2lm", patched(inner1 + 16 * 3 + 12, "<I", 0xFFFFFF))
    with open(os.path.join(root, "cases.txt"), "w") as f:
        f.write("\n".join(cases) + "\n")
    print(f"{len(cases)} broken language models in {root}", file=sys.stderr)


def write_ffmpeg_cases(put, good_wav, rng):
    """Broken and good files in the containers FFmpeg reads. False when there is no ffmpeg CLI."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        def made(name, *args):
            path = os.path.join(tmp, name)
            subprocess.run([ffmpeg, "-hide_banner", "-loglevel", "error", "-y", *args, path], check=True)
            return open(path, "rb").read()

        source = os.path.join(tmp, "source.wav")
        with open(source, "wb") as f:
            f.write(good_wav)
        m4a = made("a.m4a", "-i", source, "-c:a", "aac", "-b:a", "96k")
        put("good-aac.m4a", m4a, "ok")
        # The muxer writes moov after mdat: cut before it, the file has no index.
        put("truncated-no-moov.m4a", m4a[: m4a.find(b"moov") - 4], "error")
        faststart = made("f.m4a", "-i", source, "-c:a", "aac", "-movflags", "+faststart")
        put("truncated-mid-mdat.m4a", faststart[: len(faststart) * 2 // 3], "any")  # index, but samples cut
        put("video-only.mp4", made("v.mp4", "-f", "lavfi", "-i", "color=c=red:s=32x32:r=5", "-t", "1",
                                   "-c:v", "mpeg4"), "error")
        webm = made("o.webm", "-i", source, "-c:a", "libopus")
        put("good-opus.webm", webm, "ok")
        # A codec this FFmpeg does not know: the Matroska codec ID renamed.
        put("unknown-codec.mkv", webm.replace(b"A_OPUS", b"A_QQQQ", 1), "error")
        mid = bytearray(webm)
        for k in range(len(mid) // 2, len(mid) // 2 + 300):
            mid[k] = rng.getrandbits(8)
        put("corrupted-middle.webm", bytes(mid), "any")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--good", nargs="*", default=[], help="real audio files to mix in (expected ok)")
    ap.add_argument("--model", help="a good model folder (config.json, vocab.json, model.safetensors) to break")
    ap.add_argument("--lm", nargs=2, metavar=("ARPA", "W2LM"),
                    help="a good ARPA file and its .w2lm form to break (written to OUT/../hostile-lms)")
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    rng = random.Random(1234)
    expected = {}

    def put(name, data, outcome):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        expected[name] = outcome

    for i, good in enumerate(args.good):
        name = f"good-{i}{os.path.splitext(good)[1]}"
        shutil.copyfile(good, os.path.join(out, name))
        expected[name] = "ok"
    ok_tone = tone(1.0)

    put("empty.wav", b"", "error")
    put("header-only.wav", wav_bytes([]), "error")
    put("riff-only.wav", b"RIFF", "error")
    put("text-file.wav", b"this is a text file, not audio\n" * 20, "error")
    put("random-bytes.wav", bytes(rng.getrandbits(8) for _ in range(4096)), "error")
    put("random-bytes.flac", bytes(rng.getrandbits(8) for _ in range(4096)), "error")
    put("random-bytes.mp3", bytes(rng.getrandbits(8) for _ in range(4096)), "error")
    put("random-bytes.ogg", b"OggS" + bytes(rng.getrandbits(8) for _ in range(4096)), "error")
    put("id3-only.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\0" * 10, "error")
    put("fLaC-magic-only.flac", b"fLaC\x00\x00\x00\x22" + b"\0" * 10, "error")
    put("nan-samples.wav", wav_bytes([0.1, float("nan"), 0.2] * 4000, fmt=3), "error")
    put("inf-samples.wav", wav_bytes([0.1, float("inf"), 0.2] * 4000, fmt=3), "error")
    put("zero-channels.wav", wav_bytes(ok_tone, channels=0), "error")
    put("one-hz.wav", wav_bytes(ok_tone, rate=1), "error")
    put("absurd-rate.wav", wav_bytes(ok_tone, rate=4000000), "error")
    put("unknown-format-tag.wav", wav_bytes(ok_tone, fmt=0x9999), "error")
    put("absurd-declared-length.wav", wav_bytes(ok_tone, data_size=0xFFFFFFF0), "any")
    put("huge-fmt-chunk.wav", wav_bytes(ok_tone, fmt_size=0x7FFFFFF0), "any")  # libsndfile reads on
    put("odd-data-size.wav", wav_bytes(ok_tone)[:-1], "any")
    put("truncated-mid-header.wav", wav_bytes(ok_tone)[:30], "error")
    put("zero-sample-float.wav", wav_bytes([], fmt=3), "error")
    put("one-sample.wav", wav_bytes([0.5]), "ok")  # shorter than one frame: an empty transcript
    put("silence.wav", wav_bytes([0.0] * 16000), "ok")
    put("full-scale-square.wav", wav_bytes([1.0 if (i // 40) % 2 else -1.0 for i in range(16000)]), "ok")
    put("huge-float-values.wav", wav_bytes([1e30 * s for s in ok_tone], fmt=3), "any")
    put("64-channels.wav", wav_bytes(tone(0.5, channels=64), channels=64), "ok")
    put("8-bit-unsigned.wav", wav_bytes(ok_tone, bits=8), "ok")
    put("name with spaces.wav", wav_bytes(ok_tone), "ok")
    put("ünïcødé-日本語.wav", wav_bytes(ok_tone), "ok")
    put("ends-in-garbage.wav", wav_bytes(ok_tone) + bytes(rng.getrandbits(8) for _ in range(999)), "any")
    # For FFmpeg: any container, found by content.
    put("jpeg-data.m4a", bytes.fromhex("ffd8ffe000104a46494600010100000100010000") + bytes(300) + b"\xff\xd9",
        "error")
    put("zero-length.webm", b"", "error")
    put("random-bytes.mp4", bytes(rng.getrandbits(8) for _ in range(4096)), "error")
    put("ftyp-only.mp4", struct.pack(">I", 24) + b"ftypisom" + b"\0\0\x02\0isommp41", "error")
    if not write_ffmpeg_cases(put, wav_bytes(tone(1.0, freq=330.0)), rng):
        print("no ffmpeg CLI: the MP4/MKV/WebM cases are left out", file=sys.stderr)
    for good in args.good:
        if good.endswith(".flac"):
            data = open(good, "rb").read()
            put("truncated.flac", data[: len(data) // 3], "any")  # decodes up to the cut, or fails cleanly
            put("truncated-in-header.flac", data[:50], "error")
            mid = bytearray(data)
            for k in range(len(mid) // 2, len(mid) // 2 + 400):
                mid[k] = rng.getrandbits(8)
            put("corrupted-middle.flac", bytes(mid), "any")
            break
    # File-system oddities.
    os.makedirs(os.path.join(out, "directory.wav"), exist_ok=True)
    expected["directory.wav"] = "skip"  # a folder: walked, not an input
    for name, target in (("symlink-loop.wav", "symlink-loop.wav"), ("dangling-link.wav", "no-such-file.wav")):
        path = os.path.join(out, name)
        if os.path.lexists(path):
            os.remove(path)
        os.symlink(target, path)
        expected[name] = "error"
    unreadable = os.path.join(out, "unreadable.wav")
    with open(unreadable, "wb") as f:
        f.write(wav_bytes(ok_tone))
    os.chmod(unreadable, 0)
    expected["unreadable.wav"] = "any"  # root reads it anyway

    if args.lm:
        write_broken_language_models(args.lm[0], args.lm[1],
                                     os.path.join(os.path.dirname(os.path.abspath(out)), "hostile-lms"))
    if args.model:
        write_broken_models(args.model, os.path.join(os.path.dirname(os.path.abspath(out)), "hostile-models"))

    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        for name in sorted(expected):
            f.write(f"{name}\t{expected[name]}\n")
    cases = sum(1 for v in expected.values() if v != "skip")
    print(f"{cases} inputs ({sum(1 for v in expected.values() if v == 'error')} must fail) in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
