#!/usr/bin/python3
"""Joins `w2v2 bench` JSONs and scripts/bench_baseline.py JSONs taken in alternating rounds, measures this
machine's sgemm peak with the same thread count, counts the model's FLOPs on the same files, and writes
one JSON: the speed-up over the baseline, the roofline and the fraction of it reached.

    /usr/bin/python3 scripts/bench_summary.py --w2v2 A1.json [A2.json] --baseline B1.json [B2.json] --config config.json \
        [--threads 2] [--transcripts W2V2.txt BASELINE.txt] --out OUT.json PATH...

Precisions: each `w2v2 bench` case and each baseline JSON may carry "precision" ("fp32", "int8", "bf16"; absent
means fp32, as in files written before int8 existed). --baseline takes the baseline JSONs of every precision, in
round order; they are grouped by their "precision". Every precision found gets its real-time factors under
summary.precisions, and each other than fp32 gets summary.<precision>_ratios: w2v2 in it over w2v2 fp32, over the
Python fp32 baseline and over Python in the same precision (int8: quantize_dynamic; bf16: the model cast). The
top-level keys stay those of fp32.
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


def precision_of(entry):
    """A w2v2 bench case or a baseline report -> its precision; files written before int8 existed are fp32."""
    return entry.get("precision", "fp32")


def case(report, pipeline, precision="fp32"):
    """The batch-1, graph-off case of `w2v2 bench` JSON `report` with this pipeline and precision, or None."""
    for c in report["cases"]:
        if c["pipeline"] == pipeline and c["batch_size"] == 1 and not c["graph"] and precision_of(c) == precision:
            return c
    return None


def pooled(values):
    return statistics.median(values) if values else None


def w2v2_stats(rounds, precision):
    """Real-time factors of `w2v2 bench` at `precision`, from the repeats of all `rounds` pooled (None when no
    round has that precision). real_time_factor_per_round has one entry per round (None where it is missing)."""
    present = [r for r in rounds if case(r, True, precision)]
    if not present:
        return None
    audio = case(present[-1], True, precision)["audio_seconds"]
    walls = [w for r in present for w in case(r, True, precision)["wall_seconds_repeats"]]
    model_walls = [w for r in present for w in case(r, True, precision)["model_only_seconds_repeats"]]
    serial_walls = [w for r in present if case(r, False, precision)
                    for w in case(r, False, precision)["wall_seconds_repeats"]]
    overheads = [w / m for r in present for w, m in zip(case(r, True, precision)["wall_seconds_repeats"],
                                                         case(r, True, precision)["model_only_seconds_repeats"])]
    return {
        "rounds": len(present),
        "audio_seconds": audio,
        "precision_detail": case(present[-1], True, precision).get("precision_detail"),  # as w2v2 ran it
        "real_time_factor": audio / pooled(walls),
        "best_real_time_factor": audio / min(walls),
        "model_only_real_time_factor": audio / pooled(model_walls),
        "pipeline_overhead": pooled(overheads),
        "serial_real_time_factor": audio / pooled(serial_walls) if serial_walls else None,
        "real_time_factor_per_round": [case(r, True, precision)["real_time_factor"] if case(r, True, precision)
                                       else None for r in rounds],
        "repeats": len(walls),
    }


def python_stats(rounds, precision):
    """The same for scripts/bench_baseline.py reports at `precision` (already one per round)."""
    present = [r for r in rounds if precision_of(r) == precision]
    if not present:
        return None
    audio = present[-1]["audio_seconds"]
    walls = [w for r in present for w in r["wall_seconds_repeats"]]
    return {
        "rounds": len(present),
        "audio_seconds": audio,
        "quantized_engine": present[-1].get("quantized_engine"),
        "real_time_factor": audio / pooled(walls),
        "best_real_time_factor": audio / min(walls),
        "real_time_factor_per_round": [r["real_time_factor"] for r in present],
        "repeats": len(walls),
    }


def ratio(a, b):
    """How many times faster `a` is than `b` (stats dicts above): pooled medians, best of repeats, per round."""
    if a is None or b is None:
        return None
    return {
        "real_time_factor_ratio": a["real_time_factor"] / b["real_time_factor"],
        "best_of_repeats": a["best_real_time_factor"] / b["best_real_time_factor"],
        "per_round": [x / y for x, y in zip(a["real_time_factor_per_round"], b["real_time_factor_per_round"])
                      if x is not None and y is not None],
    }


def ordered_precisions(rounds_ours, rounds_base):
    found = {precision_of(c) for r in rounds_ours for c in r["cases"]} | {precision_of(r) for r in rounds_base}
    return sorted(found, key=lambda p: (p != "fp32", p != "int8", p))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--w2v2", required=True, nargs="+", help="one JSON per round")
    ap.add_argument("--baseline", required=True, nargs="+",
                    help="one JSON per round and precision, rounds in the same order as --w2v2")
    ap.add_argument("--config", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--transcripts", nargs=2, metavar=("W2V2", "BASELINE"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    rounds_ours = [json.load(open(p)) for p in args.w2v2]
    rounds_base = [json.load(open(p)) for p in args.baseline]
    ours = rounds_ours[-1]
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

    precisions = {}
    for p in ordered_precisions(rounds_ours, rounds_base):
        ours_p, base_p = w2v2_stats(rounds_ours, p), python_stats(rounds_base, p)
        for stats in (ours_p, base_p):
            if stats:  # the fp32 sgemm roofline is the yardstick for every precision (int8 may pass it)
                stats["sgemm_roofline_fraction"] = stats["real_time_factor"] / roofline
        precisions[p] = {"w2v2": ours_p, "python": base_p, "w2v2_over_python": ratio(ours_p, base_p)}
    fp32 = precisions.get("fp32", {})
    ours32, base32 = fp32.get("w2v2"), fp32.get("python")
    if ours32 is None or base32 is None:
        raise SystemExit("no fp32 results: the w2v2 JSONs need a fp32 pipeline case and --baseline a fp32 report")
    rtf, base_rtf = ours32["real_time_factor"], base32["real_time_factor"]
    summary = {
        "rounds": len(rounds_ours),
        "w2v2_real_time_factor": rtf,
        "w2v2_model_only_real_time_factor": ours32["model_only_real_time_factor"],
        "w2v2_pipeline_overhead": ours32["pipeline_overhead"],
        "w2v2_serial_real_time_factor": ours32["serial_real_time_factor"],
        "baseline_real_time_factor": base_rtf,
        "speedup_over_baseline": rtf / base_rtf,
        "speedup_over_baseline_per_round": fp32["w2v2_over_python"]["per_round"],
        "speedup_over_baseline_best_of_repeats": fp32["w2v2_over_python"]["best_of_repeats"],
        "gflop_per_audio_second": gflop_per_audio_second,
        "sgemm_peak_gflops": peak,
        "roofline_real_time_factor": roofline,
        "roofline_fraction": rtf / roofline,
        "baseline_roofline_fraction": base_rtf / roofline,
        "achieved_gflops": rtf * gflop_per_audio_second,
        "files": len(files),
        "audio_seconds": total_audio,
        "precisions": precisions,
    }
    for p, r in precisions.items():
        if p == "fp32":
            continue
        ours_p, base_p = r["w2v2"], r["python"]
        summary[f"{p}_ratios"] = {  # all real-time factor over real-time factor: > 1 means the first is faster
            f"w2v2_{p}_over_w2v2_fp32": ratio(ours_p, ours32),
            f"w2v2_{p}_over_python_fp32": ratio(ours_p, base32),
            f"w2v2_{p}_over_python_{p}": ratio(ours_p, base_p),
            f"python_{p}_over_python_fp32": ratio(base_p, base32),
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
          f" {len(rounds_ours)} rounds x {base32['repeats'] // base32['rounds']} repeats, medians")
    for p, r in precisions.items():
        if r["python"]:
            engine = r["python"]["quantized_engine"]
            label = ("Python eager baseline fp32 (torchaudio)" if p == "fp32" else
                     f"Python quantize_dynamic {p} ({engine})" if p == "int8" else f"Python eager {p} (model cast)")
            print(f"  {label:<40}: {r['python']['real_time_factor']:6.2f}x real time")
    for p, r in precisions.items():
        if r["w2v2"]:
            line = f"  {'w2v2 ' + p + ' (pipeline, batch 1)':<40}: {r['w2v2']['real_time_factor']:6.2f}x real time"
            if r["w2v2"]["precision_detail"] and r["w2v2"]["precision_detail"] != p:
                line += f" [{r['w2v2']['precision_detail']}]"
            if r["w2v2_over_python"]:
                x = r["w2v2_over_python"]
                line += (f"  -> {x['real_time_factor_ratio']:.2f}x Python {p} (best of repeats: {x['best_of_repeats']:.2f}x;"
                         f" per round: {', '.join(f'{v:.2f}x' for v in x['per_round'])})")
            print(line)
            print(f"  {'w2v2 ' + p + ' model only / overhead':<40}: {r['w2v2']['model_only_real_time_factor']:6.2f}x"
                  f" real time / {r['w2v2']['pipeline_overhead']:.3f}")
    for name, x in [item for p in precisions if p != "fp32" for item in s[f"{p}_ratios"].items()]:
        a, b = name.split("_over_")
        label = f"{a.replace('_', ' ')} / {b.replace('_', ' ')}".replace("python", "Python")
        if x is None:
            missing = [side.replace("_", " ").replace("python", "Python") for side in (a, b)
                       if not precisions.get(side.split("_")[1], {}).get(side.split("_")[0])]
            print(f"  {label:<40}: n/a (no {' and no '.join(missing)} results)")
        else:
            print(f"  {label:<40}: {x['real_time_factor_ratio']:6.2f}x (best of repeats: {x['best_of_repeats']:.2f}x;"
                  f" per round: {', '.join(f'{v:.2f}x' for v in x['per_round'])})")
    print(f"  roofline: {gflop_per_audio_second:.1f} GFLOP per audio second at the {peak:.0f} GFLOP/s sgemm peak"
          f" = {roofline:.2f}x real time; w2v2 reaches {100 * s['roofline_fraction']:.0f}%,"
          f" the baseline {100 * s['baseline_roofline_fraction']:.0f}%")
    if "transcripts_identical" in s:
        print(f"  transcripts identical to the baseline's: {s['transcripts_identical']}")
    print(f"  wrote {args.out}")


if __name__ == "__main__":
    main()
