#!/usr/bin/python3
"""Where `--precision int8`'s error comes from, by simulation: the same quantization as the C++ path
(src/model/int8_linear.h: weights per output channel to 8 bits, activations per row to u8 with a zero point)
applied in float to torchaudio's model of a checkpoint folder, one part at a time, against float32 logits.
Prints the logits' mean relative error and the share of frames whose best unit agrees for: everything, weights
only, activations only, each layer kind alone, each transformer layer alone, each layer kind's activations in
two u8 passes (Int8Linear's 16-bit activations), weights with ranges chosen for the least squared rounding
error, clipped row ranges, and with
--calibration (a second folder: its per-channel input means and maxima) bias correction and SmoothQuant-style
equalization; and, per layer, how often a row's largest input sits in the 8 channels with the largest maxima
(outlier channels), and the rows' mean peak / rms.

    /usr/bin/python3 scripts/int8_error_budget.py --model DIR [--calibration DIR] [--limit N] PATH...
PATH: audio files or folders (held-out audio, not the set WER is reported on).
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_baseline  # noqa: E402  (the folder's model in torchaudio, audio reading)

KINDS = ("feature_projection", "q_proj|k_proj|v_proj", "out_proj", "intermediate_dense", "output_dense")


def quantize_weight(w, bits=8, mse=False):
    """Per output channel, symmetric, as Int8Linear; with `mse`, each channel's range clipped to whichever of
    0.50, 0.51, ..., 1.00 of its largest |weight| gives the least squared rounding error."""
    bound = 2 ** (bits - 1) - 1
    scale = w.abs().amax(1, keepdim=True) / bound
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    if not mse:
        return torch.round(w / scale).clamp(-bound, bound) * scale
    best, best_error = None, None
    for c in torch.linspace(0.5, 1.0, 51):
        q = torch.round(w / (scale * c)).clamp(-bound, bound) * (scale * c)
        e = (q - w).pow(2).sum(1, keepdim=True)
        best = q if best is None else torch.where(e < best_error, q, best)
        best_error = e if best_error is None else torch.minimum(e, best_error)
    return best


def quantize_rows(x, clip=1.0, residual=False):
    """Per row, u8 with a zero point, the range widened to hold 0 (ActivationQuantization::for_range); with
    `residual`, a second pass quantizes what the first left, x - Q(x), symmetrically to 8 bits at scale / 254."""
    lo = x.amin(-1, keepdim=True).clamp(max=0) * clip
    hi = x.amax(-1, keepdim=True).clamp(min=0) * clip
    scale = ((hi - lo) / 255).clamp(min=1e-30)
    zero = torch.round(-lo / scale).clamp(0, 255)
    q = ((torch.round(x / scale) + zero).clamp(0, 255) - zero) * scale
    if residual:
        fine = scale / 254
        q = q + torch.round((x - q) / fine).clamp(-127, 127) * fine
    return q


class Simulation:
    def __init__(self, model, waves):
        self.model, self.waves = model, waves
        self.linears = {n: m for n, m in model.named_modules()
                        if isinstance(m, torch.nn.Linear) and not n.startswith("aux")}  # the CTC head stays fp32
        self.weights = {n: m.weight.data.clone() for n, m in self.linears.items()}
        self.reference = self.run()

    def run(self):
        with torch.inference_mode():
            return [self.model(w.unsqueeze(0))[0][0] for w in self.waves]  # (frames, vocab) each

    def error(self, outs):
        diff = sum((a - b).abs().sum().item() for a, b in zip(outs, self.reference))
        norm = sum(b.abs().sum().item() for b in self.reference)
        agree = sum((a.argmax(-1) == b.argmax(-1)).sum().item() for a, b in zip(outs, self.reference))
        frames = sum(b.shape[0] for b in self.reference)
        return f"{100 * diff / norm:.2f} % error, best unit agrees on {100 * agree / frames:.2f} % of frames"

    def quantized(self, weights=True, activations=True, select=lambda name: True, scales=None, clip=1.0,
                  residual=lambda name: False, mse=False):
        """The error with the selected layers quantized; `scales` (name -> (K)) equalizes their inputs."""
        hooks = []
        for name, module in self.linears.items():
            if not select(name):
                continue
            s = scales[name] if scales else torch.ones(module.in_features)
            if weights:
                module.weight.data = quantize_weight(self.weights[name] * s, mse=mse) / s
            if activations:
                hooks.append(module.register_forward_pre_hook(
                    lambda mod, inputs, s=s, r=residual(name): (quantize_rows(inputs[0] / s, clip, r) * s,)))
        result = self.error(self.run())
        for h in hooks:
            h.remove()
        for name, module in self.linears.items():
            module.weight.data = self.weights[name].clone()
        return result

    def observe(self, waves, see):
        """Runs `waves` through the float model, calling see(name, x) with each layer's input rows (M, K)."""
        hooks = [m.register_forward_pre_hook(
            lambda mod, inputs, n=n: see(n, inputs[0].reshape(-1, inputs[0].shape[-1])))
            for n, m in self.linears.items()]
        with torch.inference_mode():
            for w in waves:
                self.model(w.unsqueeze(0))
        for h in hooks:
            h.remove()

    def input_means(self, waves):
        """name -> (K) mean input per channel over `waves`."""
        sums = {}

        def see(name, x):
            total, count = sums.get(name, (0, 0))
            sums[name] = (total + x.sum(0), count + x.shape[0])
        self.observe(waves, see)
        return {n: total / count for n, (total, count) in sums.items()}

    def bias_corrected(self, means):
        """The error with every layer quantized and each bias corrected for the weights' rounding (Nagel et al.
        2019): b - (Q(W) - W) E[x]."""
        biases = {n: m.bias.data.clone() for n, m in self.linears.items()}
        for name, module in self.linears.items():
            module.bias.data = biases[name] - (quantize_weight(self.weights[name]) - self.weights[name]) @ means[name]
        result = self.quantized()
        for name, module in self.linears.items():
            module.bias.data = biases[name]
        return result

    def input_maxima(self, waves):
        """name -> (K) largest |input| per channel over `waves`."""
        stats = {}

        def see(name, x):
            x = x.abs().amax(0)
            stats[name] = torch.maximum(stats[name], x) if name in stats else x
        self.observe(waves, see)
        return stats

    def outlier_report(self, maxima):
        rows = {}

        def see(name, x):
            x = x.abs()
            top = maxima[name].topk(min(8, x.shape[-1])).indices
            in_top = (x.argmax(-1).unsqueeze(-1) == top).any(-1).float().mean().item()
            peak = (x.amax(-1) / x.pow(2).mean(-1).sqrt().clamp(min=1e-12)).mean().item()
            rows.setdefault(name, []).append((in_top, peak))
        self.observe(self.waves, see)
        for name, values in rows.items():
            print(f"  {name}: row max in the top-8 channels {100 * sum(v[0] for v in values) / len(values):.0f} %, "
                  f"peak / rms {sum(v[1] for v in values) / len(values):.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--calibration", default=None, help="audio folder for equalization scales (not PATH)")
    ap.add_argument("--limit", type=int, default=80, help="files of PATH (and of --calibration) to use")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = bench_baseline.build_model(args.model)

    def load(paths):
        return [bench_baseline.read_audio(f, True) for f in bench_baseline.list_audio(paths)[:args.limit]]
    sim = Simulation(model, load(args.paths))
    print(f"{len(sim.waves)} files, {sum(r.shape[0] for r in sim.reference)} frames")
    print("everything:", sim.quantized())
    print("weights only:", sim.quantized(activations=False))
    print("activations only:", sim.quantized(weights=False))
    for kind in KINDS:
        print(f"only {kind}:", sim.quantized(select=lambda n, k=kind: any(p in n for p in k.split("|"))))
    layers = sorted({int(n.split("layers.")[1].split(".")[0]) for n in sim.linears if "layers." in n})
    for i in layers:
        print(f"only layer {i}:", sim.quantized(select=lambda n, i=i: f"layers.{i}." in n))
    for kind in KINDS + ("intermediate_dense|output_dense", "|".join(KINDS)):
        print(f"activations of {kind} in two u8 passes:",
              sim.quantized(residual=lambda n, k=kind: any(p in n for p in k.split("|"))))
    print("weights only, MSE-chosen ranges:", sim.quantized(activations=False, mse=True))
    print("everything, MSE-chosen weight ranges:", sim.quantized(mse=True))
    for clip in (0.95, 0.9):
        print(f"row ranges clipped to {clip}:", sim.quantized(clip=clip))
    if args.calibration:
        calibration = load([args.calibration])
        print("bias-corrected (means from --calibration):", sim.bias_corrected(sim.input_means(calibration)))
        maxima = sim.input_maxima(calibration)
        for alpha in (0.25, 0.5, 0.75):
            scales = {}
            for name, a in maxima.items():
                w = sim.weights[name].abs().amax(0)
                s = (a.pow(alpha) / w.pow(1 - alpha))
                scales[name] = torch.where((a > 0) & (w > 0), s, torch.ones_like(s))
            print(f"equalized, alpha {alpha}:", sim.quantized(scales=scales))
        print("outlier channels (top-8 by calibration maxima):")
        sim.outlier_report(maxima)


if __name__ == "__main__":
    main()
