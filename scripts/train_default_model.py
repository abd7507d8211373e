#!/usr/bin/env python3
"""Trains the shipped default model (models/default) with CTC on synthetic espeak-ng speech, on CPU.

    /usr/bin/python3 scripts/train_default_model.py --data work/synth-train --eval data/librispeech-mini \
        --work work/train --minutes 60          # resumable: run again to continue from work/train/checkpoint.pt
    /usr/bin/python3 scripts/train_default_model.py --work work/train --export models/default --eval ...

A small Wav2Vec2ForCTC of the published architecture family (torchaudio.models.wav2vec2_model): layer-norm
feature extractor with conv bias and a pre-norm ("stable layer norm") transformer, the published conv stack
(20 ms frames) with narrow channels, and the 32-symbol character vocabulary of wav2vec2-base-960h, so the
exported folder is interchangeable with real checkpoints. The run stops after --minutes (wall clock) or
--max-steps and always leaves a checkpoint; the learning-rate schedule is fixed by --total-steps so that a
run split over many invocations follows the same curve.
"""
import argparse
import glob
import json
import math
import os
import random
import signal
import sys
import time

import torch
import torch.nn.functional as F
import torchaudio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w2v2_hf  # noqa: E402

CONV = [(64, 10, 5), (64, 3, 2), (64, 3, 2), (96, 3, 2), (96, 3, 2), (128, 2, 2), (128, 2, 2)]
ARCH = dict(hidden=192, layers=6, heads=4, ffn=768, pos_kernel=128, pos_groups=16)
CHAR_TO_ID = {c: i for c, i in w2v2_hf.VOCAB.items() if len(c) == 1}


def build_model():
    return torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm", extractor_conv_layer_config=CONV, extractor_conv_bias=True,
        encoder_embed_dim=ARCH["hidden"], encoder_projection_dropout=0.05, encoder_pos_conv_kernel=ARCH["pos_kernel"],
        encoder_pos_conv_groups=ARCH["pos_groups"], encoder_num_layers=ARCH["layers"],
        encoder_num_heads=ARCH["heads"], encoder_attention_dropout=0.05, encoder_ff_interm_features=ARCH["ffn"],
        encoder_ff_interm_dropout=0.05, encoder_dropout=0.05, encoder_layer_norm_first=True,
        encoder_layer_drop=0.0, aux_num_out=len(w2v2_hf.VOCAB))


def hf_config():
    return w2v2_hf.hf_config(CONV, True, True, True, ARCH["hidden"], ARCH["layers"], ARCH["heads"], ARCH["ffn"],
                             ARCH["pos_kernel"], ARCH["pos_groups"])


def read_librispeech(root):
    """[(id, flac path, text)] from a LibriSpeech-layout tree, sorted by id."""
    items = []
    for trans in glob.glob(os.path.join(root, "**", "*.trans.txt"), recursive=True):
        folder = os.path.dirname(trans)
        with open(trans) as f:
            for line in f:
                utt, _, text = line.strip().partition(" ")
                if utt:
                    items.append((utt, os.path.join(folder, utt + ".flac"), text))
    return sorted(items)


def load_audio(items, cache):
    """int16 waveforms (16 kHz), cached in one file for fast restarts."""
    if cache and os.path.exists(cache):
        data = torch.load(cache)
        if data["ids"] == [i for i, _, _ in items]:
            return data["waves"]
    waves = []
    for n, (_, path, _) in enumerate(items):
        w, sr = torchaudio.load(path)
        assert sr == 16000, path
        waves.append((w.mean(0) * 32767).round().clamp(-32768, 32767).to(torch.int16))
        if n % 1000 == 999:
            print(f"loaded {n + 1}/{len(items)}", file=sys.stderr)
    if cache:
        torch.save({"ids": [i for i, _, _ in items], "waves": waves}, cache + ".tmp")
        os.replace(cache + ".tmp", cache)
    return waves


def normalize(x):
    return (x - x.mean()) / torch.sqrt(x.var(unbiased=False) + 1e-7)


def encode_text(text):
    return [CHAR_TO_ID["|"] if c == " " else CHAR_TO_ID[c] for c in text if c == " " or c in CHAR_TO_ID]


