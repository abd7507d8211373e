#!/usr/bin/python3
"""The Python baseline for `w2v2 bench`: what a user would write with Debian's python3-torch and
python3-torchaudio (or, on a GPU machine, pip's torch and Hugging Face transformers) to transcribe a list
of files.

Same architecture (Hugging Face's Wav2Vec2ForCTC from the folder where transformers is installed, else
torchaudio.models.wav2vec2_model built from its config.json), the same weights (read from the same
checkpoint folder), the same files (read with soundfile, or Python's wave module for PCM WAV where
soundfile is missing; resampled with torchaudio if needed), the same normalization, the same thread count,
eager mode, greedy CTC decoding. One file at a time by default; --batch-size N pads N consecutive files into
one batch (with the attention mask where the checkpoint's preprocessor_config.json asks for one, as
Wav2Vec2Processor does; torchaudio takes the lengths). Warm-up passes are excluded; each timed pass runs
every file; medians reported.

--device cuda runs the model on the GPU (inputs copied per batch, logits copied back as float32 for
decoding); --precision fp16|bf16 (alias --dtype) casts the whole model and its inputs, as
`from_pretrained(..., torch_dtype=torch.float16)` does; tf32 is fp32 with TF32 matrix products and
convolutions allowed.

--precision int8 is Python's own int8 path: torch.ao.quantization.quantize_dynamic on every nn.Linear
(symmetric int8 weights per tensor, activations quantized per call), convolutions left in fp32, on the
quantized engine --quantized-engine names (see QUANTIZED_ENGINE below for why onednn is the default).

    /usr/bin/python3 scripts/bench_baseline.py --model DIR [--threads 2] [--warmup 1] [--repeat 3]
        [--device cpu|cuda] [--precision fp32|int8|tf32|fp16|bf16] [--batch-size N]
        [--implementation auto|transformers|torchaudio] [--quantized-engine onednn|qnnpack] [--json FILE] PATH...
PATH: audio files or folders (searched recursively for .wav/.flac/.mp3/.ogg).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np
import torch

try:
    import soundfile
except ImportError:  # a GPU machine with pip's torch only: PCM WAV through the wave module
    soundfile = None
try:
    import torchaudio
except ImportError:
    torchaudio = None
try:
    import transformers
except ImportError:
    transformers = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w2v2_hf  # noqa: E402  (torchaudio <-> Hugging Face names, safetensors reader)

# Debian's torch 1.13 has the qnnpack and onednn quantized engines and no fbgemm. Measured with this script
# (2-core AMD EPYC with AVX-512 VNNI, 2 threads, wav2vec2-base random weights, the 9 LibriSpeech files of
# ../shared/data, 81.5 s, --repeat 1, each run taken while no other process was busy): fp32 8.1x real time,
# int8 on onednn 9.7x, int8 on qnnpack 3.8x. So onednn is the default. qnnpack is the closer to fp32:
# nn.quantized.dynamic.Linear always asks for reduce_range (7-bit activations), which onednn honours and
# qnnpack ignores (with a warning on every call); greedy WER of models/default on data/librispeech-mini:
# fp32 35.4 %, onednn 36.0 %, qnnpack 35.4 %. A torch without onednn uses its own default engine; the JSON
# names the engine used.
QUANTIZED_ENGINE = "onednn"

# The extensions `w2v2` lists in folders (src/audio/audio_file_reader.cc), so both see the same files.
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff", ".au")


def list_audio(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names if n.lower().endswith(AUDIO_EXTENSIONS)]
        else:
            files.append(p)
    return sorted(files)


HALF = {"fp16": torch.float16, "bf16": torch.bfloat16}


def build_hf_model(model_dir, dtype):
    """Hugging Face's Wav2Vec2ForCTC from the folder, as a user loads it."""
    major, minor = (int(x) for x in transformers.__version__.split(".")[:2])
    name = "dtype" if (major, minor) >= (4, 56) else "torch_dtype"  # renamed in 4.56
    kwargs = {name: dtype if dtype is not None else torch.float32}  # transformers 5 defaults to "auto"
    return transformers.Wav2Vec2ForCTC.from_pretrained(model_dir, **kwargs).eval()


