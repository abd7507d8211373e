#!/usr/bin/env python3
"""Issue 18's table from one run of scripts/device_check.sh: w2v2's speed per precision and batch size, the
Python baseline at the same batch size, and accuracy per precision, checked against the GPU targets.

    python3 scripts/precision_summary.py --bench bench-precisions.json [more bench JSONs] [--baseline baseline-*.json]
        [--eval PRECISION:DECODER:report.json ...] [--logits PRECISION:compare.json ...]
        [--transcripts PRECISION:demo.txt ...] [--dry-run] --out summary.json

Targets (wav2vec2-base on an H200): bf16 >= 2.5x w2v2 fp32 and >= 5,000x real time end to end, device idle
< 5 %, pipeline overhead <= 1.05, >= 1.5x the Python fp16/bf16 baseline at the same batch size; WER within
+0.3 points of fp32 and the demo transcripts equal. --dry-run (DEVICE=cpu) computes the same table and says
that its figures are not the GPU's. Standard library only: the GPU machine may have nothing else.
"""
import argparse
import json
import operator
import sys

TARGETS = {"bf16_over_fp32": 2.5, "bf16_real_time": 5000.0, "device_idle": 0.05, "pipeline_overhead": 1.05,
           "bf16_over_python": 1.5, "wer_points": 0.3}


def load(path):
    with open(path) as f:
        return json.load(f)


def tagged(items, parts):
    """'A:B:path' -> ((A, B), path) for each item."""
    out = []
    for item in items or []:
        fields = item.split(":", parts - 1)
        if len(fields) != parts:
            sys.exit(f"expected {parts - 1} tags and a path in {item!r}")
        out.append((tuple(fields[:-1]), fields[-1]))
    return out