def make_batches(lengths, batch_samples, rng):
    """Length-sorted buckets capped at batch_samples of padded audio, in random order."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i] + rng.random() * 8000)
    batches, cur, longest = [], [], 0
    for i in order:
        longest2 = max(longest, lengths[i])
        if cur and longest2 * (len(cur) + 1) > batch_samples:
            batches.append(cur)
            cur, longest2 = [], lengths[i]
        cur.append(i)
        longest = longest2
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(indices, waves, targets, augment, rng):
    xs = []
    for i in indices:
        x = waves[i].float() / 32768.0
        if augment:
            x = x * (10 ** (rng.uniform(-6, 6) / 20))
            if rng.random() < 0.5:
                x = x + torch.randn_like(x) * rng.uniform(0.0, 0.01)
        xs.append(normalize(x))
    lengths = torch.tensor([len(x) for x in xs])
    batch = torch.zeros(len(xs), int(lengths.max()))
    for b, x in enumerate(xs):
        batch[b, : len(x)] = x
    ys = [torch.tensor(targets[i]) for i in indices]
    return batch, lengths, torch.cat(ys), torch.tensor([len(y) for y in ys])


def lr_at(step, peak, warmup, total, restart_at=0):
    """Linear warm-up, then cosine to 2 % of peak at `total`; restart_at > 0 starts a warm restart there."""
    step -= restart_at
    total -= restart_at
    if step < warmup:
        return peak * (step + 1) / warmup
    t = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * t)))


def mask_time(features, lengths, prob, span, rng):
    """SpecAugment-style time masking of the feature-extractor output (B, T, C): spans of `span` frames
    covering about `prob` of each utterance are zeroed (after the projection's layer norm they read as a
    constant mask vector)."""
    mask = torch.zeros(features.shape[:2], dtype=torch.bool)
    for b, n in enumerate(lengths.tolist()):
        for _ in range(int(prob * n / span + rng.random())):
            start = rng.randrange(max(1, n - span))
            mask[b, start:start + span] = True
    return features.masked_fill(mask[..., None], 0.0)


def forward(model, x, lengths, mask_prob, mask_span, rng):
    """Wav2Vec2Model.forward with optional time masking between the feature extractor and the encoder."""
    features, lengths = model.feature_extractor(x, lengths)  # (B, T, C)
    if mask_prob > 0:
        features = mask_time(features, lengths, mask_prob, mask_span, rng)
    return model.aux(model.encoder(features, lengths)), lengths  # (B, T, vocab)


@torch.inference_mode()
def evaluate(model, items, waves, limit=None):
    model.eval()
    errors_c = errors_w = chars = words = 0
    examples = []
    for k, (utt, _, text) in enumerate(items[:limit]):
        x = normalize(waves[k].float() / 32768.0)[None]
        logits, _ = model(x)
        hyp = w2v2_hf.greedy_decode(logits[0])
        errors_c += w2v2_hf.edit_distance(text, hyp)
        chars += len(text)
        errors_w += w2v2_hf.edit_distance(text.split(), hyp.split())
        words += len(text.split())
        if len(examples) < 3:
            examples.append((text, hyp))
    model.train()
    return errors_c / max(1, chars), errors_w / max(1, words), examples


def save_checkpoint(path, model, optimizer, step, meta):
    tmp = path + ".tmp"
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step, "meta": meta}, tmp)
    os.replace(tmp, path)


def export(model, out, meta):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(hf_config(), f, indent=2)
    with open(os.path.join(out, "vocab.json"), "w") as f:
        json.dump(w2v2_hf.VOCAB, f)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump(w2v2_hf.PREPROCESSOR_CONFIG, f, indent=2)
    w2v2_hf.write_safetensors(w2v2_hf.hf_state_dict(model), os.path.join(out, "model.safetensors"),
                              {"format": "pt", "step": str(meta["step"])})
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"exported {out}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=["work/synth-train"], help="LibriSpeech-layout training corpora")
    ap.add_argument("--eval", default="data/librispeech-mini", help="held-out LibriSpeech-layout corpus")
    ap.add_argument("--work", default="work/train", help="checkpoint and cache folder")
    ap.add_argument("--export", default=None, help="write the Hugging Face folder here and stop")
    ap.add_argument("--init-from", default=None,
                    help="without a checkpoint in --work: start from an exported folder (weights and step; the "
                         "optimizer state starts fresh), e.g. models/default on a new machine")
    ap.add_argument("--minutes", type=float, default=30.0, help="wall-clock budget of this invocation")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--total-steps", type=int, default=6000, help="length of the learning-rate schedule")
    ap.add_argument("--peak-lr", type=float, default=1.5e-3)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--restart-at", type=int, default=0,
                    help="warm restart: the warm-up and cosine start again at this step (0: from step 0)")
    ap.add_argument("--mask-prob", type=float, default=0.0, help="fraction of frames time-masked in training")
    ap.add_argument("--mask-span", type=int, default=5, help="frames per time mask (20 ms each)")
    ap.add_argument("--batch-seconds", type=float, default=48.0)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.work, exist_ok=True)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    model = build_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.peak_lr, betas=(0.9, 0.98), eps=1e-8, weight_decay=0.01)
    step, meta = 0, {"log": [], "train_seconds": 0.0}
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        step, meta = ckpt["step"], ckpt["meta"]
        print(f"resumed at step {step} ({meta['train_seconds'] / 60:.1f} min trained)", file=sys.stderr)
    elif args.init_from:
        weights = w2v2_hf.read_safetensors(os.path.join(args.init_from, "model.safetensors"))
        model.load_state_dict({w2v2_hf.torchaudio_name(k): v for k, v in weights.items()
                               if w2v2_hf.torchaudio_name(k) is not None})
        with open(os.path.join(args.init_from, "training.json")) as f:
            previous = json.load(f)
        step = previous["step"]
        meta = {"log": previous.get("log", []), "train_seconds": previous.get("train_seconds", 0.0)}
        print(f"initialized from {args.init_from} at step {step}", file=sys.stderr)
    params = sum(p.numel() for p in model.parameters())

    eval_items = read_librispeech(args.eval) if args.eval and os.path.isdir(args.eval) else []
    eval_waves = load_audio(eval_items, None) if eval_items else []
    if args.export:
        cer, wer, examples = evaluate(model, eval_items, eval_waves) if eval_items else (None, None, [])
        meta.update({"step": step, "parameters": params, "eval_cer": cer, "eval_wer": wer, "eval_set": args.eval,
                     "config": {"conv": CONV, **ARCH}, "examples": examples})
        export(model, args.export, meta)
        return

    corpora = [(root, read_librispeech(root)) for root in args.data]
    for root, corpus in corpora:
        assert corpus, f"no utterances under {root}"
    items = [item for _, corpus in corpora for item in corpus]
    assert len({i for i, _, _ in items}) == len(items), "utterance ids repeat across corpora"
    eval_texts = {t for _, _, t in eval_items}
    overlap = sum(1 for _, _, t in items if t in eval_texts)
    assert overlap == 0, f"{overlap} training sentences also appear in the evaluation set"
    waves = [w for root, corpus in corpora for w in load_audio(
        corpus, os.path.join(args.work, f"train-audio-{os.path.basename(root.rstrip('/'))}.pt"))]
    targets = [encode_text(t) for _, _, t in items]
    lengths = [len(w) for w in waves]
    hours = sum(lengths) / 16000 / 3600
    print(f"{len(items)} utterances, {hours:.2f} h; model {params / 1e6:.2f} M parameters", file=sys.stderr)

    rng = random.Random(args.seed * 7919 + step)
    model.train()
    start = time.time()
    stop_requested = []
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.append(True))  # checkpoint, then exit
    batch_samples = int(args.batch_seconds * 16000)
    while True:
        for indices in make_batches(lengths, batch_samples, rng):
            if (stop_requested or time.time() - start > args.minutes * 60
                    or (args.max_steps and step >= args.max_steps)):
                meta["train_seconds"] += time.time() - start
                save_checkpoint(ckpt_path, model, optimizer, step, meta)
                print(f"stopped at step {step}; checkpoint {ckpt_path}", file=sys.stderr)
                return
            lr = lr_at(step, args.peak_lr, args.warmup, args.total_steps, args.restart_at)
            for group in optimizer.param_groups:
                group["lr"] = lr
            x, x_len, y, y_len = collate(indices, waves, targets, True, rng)
            logits, out_len = forward(model, x, x_len, args.mask_prob, args.mask_span, rng)
            log_probs = F.log_softmax(logits, dim=-1).transpose(0, 1)  # (T, B, V)
            loss = F.ctc_loss(log_probs, y, out_len, y_len, blank=0, zero_infinity=True)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            grad = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            if torch.isfinite(loss) and torch.isfinite(grad):
                optimizer.step()
            step += 1
            if step % 25 == 0:
                elapsed = meta["train_seconds"] + time.time() - start
                print(f"step {step} loss {loss.item():.3f} lr {lr:.2e} grad {grad:.2f} {elapsed / 60:.1f} min",
                      file=sys.stderr, flush=True)
            if step % args.eval_every == 0 and eval_items:
                cer, wer, examples = evaluate(model, eval_items, eval_waves, limit=40)
                meta["log"].append({"step": step, "minutes": (meta["train_seconds"] + time.time() - start) / 60,
                                    "cer": cer, "wer": wer})
                print(f"eval step {step}: CER {cer:.3f} WER {wer:.3f} | {examples[0][1]!r}", file=sys.stderr, flush=True)
                save_checkpoint(ckpt_path, model, optimizer, step,
                                {**meta, "train_seconds": meta["train_seconds"] + time.time() - start})


if __name__ == "__main__":
    main()
