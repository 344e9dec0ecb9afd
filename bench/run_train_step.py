#!/usr/bin/env python3
"""LoRA training step: LoRA Studio's core against PEFT + transformers, same run, same work.

For each model (GPT-2-124M- and SmolLM-135M-shaped, random weights, fp32; bench/train_models.py makes them
once into the cache), runs bench_train_step (core) and bench/train_step.py (PEFT) alternately, each in a fresh
process, for several rounds: same LoRA config (r 8, alpha 16, dropout 0), same token batches, batch x seq,
thread count, AdamW (lr 2e-4, weight decay 0.01), gradient clipping at 1.0, warmup steps excluded.
Prints the median tokens/s and peak RSS of each side and the ratios. Not a test: nothing is asserted.

    /opt/lora-studio/venv/bin/python bench/run_train_step.py --build build [--rounds 3] [--steps 5]
"""
import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import model_flops  # noqa: E402
import train_models  # noqa: E402

VOCAB = train_models.VOCAB


def run_json(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--cache", type=Path, default=train_models.DEFAULT_CACHE)
    ap.add_argument("--models", default=",".join(train_models.MODELS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--plain-loss", action="store_true",
                    help="also run core with --plain-loss (full logits + autograd through the head, as before "
                         "train/head_loss.h) to see what the chunked head changes")
    ap.add_argument("--json", type=Path, help="also write every run's figures here")
    args = ap.parse_args()

    common = ["--batch", str(args.batch), "--seq", str(args.seq), "--threads", str(args.threads),
              "--warmup", str(args.warmup), "--steps", str(args.steps), "--rank", "8", "--alpha", "16"]
    # The machine's fp32 GEMM rate (best of several products at this benchmark's shapes): what a step's
    # arithmetic would take at full speed, and so the most any implementation of the same arithmetic can reach.
    peak = run_json([str(args.build / "bench" / "bench_peak"), "--threads", str(args.threads)])["peak_gflops"]
    print(f"  measured fp32 GEMM peak: {peak:.0f} GFLOP/s ({args.threads} threads)", file=sys.stderr)
    results = {}
    flops = {}
    for name in args.models.split(","):
        model = train_models.ensure_model(args.cache, name)
        flops[name] = model_flops.lora_flops_per_token(model, args.seq)
        tokens = train_models.ensure_tokens(args.cache, name, VOCAB[name], 4, args.batch, args.seq)
        targets = ["--targets", ",".join(train_models.MODELS[name][1])]
        sides = {
            "core": [str(args.build / "bench" / "bench_train_step"), str(model), str(tokens)] + targets + common,
            "peft": [sys.executable, str(HERE / "train_step.py"), str(model), str(tokens)] + targets + common,
        }
        if args.plain_loss:
            sides["core-plain-loss"] = sides["core"] + ["--plain-loss"]
        runs = {side: [] for side in sides}
        for r in range(args.rounds):
            # Alternate which side goes first, so neither always follows the other's page-cache state.
            order = list(sides) if r % 2 == 0 else list(reversed(sides))
            for side in order:
                runs[side].append(run_json(sides[side]))
                last = runs[side][-1]
                print(f"  {name} round {r + 1} {side}: {last['tokens_per_s']:.1f} tokens/s, "
                      f"peak RSS {last['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
        if runs["core"][0]["trainable"] != runs["peft"][0]["trainable"]:
            raise SystemExit(f"{name}: trainable parameters differ: core {runs['core'][0]['trainable']}, "
                             f"peft {runs['peft'][0]['trainable']}")
        # Same model, data and adapter initialisation rule: the untrained first step's loss must agree.
        first = {side: runs[side][0]["losses"][0] for side in ("core", "peft")}
        print(f"  {name}: first-step loss core {first['core']:.6f}, peft {first['peft']:.6f}", file=sys.stderr)
        results[name] = runs

    print(f"\nLoRA training step, fp32 CPU, {args.threads} threads, batch {args.batch} x seq {args.seq}, "
          f"r 8 alpha 16, {args.warmup} warmup + {args.steps} timed steps, medians of {args.rounds} rounds")
    print(f"{'model':<13} {'core tok/s':>10} {'peft tok/s':>10} {'speed':>7} "
          f"{'core RSS MB':>11} {'peft RSS MB':>11} {'memory':>7}")
    ceilings = []
    for name, runs in results.items():
        tps = {s: statistics.median(r["tokens_per_s"] for r in runs[s]) for s in runs}
        rss = {s: statistics.median(r["peak_rss_mb"] for r in runs[s]) for s in runs}
        print(f"{name:<13} {tps['core']:>10.1f} {tps['peft']:>10.1f} {tps['core'] / tps['peft']:>6.2f}x "
              f"{rss['core']:>11.0f} {rss['peft']:>11.0f} {rss['core'] / rss['peft']:>6.2f}x")
        f = flops[name]
        fraction = {s: tps[s] * f["total"] / 1e9 / peak for s in ("core", "peft")}
        # With every non-GEMM operation free and every GEMM at the peak rate: the fastest possible step.
        gemm_only_tps = peak * 1e9 / f["gemm"]
        ceilings.append(f"{name}: {f['total'] / 1e9:.3f} GFLOP a token ({f['gemm'] / 1e9:.3f} in GEMMs); "
                        f"model FLOP/s = {100 * fraction['core']:.0f}% of peak (core), "
                        f"{100 * fraction['peft']:.0f}% (PEFT); GEMMs alone at peak: {gemm_only_tps:.0f} tokens/s "
                        f"= {gemm_only_tps / tps['peft']:.2f}x PEFT")
        if "core-plain-loss" in runs:
            p_tps, p_rss = tps["core-plain-loss"], rss["core-plain-loss"]
            print(f"{'  plain loss':<13} {p_tps:>10.1f} {'':>10} {p_tps / tps['peft']:>6.2f}x "
                  f"{p_rss:>11.0f} {'':>11} {p_rss / rss['peft']:>6.2f}x")
    print("\n".join(ceilings))
    if args.plain_loss:
        print("plain loss = core with --plain-loss: full [B, T, vocab] logits and autograd through the LM head")
    print("speed = core tokens/s / PEFT tokens/s (target >= 1.5); memory = core peak RSS / PEFT peak RSS "
          "(target <= 0.8)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
