#!/usr/bin/env python3
"""Core's training-memory estimate (lora/memory_estimate.h) against the measured peak RSS of real training steps.

For each model (GPT-2-124M- and SmolLM-135M-shaped, random weights, fp32; bench/train_models.py makes them) and
for LoRA and full fine-tuning, runs bench_train_step (core's own train step, fresh process) for a warmup step
(AdamW's state appears there) and timed steps, and prints the peak RSS (ru_maxrss: LibTorch's start-up, the
model load and the steps), core's estimate for the same settings with its parts, and estimate / measured.
Target: within 25% on the CPU. Not a test: nothing is asserted.

    bench/foreground /opt/lora-studio/venv/bin/python bench/estimate_memory.py --build build
"""
import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import train_models  # noqa: E402
from run_train_step import VOCAB, run_json  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--cache", type=Path, default=train_models.DEFAULT_CACHE)
    ap.add_argument("--models", default=",".join(train_models.MODELS))
    ap.add_argument("--modes", default="lora,full")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.0, help="LoRA dropout (the GUI's default is 0.05)")
    args = ap.parse_args()

    rows = []
    for name in args.models.split(","):
        model = train_models.ensure_model(args.cache, name)
        tokens = train_models.ensure_tokens(args.cache, name, VOCAB[name], 4, args.batch, args.seq)
        for mode in args.modes.split(","):
            cmd = [str(args.build / "bench" / "bench_train_step"), str(model), str(tokens),
                   "--targets", ",".join(train_models.MODELS[name][1]), "--batch", str(args.batch),
                   "--seq", str(args.seq), "--threads", str(args.threads), "--warmup", "1",
                   "--steps", str(args.steps), "--rank", "8", "--alpha", "16", "--dropout", str(args.dropout)]
            cmd += ["--full"] if mode == "full" else []
            r = run_json(cmd)
            e = r["estimate_mb"]
            print(f"  {name} {mode}: peak RSS {r['peak_rss_mb']:.0f} MB, estimate {e['total']:.0f} MB "
                  f"(start-up RSS {r['rss_start_mb']:.0f} MB, after load {r['rss_after_load_mb']:.0f} MB)",
                  file=sys.stderr, flush=True)
            rows.append((name, mode, r))

    print(f"\nTraining memory, core's estimate against measured peak RSS: fp32 CPU, batch {args.batch} x seq "
          f"{args.seq}, LoRA r 8, dropout {args.dropout:g} (GPT-2: c_attn, c_proj; SmolLM: q/k/v/o_proj), AdamW, 1 + {args.steps} steps")
    print(f"{'model':<12} {'mode':<5} {'measured':>9} {'estimate':>9} {'est/meas':>8} | {'weights':>7} {'lora':>5} "
          f"{'grads':>6} {'adamw':>6} {'activ':>6} {'head':>5} {'fixed':>5} | {'start-up':>8}")
    for name, mode, r in rows:
        e = r["estimate_mb"]
        print(f"{name:<12} {mode:<5} {r['peak_rss_mb']:>9.0f} {e['total']:>9.0f} {e['total'] / r['peak_rss_mb']:>8.2f} | "
              f"{e['weights']:>7.0f} {e['lora']:>5.0f} {e['gradients']:>6.0f} {e['optimizer']:>6.0f} "
              f"{e['activations']:>6.0f} {e['loss_head']:>5.0f} {e['fixed']:>5.0f} | {r['rss_start_mb']:>8.0f}")
    print("MB = MiB. est/meas target: 0.75 to 1.25. start-up = RSS after LibTorch's first kernels, before the load "
          "(the estimate's fixed overhead is this, rounded).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
