#!/usr/bin/python3
"""Compare two --logits-dir trees (e.g. int8 against fp32) file by file.

  /usr/bin/python3 scripts/compare_logits.py REFERENCE_DIR OTHER_DIR [--json FILE]

Prints the mean relative error (mean |other - reference| / mean |reference| over all logits), the largest
per-file value, and the share of frames whose best unit agrees. Files are matched by relative path (.npy).
"""
import argparse
import json
import pathlib
import sys

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference")
    ap.add_argument("other")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    ref_root, other_root = pathlib.Path(args.reference), pathlib.Path(args.other)
    files = sorted(p.relative_to(ref_root) for p in ref_root.rglob("*.npy"))
    if not files:
        sys.exit(f"no .npy files under {ref_root}")
    diff = norm = 0.0
    frames = agree = 0
    worst = (0.0, "")
    for rel in files:
        a = np.load(ref_root / rel).astype(np.float64)
        b_path = other_root / rel
        if not b_path.exists():
            sys.exit(f"{b_path} is missing")
        b = np.load(b_path).astype(np.float64)
        if a.shape != b.shape:
            sys.exit(f"{rel}: shapes differ {a.shape} vs {b.shape}")
        d, n = np.abs(b - a).sum(), np.abs(a).sum()
        diff, norm = diff + d, norm + n
        worst = max(worst, (d / n if n else 0.0, str(rel)))
        frames += a.shape[0]
        agree += int((a.argmax(-1) == b.argmax(-1)).sum())
    result = {
        "files": len(files),
        "frames": frames,
        "mean_relative_error": diff / norm,
        "worst_file_relative_error": worst[0],
        "worst_file": worst[1],
        "argmax_agreement": agree / frames,
    }
    print(f"{len(files)} files, {frames} frames: mean relative error {result['mean_relative_error']:.4f} "
          f"(worst file {worst[0]:.4f}, {worst[1]}), best unit agrees on {100 * agree / frames:.2f} % of frames")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
