#!/usr/bin/env python3
"""Writes the parity fixtures under tests/fixtures/ with Debian's python3-torchaudio (the reference).

Tiny random-weight Wav2Vec2ForCTC checkpoints of both published families, in both file formats and
both weight-norm namings, plus reference logits and greedy transcripts for a few 16 kHz WAV signals.

    /usr/bin/python3 scripts/make_reference_fixtures.py [--out tests/fixtures]

torchaudio.models.wav2vec2_model has the Hugging Face module tree; its state-dict names map to the
Hugging Face names by prefix (see PREFIXES). Norm weights and biases are perturbed away from their
initial values so that a loader that skips them fails the parity tests.
"""
import argparse
import json
import os
import wave

import numpy as np
import torch
import torchaudio

import w2v2_hf
from w2v2_hf import VOCAB, greedy_decode, hf_name, write_safetensors

CONV = [(16, 10, 5), (16, 3, 2), (16, 3, 2), (16, 3, 2), (16, 3, 2), (16, 2, 2), (16, 2, 2)]  # the published stack, narrow
HIDDEN, LAYERS, HEADS, FFN, POS_KERNEL, POS_GROUPS = 32, 2, 4, 48, 8, 4

FAMILIES = {
    # name: (extractor_mode, conv_bias, layer_norm_first)
    "group": ("group_norm", False, False),  # wav2vec2-base-960h family
    "layer": ("layer_norm", True, True),    # wav2vec2-large-960h-lv60-self family
}

SIGNALS = {"sig_a": 16000, "sig_b": 8800, "sig_c": 12345}  # samples at 16 kHz


def hf_config(family):
    mode, conv_bias, norm_first = FAMILIES[family]
    return w2v2_hf.hf_config(CONV, conv_bias, mode == "layer_norm", norm_first, HIDDEN, LAYERS, HEADS, FFN, POS_KERNEL,
                             POS_GROUPS, apply_spec_augment=True, hidden_dropout=0.1, mask_time_prob=0.05)

def build_model(family, seed):
    mode, conv_bias, norm_first = FAMILIES[family]
    torch.manual_seed(seed)
    model = torchaudio.models.wav2vec2_model(
        extractor_mode=mode, extractor_conv_layer_config=CONV, extractor_conv_bias=conv_bias,
        encoder_embed_dim=HIDDEN, encoder_projection_dropout=0.0, encoder_pos_conv_kernel=POS_KERNEL,
        encoder_pos_conv_groups=POS_GROUPS, encoder_num_layers=LAYERS, encoder_num_heads=HEADS,
        encoder_attention_dropout=0.0, encoder_ff_interm_features=FFN, encoder_ff_interm_dropout=0.0,
        encoder_dropout=0.0, encoder_layer_norm_first=norm_first, encoder_layer_drop=0.0,
        aux_num_out=len(VOCAB))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "layer_norm" in name or "norm" in name.split(".")[-2]:
                p.copy_((1.0 + 0.3 * torch.randn_like(p)) if name.endswith("weight") else 0.2 * torch.randn_like(p))
            elif name.endswith("weight_g"):
                p.mul_(1.0 + 0.3 * torch.rand_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
        # A sharper output layer so that the greedy transcripts are not all blank.
        model.aux.weight.mul_(8.0)
    return model.eval()


def hf_state(model, naming):
    state = {}
    for name, t in model.state_dict().items():
        key = hf_name(name)
        if naming == "parametrizations":
            key = key.replace("conv.weight_g", "conv.parametrizations.weight.original0")
            key = key.replace("conv.weight_v", "conv.parametrizations.weight.original1")
        state[key] = t.detach().clone().contiguous()
    state["wav2vec2.masked_spec_embed"] = torch.rand(HIDDEN)  # an extra key real checkpoints carry
    return state


def make_signal(n, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 16000.0
    freq = 150 + 900 * t / max(t[-1], 1e-9)
    x = 0.4 * np.sin(2 * np.pi * np.cumsum(freq) / 16000.0) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
    x += 0.05 * rng.standard_normal(n)
    return np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)


def write_wav(path, samples):
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.astype("<i2").tobytes())


def normalize(x):
    # Wav2Vec2FeatureExtractor.zero_mean_unit_var_norm on float32 input.
    return (x - x.mean()) / np.sqrt(x.var() + 1e-7)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures"))
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    audio_dir = os.path.join(out, "audio")
    os.makedirs(audio_dir, exist_ok=True)
    signals = {}
    for i, (name, n) in enumerate(SIGNALS.items()):
        pcm = make_signal(n, 100 + i)
        write_wav(os.path.join(audio_dir, name + ".wav"), pcm)
        signals[name] = normalize(pcm.astype(np.float32) / 32768.0).astype(np.float32)

    variants = {"group": [("st", "weight_g"), ("bin", "parametrizations")],
                "layer": [("st", "parametrizations"), ("bin", "weight_g")]}
    for seed, family in enumerate(FAMILIES):
        model = build_model(family, 1234 + seed)
        for fmt, naming in variants[family]:
            folder = os.path.join(out, "models", f"tiny-{family}-{fmt}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "config.json"), "w") as f:
                json.dump(hf_config(family), f, indent=2)
            with open(os.path.join(folder, "vocab.json"), "w") as f:
                json.dump(VOCAB, f)
            with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
                json.dump({"do_normalize": True, "feature_size": 1, "padding_side": "right", "padding_value": 0.0,
                           "return_attention_mask": family == "layer", "sampling_rate": 16000}, f, indent=2)
            state = hf_state(model, naming)
            if fmt == "st":
                write_safetensors(state, os.path.join(folder, "model.safetensors"))
            else:
                torch.save(state, os.path.join(folder, "pytorch_model.bin"))
        ref_dir = os.path.join(out, "reference", family)
        os.makedirs(ref_dir, exist_ok=True)
        lines = []
        with torch.inference_mode():
            for name, x in signals.items():
                logits, _ = model(torch.from_numpy(x)[None])
                logits = logits[0].numpy().astype("<f4")
                np.save(os.path.join(ref_dir, name + ".npy"), logits)
                lines.append(f"{name}.wav\t{greedy_decode(logits)}")
        with open(os.path.join(ref_dir, "transcripts.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print(family, "torchaudio", torchaudio.__version__, "->", ref_dir, *lines, sep="\n  ")


if __name__ == "__main__":
    main()