def read_transcripts(path):
    out = {}
    with open(path) as f:
        for line in f:
            key, _, text = line.rstrip("\n").partition("\t")
            out[key] = text
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, nargs="+", help="w2v2 bench --json files (--precisions x --batch-sizes)")
    ap.add_argument("--baseline", nargs="*", action="extend", default=[], help="scripts/bench_baseline.py --json files")
    ap.add_argument("--eval", nargs="+", action="extend", default=[], help="PRECISION:DECODER:report.json of w2v2 eval")
    ap.add_argument("--logits", nargs="+", action="extend", default=[],
                    help="PRECISION:compare.json of compare_logits.py vs fp32")
    ap.add_argument("--transcripts", nargs="+", action="extend", default=[],
                    help="PRECISION:transcripts.txt of the demo files")
    ap.add_argument("--dry-run", action="store_true", help="a CPU rehearsal: the figures are not the GPU's")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    benches = [load(path) for path in args.bench]
    bench = benches[0]
    cases = [c for b in benches for c in b["cases"] if c.get("pipeline", True)]
    rows = []
    for c in cases:
        rows.append({"precision": c["precision"], "batch_size": c["batch_size"], "graph": c["graph"],
                     "real_time_factor": c["real_time_factor"],
                     "model_only_real_time_factor": c["model_only_real_time_factor"],
                     "pipeline_overhead": c["pipeline_overhead"], "device_idle_fraction": c["device_idle_fraction"],
                     "padding_waste": c["padding_waste"], "peak_rss_bytes": c["peak_rss_bytes"]})

    def best(precision, batch=None):
        pool = [r for r in rows if r["precision"] == precision and (batch is None or r["batch_size"] == batch)]
        return max(pool, key=lambda r: r["real_time_factor"]) if pool else None

    baselines = {}
    for path in args.baseline:
        b = load(path)
        baselines[(b["precision"], b["batch_size"])] = b
    checks = []

    compare = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}

    def check(name, value, op, limit, target=None):
        """Records `value op limit`; a value of None is "not measured"."""
        checks.append({"check": name, "value": value, "target": target or f"{op} {limit}",
                       "met": bool(compare[op](value, limit)) if value is not None else None})

    b, fp32 = best("bf16"), best("fp32")
    if b and fp32:
        same_batch = best("fp32", b["batch_size"])
        check("bf16 / fp32 end to end (same batch size)",
              b["real_time_factor"] / same_batch["real_time_factor"] if same_batch else None,
              ">=", TARGETS["bf16_over_fp32"])
        check("bf16 / best fp32 end to end", b["real_time_factor"] / fp32["real_time_factor"],
              ">=", TARGETS["bf16_over_fp32"])
        check("bf16 real-time factor", b["real_time_factor"], ">=", TARGETS["bf16_real_time"])
        check("bf16 device idle", b["device_idle_fraction"], "<", TARGETS["device_idle"])
        check("bf16 pipeline overhead", b["pipeline_overhead"], "<=", TARGETS["pipeline_overhead"])
        # Against Python's half precision at the baseline's own batch size.
        halves = [(p, n) for (p, n) in baselines if p in ("bf16", "fp16")]
        for dtype, n in sorted(halves):
            ours = best("bf16", n)
            check(f"bf16 / Python {dtype} baseline (batch {n})",
                  ours["real_time_factor"] / baselines[(dtype, n)]["real_time_factor"] if ours else None,
                  ">=", TARGETS["bf16_over_python"])
        if not halves:
            check("bf16 / Python fp16 or bf16 baseline", None, ">=", TARGETS["bf16_over_python"])

    accuracy = {}
    for (precision, decoder), path in tagged(args.eval, 3):
        accuracy.setdefault(precision, {})[decoder] = load(path)["wer"]
    for precision, by_decoder in accuracy.items():
        if precision == "fp32":
            continue
        for decoder, wer in by_decoder.items():
            ref = accuracy.get("fp32", {}).get(decoder)
            if ref is not None:
                check(f"{precision} WER - fp32 WER, {decoder} (points)", 100 * (wer - ref), "<=", TARGETS["wer_points"])
    logits = {precision: load(path) for (precision,), path in tagged(args.logits, 2)}
    demo = {precision: read_transcripts(path) for (precision,), path in tagged(args.transcripts, 2)}
    for precision, texts in demo.items():
        if precision != "fp32" and "fp32" in demo:
            differ = sorted(k for k in texts if texts[k] != demo["fp32"].get(k))
            check(f"{precision} demo transcripts equal fp32", len(differ), "==", 0, target="0 differ")

    summary = {"dry_run": args.dry_run, "device": bench.get("machine", {}).get("device"), "rows": rows,
               "baselines": [{"precision": p, "batch_size": n, "real_time_factor": b["real_time_factor"],
                              "implementation": b.get("implementation")} for (p, n), b in sorted(baselines.items())],
               "wer": accuracy, "logits_vs_fp32": logits, "checks": checks}
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=2)

    note = " (DRY RUN on the CPU: not the GPU's figures)" if args.dry_run else ""
    print(f"precision x batch{note}")
    print(f"{'precision':>9} {'batch':>5} {'graph':>5} {'RTF':>10} {'model RTF':>10} {'overhead':>8} {'idle':>6}")
    for r in sorted(rows, key=lambda r: (r["precision"], r["batch_size"], r["graph"])):
        print(f"{r['precision']:>9} {r['batch_size']:>5} {'on' if r['graph'] else 'off':>5} "
              f"{r['real_time_factor']:>9.1f}x {r['model_only_real_time_factor']:>9.1f}x "
              f"{r['pipeline_overhead']:>8.3f} {100 * r['device_idle_fraction']:>5.1f}%")
    for s in summary["baselines"]:
        print(f"Python baseline {s['precision']} ({s['implementation']}), batch {s['batch_size']}: "
              f"{s['real_time_factor']:.1f}x")
    for precision, r in sorted(logits.items()):
        print(f"logits {precision} vs fp32: mean relative error {r['mean_relative_error']:.4f}, "
              f"best unit agrees on {100 * r['argmax_agreement']:.2f} % of frames")
    for c in checks:
        value = c["value"] if not isinstance(c["value"], float) else round(c["value"], 4)
        mark = {True: "met", False: "NOT met", None: "not measured"}[c["met"]]
        print(f"  {c['check']}: {value} (target {c['target']}): {mark}{note}")


if __name__ == "__main__":
    main()
