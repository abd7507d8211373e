#!/usr/bin/python3
"""Joins `w2v2 bench` JSONs and scripts/bench_baseline.py JSONs taken in alternating rounds, measures this
machine's sgemm peak with the same thread count, counts the model's FLOPs on the same files, and writes
one JSON: the speed-up over the baseline, the roofline and the fraction of it reached.

    /usr/bin/python3 scripts/bench_summary.py --w2v2 A1.json [A2.json] --baseline B1.json [B2.json] --config config.json \
        [--threads 2] [--transcripts W2V2.txt BASELINE.txt] --out OUT.json PATH...
"""
import argparse
import json
import os
import statistics
import sys
import time

import soundfile
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_baseline import AUDIO_EXTENSIONS, list_audio  # noqa: E402


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


def sgemm_peak(threads, n=2048, reps=16):
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
            if parts:  # w2v2 keeps the extension in the ids of plain files; the baseline uses stems
                key = os.path.splitext(parts[0])[0] if parts[0].lower().endswith(AUDIO_EXTENSIONS) else parts[0]
                out[key] = parts[1] if len(parts) > 1 else ""
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--w2v2", required=True, nargs="+", help="one JSON per round")
    ap.add_argument("--baseline", required=True, nargs="+", help="one JSON per round, same order")
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--transcripts", nargs=2, metavar=("W2V2", "BASELINE"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    rounds_ours = [json.load(open(p)) for p in args.w2v2]
    rounds_base = [json.load(open(p)) for p in args.baseline]
    ours, base = rounds_ours[-1], rounds_base[-1]
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

    def case(report, pipeline):
        for c in report["cases"]:
            if c["pipeline"] == pipeline and c["batch_size"] == 1 and not c["graph"]:
                return c
        return None

    def pooled(values):
        return statistics.median(values) if values else None

    # Repeats of all rounds pooled: real-time factors from median wall times.
    audio_ours = case(ours, True)["audio_seconds"]
    walls = [w for r in rounds_ours for w in case(r, True)["wall_seconds_repeats"]]
    model_walls = [w for r in rounds_ours for w in case(r, True)["model_only_seconds_repeats"]]
    serial_walls = [w for r in rounds_ours if case(r, False) for w in case(r, False)["wall_seconds_repeats"]]
    base_walls = [w for r in rounds_base for w in r["wall_seconds_repeats"]]
    overheads = [w / m for r in rounds_ours for w, m in zip(case(r, True)["wall_seconds_repeats"],
                                                             case(r, True)["model_only_seconds_repeats"])]
    rtf = audio_ours / pooled(walls)
    base_rtf = base["audio_seconds"] / pooled(base_walls)
    per_round = [case(o, True)["real_time_factor"] / b["real_time_factor"] for o, b in zip(rounds_ours, rounds_base)]
    summary = {
        "rounds": len(rounds_ours),
        "w2v2_real_time_factor": rtf,
        "w2v2_model_only_real_time_factor": audio_ours / pooled(model_walls),
        "w2v2_pipeline_overhead": pooled(overheads),
        "w2v2_serial_real_time_factor": audio_ours / pooled(serial_walls) if serial_walls else None,
        "baseline_real_time_factor": base_rtf,
        "speedup_over_baseline": rtf / base_rtf,
        "speedup_over_baseline_per_round": per_round,
        "speedup_over_baseline_best_of_repeats": (audio_ours / min(walls)) / (base["audio_seconds"] / min(base_walls)),
        "gflop_per_audio_second": gflop_per_audio_second,
        "sgemm_peak_gflops": peak,
        "roofline_real_time_factor": roofline,
        "roofline_fraction": rtf / roofline,
        "baseline_roofline_fraction": base_rtf / roofline,
        "achieved_gflops": rtf * gflop_per_audio_second,
        "files": len(files),
        "audio_seconds": total_audio,
    }
    if args.transcripts:
        a, b = (read_transcripts(p) for p in args.transcripts)
        same = sum(1 for k in b if a.get(k) == b[k])
        summary["transcripts_identical"] = f"{same}/{len(b)}"
    result = {"summary": summary, "machine": ours.get("machine", {}), "w2v2_rounds": rounds_ours,
              "baseline_rounds": rounds_base}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out + ".tmp", "w") as f:
        json.dump(result, f, indent=2)
    os.replace(args.out + ".tmp", args.out)

    s = summary
    print(f"\n{ours['machine']['cpu_model']}, {args.threads} threads; {len(files)} files, {total_audio:.1f} s of audio;"
          f" {len(rounds_ours)} rounds x {len(base_walls) // len(rounds_base)} repeats, medians")
    print(f"  Python eager baseline (torchaudio) : {s['baseline_real_time_factor']:6.2f}x real time")
    print(f"  w2v2 (pipeline, batch 1)           : {s['w2v2_real_time_factor']:6.2f}x real time"
          f"  -> {s['speedup_over_baseline']:.2f}x the baseline (best of repeats: "
          f"{s['speedup_over_baseline_best_of_repeats']:.2f}x; per round: "
          f"{', '.join(f'{r:.2f}x' for r in per_round)})")
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
