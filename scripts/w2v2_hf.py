"""Shared helpers for the Python scripts: the wav2vec2-base-960h character vocabulary, torchaudio <->
Hugging Face parameter names, Hugging Face config.json for a torchaudio wav2vec2_model, and a
dependency-free safetensors writer. Python side only (Debian's python3-torch / python3-torchaudio)."""
import json
import struct

import torch

# The 32-symbol character vocabulary of facebook/wav2vec2-base-960h.
VOCAB = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4, "E": 5, "T": 6, "A": 7, "O": 8, "N": 9,
         "I": 10, "H": 11, "S": 12, "R": 13, "D": 14, "L": 15, "U": 16, "M": 17, "W": 18, "C": 19,
         "F": 20, "G": 21, "Y": 22, "P": 23, "B": 24, "V": 25, "K": 26, "'": 27, "X": 28, "J": 29,
         "Q": 30, "Z": 31}

# torchaudio.models.wav2vec2_model state-dict prefix -> Hugging Face Wav2Vec2ForCTC prefix.
PREFIXES = [
    ("feature_extractor.", "wav2vec2.feature_extractor."),
    ("encoder.feature_projection.", "wav2vec2.feature_projection."),
    ("encoder.transformer.", "wav2vec2.encoder."),
    ("aux.", "lm_head."),
]


def hf_name(name):
    for old, new in PREFIXES:
        if name.startswith(old):
            return new + name[len(old):]
    raise ValueError(f"no Hugging Face name for {name}")


def torchaudio_name(name):
    for old, new in PREFIXES:
        if name.startswith(new):
            return old + name[len(new):]
    return None


def read_safetensors(path):
    """name -> float32 tensor, for the F32 files write_safetensors makes."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{name}: {entry['dtype']}"
        begin, end = entry["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(entry["shape"])
    return out


def hf_state_dict(model):
    return {hf_name(k): v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def hf_config(conv, conv_bias, layer_norm_extractor, stable_layer_norm, hidden, layers, heads, ffn,
              pos_kernel, pos_groups, vocab_size=len(VOCAB), **extra):
    """config.json for torchaudio.models.wav2vec2_model(...) with the same arguments."""
    config = {
        "architectures": ["Wav2Vec2ForCTC"], "model_type": "wav2vec2",
        "conv_dim": [c for c, _, _ in conv], "conv_kernel": [k for _, k, _ in conv],
        "conv_stride": [s for _, _, s in conv], "conv_bias": conv_bias, "num_feat_extract_layers": len(conv),
        "feat_extract_norm": "layer" if layer_norm_extractor else "group",
        "feat_extract_activation": "gelu", "hidden_act": "gelu", "do_stable_layer_norm": stable_layer_norm,
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ffn, "layer_norm_eps": 1e-5, "num_conv_pos_embeddings": pos_kernel,
        "num_conv_pos_embedding_groups": pos_groups, "vocab_size": vocab_size, "pad_token_id": 0,
        "bos_token_id": 1, "eos_token_id": 2, "ctc_loss_reduction": "mean",
    }
    config.update(extra)
    return config


PREPROCESSOR_CONFIG = {"do_normalize": True, "feature_size": 1, "padding_side": "right", "padding_value": 0.0,
                       "return_attention_mask": True, "sampling_rate": 16000}


def write_safetensors(state, path, metadata=None):
    header, blobs, offset = {"__metadata__": metadata or {"format": "pt"}}, [], 0
    for name in sorted(state):
        data = state[name].to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def greedy_decode(logits, length=None, vocab=None, blank=0):
    """(T, V) logits -> text with `vocab` (default: VOCAB above; repeats collapsed, blanks and specials
    dropped, "|" a space)."""
    inv = {v: k for k, v in (vocab or VOCAB).items()}
    ids = logits[: length if length is not None else logits.shape[0]].argmax(-1).tolist()
    out, prev = [], None
    for i in ids:
        if i != prev and i != blank:
            out.append(inv.get(i, ""))
        prev = i
    text = "".join(c for c in out if c not in ("<s>", "</s>", "<unk>", "<pad>")).replace("|", " ")
    return " ".join(text.split())


def edit_distance(ref, hyp):
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]
