#!/usr/bin/python3
"""Joins a `w2v2 bench` JSON and a scripts/bench_baseline.py JSON taken back to back, measures this
machine's sgemm peak with the same thread count, counts the model's FLOPs on the same files, and writes
one JSON: the speed-up over the baseline, the roofline and the fraction of it reached.

    /usr/bin/python3 scripts/bench_summary.py --w2v2 A.json --baseline B.json --config config.json \
        [--threads 2] [--transcripts W2V2.txt BASELINE.txt] --out OUT.json PATH...
"""
import argparse
import json
import os
import sys
import time

import soundfile
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_baseline import list_audio  # noqa: E402


def forward_flops(config, samples):
    """Multiply-adds x 2 of one Wav2Vec2ForCTC forward pass on `samples` at 16 kHz."""
    c = config
    flops, length, channels = 0, samples, 1
    for dim, kernel, stride in zip(c["conv_dim"], c["conv_kernel"], c["conv_stride"]):
        length = (length - kernel) // stride + 1
        if length <= 0:
            return 0
        flops += 2 * length * dim * channels * kernel
        channels = dim
    t, h, f = length, c["hidden_size"], c["intermediate_size"]
    flops += 2 * t * channels * h  # feature projection
    flops += 2 * t * h * (h // c["num_conv_pos_embedding_groups"]) * c["num_conv_pos_embeddings"]
    per_layer = 2 * t * h * 3 * h + 2 * 2 * t * t * h + 2 * t * h * h + 2 * 2 * t * h * f
    flops += c["num_hidden_layers"] * per_layer
    flops += 2 * t * h * c["vocab_size"]  # CTC head
    return flops


def sgemm_peak(threads, n=2048, reps=8):
    """Best GFLOP/s of an n x n float32 matrix product (the BLAS torch uses, `threads` threads)."""
    torch.set_num_threads(threads)
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t0)
    return 2 * n ** 3 / best / 1e9


def read_transcripts(path):
    out = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(None, 1)  # "id<TAB or space>text"
            if parts:
                out[parts[0]] = parts[1] if len(parts) > 1 else ""
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--w2v2", required=True)
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--transcripts", nargs=2, metavar=("W2V2", "BASELINE"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    with open(args.w2v2) as f:
        ours = json.load(f)
    with open(args.baseline) as f:
        base = json.load(f)
    with open(args.config) as f:
        config = json.load(f)

    files = list_audio(args.paths)
    total_flops, total_audio = 0, 0.0
    for path in files:
        info = soundfile.info(path)
        samples = int(round(info.frames * 16000 / info.samplerate))
        total_flops += forward_flops(config, samples)
        total_audio += samples / 16000
    gflop_per_audio_second = total_flops / total_audio / 1e9
    peak = sgemm_peak(args.threads)
    roofline = peak / gflop_per_audio_second

    def case(pipeline):
        for c in ours["cases"]:
            if c["pipeline"] == pipeline and c["batch_size"] == 1 and not c["graph"]:
                return c
        return None

    default = case(True)
    serial = case(False)
    summary = {
        "w2v2_real_time_factor": default["real_time_factor"],
        "w2v2_model_only_real_time_factor": default["model_only_real_time_factor"],
        "w2v2_pipeline_overhead": default["pipeline_overhead"],
        "w2v2_serial_real_time_factor": serial["real_time_factor"] if serial else None,
        "baseline_real_time_factor": base["real_time_factor"],
        "speedup_over_baseline": default["real_time_factor"] / base["real_time_factor"],
        "speedup_over_baseline_best_of_repeats": default["best_real_time_factor"] / base["best_real_time_factor"],
        "gflop_per_audio_second": gflop_per_audio_second,
        "sgemm_peak_gflops": peak,
        "roofline_real_time_factor": roofline,
        "roofline_fraction": default["real_time_factor"] / roofline,
        "baseline_roofline_fraction": base["real_time_factor"] / roofline,
        "achieved_gflops": default["real_time_factor"] * gflop_per_audio_second,
        "files": len(files),
        "audio_seconds": total_audio,
    }
    if args.transcripts:
        a, b = (read_transcripts(p) for p in args.transcripts)
        same = sum(1 for k in b if a.get(k) == b[k])
        summary["transcripts_identical"] = f"{same}/{len(b)}"
    result = {"summary": summary, "w2v2": ours, "baseline": base, "machine": ours.get("machine", {})}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out + ".tmp", "w") as f:
        json.dump(result, f, indent=2)
    os.replace(args.out + ".tmp", args.out)

    s = summary
    print(f"\n{ours['machine']['cpu_model']}, {args.threads} threads; {len(files)} files, {total_audio:.1f} s of audio")
    print(f"  Python eager baseline (torchaudio) : {s['baseline_real_time_factor']:6.2f}x real time")
    print(f"  w2v2 (pipeline, batch 1)           : {s['w2v2_real_time_factor']:6.2f}x real time"
          f"  -> {s['speedup_over_baseline']:.2f}x the baseline (best of repeats: "
          f"{s['speedup_over_baseline_best_of_repeats']:.2f}x)")
    print(f"  w2v2 model only / pipeline overhead: {s['w2v2_model_only_real_time_factor']:6.2f}x real time"
          f" / {s['w2v2_pipeline_overhead']:.3f}")
    print(f"  roofline: {gflop_per_audio_second:.1f} GFLOP per audio second at the {peak:.0f} GFLOP/s sgemm peak"
          f" = {roofline:.2f}x real time; w2v2 reaches {100 * s['roofline_fraction']:.0f}%,"
          f" the baseline {100 * s['baseline_roofline_fraction']:.0f}%")
    if "transcripts_identical" in s:
        print(f"  transcripts identical to the baseline's: {s['transcripts_identical']}")
    print(f"  wrote {args.out}")


if __name__ == "__main__":
    main()