def build_model(model_dir):
    """torchaudio's wav2vec2 with the folder's config and weights."""
    with open(os.path.join(model_dir, "config.json")) as f:
        c = json.load(f)
    conv = list(zip(c["conv_dim"], c["conv_kernel"], c["conv_stride"]))
    model = torchaudio.models.wav2vec2_model(
        extractor_mode="layer_norm" if c.get("feat_extract_norm", "group") == "layer" else "group_norm",
        extractor_conv_layer_config=conv, extractor_conv_bias=c.get("conv_bias", False),
        encoder_embed_dim=c["hidden_size"], encoder_projection_dropout=0.0,
        encoder_pos_conv_kernel=c["num_conv_pos_embeddings"], encoder_pos_conv_groups=c["num_conv_pos_embedding_groups"],
        encoder_num_layers=c["num_hidden_layers"], encoder_num_heads=c["num_attention_heads"],
        encoder_attention_dropout=0.0, encoder_ff_interm_features=c["intermediate_size"],
        encoder_ff_interm_dropout=0.0, encoder_dropout=0.0,
        encoder_layer_norm_first=c.get("do_stable_layer_norm", False), encoder_layer_drop=0.0,
        aux_num_out=c["vocab_size"])
    st = os.path.join(model_dir, "model.safetensors")
    if os.path.exists(st):
        hf = w2v2_hf.read_safetensors(st)
    else:
        hf = torch.load(os.path.join(model_dir, "pytorch_model.bin"), map_location="cpu")
    state = {w2v2_hf.torchaudio_name(k): v for k, v in hf.items() if w2v2_hf.torchaudio_name(k) is not None}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if "masked_spec_embed" not in k]
    if missing or unexpected:
        raise SystemExit(f"weights do not match the architecture: missing {missing}, unexpected {unexpected}")
    return model.eval()


def quantize(model, engine):
    """int8 dynamic quantization of every nn.Linear on `engine` (weights are packed for the engine at this
    call, so it is selected first). In place: quantize_dynamic's default deep copy fails on the weight-norm
    positional conv, whose `weight` is computed from weight_g/weight_v and so is not a graph leaf."""
    torch.backends.quantized.engine = engine
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


def read_wav_pcm(path):
    """-> (float32 samples (frames, channels), rate) of a PCM WAV, without soundfile."""
    import wave
    with wave.open(path, "rb") as w:
        width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise SystemExit(f"{path}: {8 * width}-bit WAV needs soundfile (pip install soundfile)")
    return (np.frombuffer(raw, dtype="<i2").reshape(-1, channels) / 32768.0).astype(np.float32), rate


def read_audio(path, do_normalize):
    if soundfile is not None:
        data, rate = soundfile.read(path, dtype="float32", always_2d=True)  # (frames, channels)
    else:
        data, rate = read_wav_pcm(path)
    wave = torch.from_numpy(data.mean(axis=1))
    if rate != 16000:
        if torchaudio is None:
            raise SystemExit(f"{path}: {rate} Hz needs torchaudio to resample")
        wave = torchaudio.functional.resample(wave, rate, 16000)
    if do_normalize:
        wave = (wave - wave.mean()) / torch.sqrt(wave.var(unbiased=False) + 1e-7)
    return wave


class Runner:
    """The model on its device in its precision: a padded batch of waveforms -> float32 logits on the CPU."""

    def __init__(self, model, implementation, device, dtype, attention_mask, frame_lengths):
        self.model, self.implementation, self.device = model, implementation, device
        self.dtype, self.attention_mask, self.frame_lengths = dtype, attention_mask, frame_lengths

    def __call__(self, waves):
        lengths = torch.tensor([w.numel() for w in waves])
        batch = torch.zeros(len(waves), int(lengths.max()))
        for i, w in enumerate(waves):
            batch[i, : w.numel()] = w
        batch = batch.to(self.device, self.dtype or torch.float32)
        if self.implementation == "transformers":
            mask = None  # as Wav2Vec2Processor: only where the checkpoint's preprocessor asks for one
            if self.attention_mask:
                mask = (torch.arange(batch.shape[1])[None, :] < lengths[:, None]).long().to(self.device)
            logits = self.model(batch, attention_mask=mask).logits
        else:
            logits, _ = self.model(batch, lengths.to(self.device) if len(waves) > 1 else None)
        logits = logits.float().cpu()  # waits for the GPU
        return [logits[i, : int(n)] for i, n in enumerate(self.frame_lengths(lengths))]


