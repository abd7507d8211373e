#!/usr/bin/env python3
"""Renders a `w2v2 transcribe --trace FILE` Chrome trace as a PNG timing diagram: the device row against
the host rows (readers, batcher, decode pool, writer), like the classic before/after pipelining pictures.

    /usr/bin/python3 scripts/plot_timeline.py trace.json timeline.png [--title TEXT] [--seconds S]
"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"read": "#4C72B0", "forward": "#C44E52", "stage": "#DD8452", "collect": "#937860", "decode": "#55A868",
          "write": "#8172B2"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("png")
    ap.add_argument("--title", default=None)
    ap.add_argument("--seconds", type=float, default=None, help="show only the first S seconds")
    args = ap.parse_args()
    with open(args.trace) as f:
        events = json.load(f)["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e.get("ph") == "M"}
    spans = [e for e in events if e.get("ph") == "X"]
    if not spans:
        raise SystemExit("no spans in the trace")
    t0 = min(e["ts"] for e in spans)
    # The GPU (asynchronous devices) and the device thread on top, then the host threads.
    order = sorted(names, key=lambda t: (names[t] != "gpu", names[t] != "device", names[t]))
    fig, ax = plt.subplots(figsize=(12, 0.5 * len(order) + 1.5))
    for row, tid in enumerate(order):
        for e in spans:
            if e["tid"] != tid:
                continue
            start = (e["ts"] - t0) / 1e6
            if args.seconds is not None and start > args.seconds:
                continue
            ax.broken_barh([(start, e["dur"] / 1e6)], (row - 0.4, 0.8), color=COLORS.get(e["name"], "#999999"),
                           edgecolor="white", linewidth=0.3)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([names[t] for t in order])
    ax.invert_yaxis()
    ax.set_xlabel("seconds")
    busy = sum(e["dur"] for e in spans if e["name"] == "forward") / 1e6
    wall = (max(e["ts"] + e["dur"] for e in spans) - t0) / 1e6
    ax.set_title(args.title or f"device busy {busy:.2f} s of {wall:.2f} s ({100 * busy / wall:.0f}%)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLORS.values()]
    ax.legend(handles, list(COLORS), loc="upper right", ncol=4, fontsize=8)
    fig.tight_layout()
    fig.savefig(args.png, dpi=110)
    print(args.png)


if __name__ == "__main__":
    main()