def run_pass(runner, files, do_normalize, decode, batch_size, latencies=None, transcripts=None):
    """Read, forward, greedy decode, batch_size files at a time. -> (wall seconds, audio seconds, forward
    seconds, padded share of the samples the model ran)."""
    audio, forward, padded, total = 0.0, 0.0, 0, 0
    start = time.perf_counter()
    for first in range(0, len(files), batch_size):
        t0 = time.perf_counter()
        paths = files[first: first + batch_size]
        waves = [read_audio(path, do_normalize) for path in paths]
        audio += sum(w.numel() for w in waves) / 16000
        longest = max(w.numel() for w in waves)
        padded += sum(longest - w.numel() for w in waves)
        total += longest * len(waves)
        with torch.inference_mode():
            t1 = time.perf_counter()
            logits = runner(waves)
            forward += time.perf_counter() - t1
        for path, frames in zip(paths, logits):
            text = decode(frames)
            if transcripts is not None:
                transcripts[path] = text
        if latencies is not None:
            latencies += [time.perf_counter() - t0] * len(paths)
    return time.perf_counter() - start, audio, forward, padded / max(total, 1)


def percentile(values, p):
    ordered = sorted(values)
    rank = max(1, int(np.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--model", required=True, help="Hugging Face Wav2Vec2ForCTC folder")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=1, help="untimed passes over all files")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes; medians reported")
    ap.add_argument("--count", type=int, default=0, help="use the first N files (0 = all)")
    ap.add_argument("--precision", "--dtype", choices=("fp32", "int8", "tf32", "fp16", "bf16"), default="fp32",
                    help="int8 (CPU): quantize_dynamic on the linear layers; tf32 (CUDA): fp32 with TF32 allowed; "
                         "fp16, bf16: the whole model and its inputs cast (default: fp32)")
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument("--batch-size", type=int, default=1, help="files padded into one batch (default: 1)")
    ap.add_argument("--implementation", choices=("auto", "transformers", "torchaudio"), default="auto",
                    help="auto: Hugging Face's Wav2Vec2ForCTC where transformers is installed, else torchaudio")
    ap.add_argument("--quantized-engine", default=None,
                    help=f"engine for --precision int8 (default: {QUANTIZED_ENGINE} when this torch has it); "
                         f"this torch has: {', '.join(e for e in torch.backends.quantized.supported_engines if e != 'none')}")
    ap.add_argument("--json", default=None)
    ap.add_argument("--transcripts", default=None, help="write '<file stem> <text>' lines of the last pass here")
    args = ap.parse_args()

    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    engine = None
    if args.precision == "int8":
        engine = args.quantized_engine or (QUANTIZED_ENGINE if QUANTIZED_ENGINE in engines
                                           else torch.backends.quantized.engine)
        if engine not in engines:
            raise SystemExit(f"quantized engine {engine!r} is not in this torch; it has: {', '.join(engines)}")
    elif args.quantized_engine:
        raise SystemExit("--quantized-engine needs --precision int8")
    if args.precision == "int8" and args.device == "cuda":
        raise SystemExit("--precision int8 is the CPU's quantize_dynamic; on cuda use fp32, tf32, fp16 or bf16")
    if args.precision in ("tf32", "fp16") and args.device == "cpu":
        raise SystemExit(f"--precision {args.precision} is for --device cuda")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: this torch sees no CUDA device")
    if args.batch_size < 1:
        raise SystemExit("--batch-size must be at least 1")
    implementation = args.implementation
    if implementation == "auto":
        implementation = "transformers" if transformers is not None else "torchaudio"
    if {"transformers": transformers, "torchaudio": torchaudio}[implementation] is None:
        raise SystemExit(f"--implementation {implementation}: not installed for {sys.executable}")
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = args.precision == "tf32"
        torch.backends.cudnn.allow_tf32 = args.precision == "tf32"

    torch.set_num_threads(args.threads)
    files = list_audio(args.paths)
    if args.count > 0:
        files = files[: args.count]
    if not files:
        raise SystemExit("no audio files found")
    with open(os.path.join(args.model, "preprocessor_config.json")) as f:
        preprocessor = json.load(f)
    do_normalize = preprocessor.get("do_normalize", True)

    # Greedy decoding with the folder's own units and blank, as w2v2 decodes.
    with open(os.path.join(args.model, "config.json")) as f:
        config = json.load(f)
    blank = config.get("pad_token_id")
    blank = 0 if blank is None else blank  # w2v2 reads a null pad_token_id as 0 too
    vocab_path = os.path.join(args.model, "vocab.json")
    vocab = json.load(open(vocab_path)) if os.path.exists(vocab_path) else None
    def decode(logits):
        return w2v2_hf.greedy_decode(logits, vocab=vocab, blank=blank)

    def frame_lengths(samples):  # (B,) samples -> (B,) valid frames, as the conv stack computes them
        for kernel, stride in zip(config["conv_kernel"], config["conv_stride"]):
            samples = torch.where(samples >= kernel, torch.div(samples - kernel, stride, rounding_mode="floor") + 1,
                                  torch.zeros_like(samples))
        return samples

    t0 = time.perf_counter()
    dtype = HALF.get(args.precision)
    if implementation == "transformers":
        model = build_hf_model(args.model, dtype)
    else:
        model = build_model(args.model)
        if dtype is not None:
            model = model.to(dtype)
    quantize_seconds = None
    if engine:
        t1 = time.perf_counter()
        model = quantize(model, engine)
        quantize_seconds = time.perf_counter() - t1
    model = model.to(args.device)
    load_seconds = time.perf_counter() - t0
    runner = Runner(model, implementation, torch.device(args.device), dtype,
                    preprocessor.get("return_attention_mask", False), frame_lengths)
    for _ in range(args.warmup):
        run_pass(runner, files, do_normalize, decode, args.batch_size)
    walls, forwards, latencies, transcripts = [], [], [], {}
    audio = padding = 0.0
    for r in range(args.repeat):
        wall, audio, forward, padding = run_pass(runner, files, do_normalize, decode, args.batch_size, latencies,
                                                 transcripts)
        walls.append(wall)
        forwards.append(forward)
        print(f"repeat {r + 1}: {wall:.2f} s for {audio:.1f} s of audio ({audio / wall:.2f}x real time)",
              file=sys.stderr)
    wall = statistics.median(walls)
    report = {
        "tool": f"scripts/bench_baseline.py ({implementation} eager, "
                + ("one file at a time)" if args.batch_size == 1 else f"padded batches of {args.batch_size})"),
        "implementation": implementation,
        "model": args.model,
        "device": args.device,
        "precision": args.precision,
        "batch_size": args.batch_size,
        "padding_waste": padding,
        "quantized_engine": engine,  # null for fp32
        "quantization": "torch.ao.quantization.quantize_dynamic({nn.Linear}, qint8)" if engine else None,
        "files": len(files),
        "audio_seconds": audio,
        "wall_seconds": wall,
        "wall_seconds_repeats": walls,
        "best_wall_seconds": min(walls),
        "real_time_factor": audio / wall,
        "best_real_time_factor": audio / min(walls),
        "forward_seconds": statistics.median(forwards),
        "utterances_per_second": len(files) / wall,
        "latency_seconds": {"p50": percentile(latencies, 50), "p90": percentile(latencies, 90),
                            "p99": percentile(latencies, 99)},
        "model_load_seconds": load_seconds,  # quantization included
        "quantize_seconds": quantize_seconds,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "peak_device_bytes": torch.cuda.max_memory_allocated() if args.device == "cuda" else None,
        "machine": {"cpu_model": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                    "gpu": torch.cuda.get_device_name() if args.device == "cuda" else None,
                    "torch_version": torch.__version__,
                    "torchaudio_version": torchaudio.__version__ if torchaudio else None,
                    "transformers_version": transformers.__version__ if transformers else None,
                    "intra_op_threads": torch.get_num_threads(), "python": platform.python_version(),
                    "quantized_engines": engines},
        "flags": vars(args),
    }
    precision = args.precision + (f" ({engine})" if engine else "") + f" on {args.device}, {implementation}" + \
        (f", batches of {args.batch_size}" if args.batch_size > 1 else "")
    print(f"baseline {precision}: {report['real_time_factor']:.2f}x real time (median of {args.repeat}), "
          f"{len(files)} files, {audio:.1f} s of audio, {args.threads} threads")
    if args.transcripts:
        with open(args.transcripts, "w") as f:
            for path in files:
                f.write(f"{os.path.splitext(os.path.basename(path))[0]} {transcripts[path]}\n")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(report, f, indent=2)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
