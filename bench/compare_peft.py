#!/usr/bin/env python3
"""The same LoRA training through LoRA Studio's product path (`lora-cli train`: a text dataset tokenised by the
model's tokenizer, packed into blocks) and through PEFT + transformers (bench/train_step.py) on the same token
batches, alternating, several rounds. Run it as bench/compare_peft.

Same model (random weights, bench/train_models.py), data, batch x sequence length, LoRA targets, r 8, alpha 16,
LoRA dropout (0 unless --dropout), AdamW (lr 2e-4 constant, weight decay 0.01), clipping at 1.0, threads and
dtype. lora-cli's step times come from its own metrics.jsonl (elapsed_seconds per step); the warmup steps are
left out on both sides. Peak RSS is each process's ru_maxrss (os.wait4), start-up and model load included on both
sides; on CUDA also the peak GPU memory nvidia-smi sees for each process (CUDA context included on both). Model
FLOP/s is given as a fraction of bench_peak's measured GEMM rate (CPU, fp32). Not a test: nothing is asserted.

    bench/foreground bench/compare_peft --build build [--rounds 3] [--steps 5] [--device cuda --bf16]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import model_flops  # noqa: E402
import train_models  # noqa: E402


class GpuPeak:
    """Polls nvidia-smi for one process's used GPU memory and keeps the maximum (MiB)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            out = subprocess.run(["nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits"],
                                 capture_output=True, text=True).stdout
            for line in out.splitlines():
                pid, _, used = line.partition(",")
                if pid.strip() == str(self.pid):
                    self.peak = max(self.peak, float(used))
            self._stop.wait(0.1)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def run_with_rusage(cmd: list[str], gpu: bool) -> tuple[str, float, float]:
    """As run(), reaping the child with os.wait4 so its own ru_maxrss (not the children's maximum) is read."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        poller = GpuPeak(proc.pid) if gpu else None
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        gpu_peak = poller.stop() if poller else 0.0
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.stderr.write(out.read() + err.read())
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
        return out.read(), usage.ru_maxrss / 1024, gpu_peak


def pack_tokens(cache: Path, model: Path, corpus: Path, batch: int, seq: int, batches: int) -> Path:
    """The token batches lora-cli's text dataset makes of the corpus (the whole file one document, encoded, EOS
    appended, cut into blocks of `seq` in order; no shuffling), as bench/train_step.py reads them."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model / "tokenizer.json"))
    ids = tok.encode(corpus.read_text()).ids + [tok.token_to_id("<|endoftext|>")]
    need = batches * batch * seq
    if len(ids) < need:
        raise SystemExit(f"{corpus}: {len(ids)} tokens, fewer than the {need} the steps need — use fewer steps")
    path = cache / f"packed-{model.name}-{batches}x{batch}x{seq}.bin"
    import array

    path.write_bytes(array.array("q", ids[:need]).tobytes())
    return path


def core_steps(metrics: Path, warmup: int) -> tuple[list[float], float, float]:
    """Step times, tokens/s over the timed steps and the first step's loss, from lora-cli's metrics.jsonl."""
    rows = [json.loads(line) for line in metrics.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if "elapsed_seconds" in r and r.get("train_loss") is not None]
    times = [b["elapsed_seconds"] - a["elapsed_seconds"] for a, b in zip(rows, rows[1:])]
    tokens = [b["tokens"] - a["tokens"] for a, b in zip(rows, rows[1:])]
    # rows[0] is step 1 (its elapsed time includes nothing before it); the timed steps are warmup + 1 onwards.
    timed, timed_tokens = times[warmup - 1:], tokens[warmup - 1:]
    return timed, sum(timed_tokens) / sum(timed), rows[0]["train_loss"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--cache", type=Path, default=train_models.DEFAULT_CACHE)
    ap.add_argument("--models", help="default: gpt2-124m,smollm-135m (and llama-0.5b on CUDA)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dropout", type=float, default=0.0, help="LoRA dropout on both sides (the GUI's default is 0.05)")
    ap.add_argument("--bf16", action="store_true", help="bfloat16 autocast on both sides (CUDA)")
    ap.add_argument("--json", type=Path, help="also write every run's figures here")
    args = ap.parse_args()
    if args.warmup < 1:
        raise SystemExit("--warmup must be at least 1 (lora-cli's first step has no earlier step to time from)")

    cli = args.build / "app" / "lora-cli"
    gpu = args.device.startswith("cuda")
    names = args.models.split(",") if args.models else list(train_models.MODELS) + (
        list(train_models.GPU_MODELS) if gpu else [])
    targets_of = {**train_models.MODELS, **train_models.GPU_MODELS}
    peak = None
    if not gpu:
        out, _, _ = run_with_rusage([str(args.build / "bench" / "bench_peak"), "--threads", str(args.threads)], False)
        peak = json.loads(out.strip().splitlines()[-1])["peak_gflops"]
        print(f"  measured fp32 GEMM peak: {peak:.0f} GFLOP/s ({args.threads} threads)", file=sys.stderr)
    corpus = train_models.ensure_corpus(args.cache)
    total_steps = args.warmup + args.steps
    work = Path(tempfile.mkdtemp(prefix="compare_peft-"))
    results = {}
    try:
        for name in names:
            model = train_models.ensure_model(args.cache, name)
            train_models.ensure_tokenizer(args.cache, model)
            tokens = pack_tokens(args.cache, model, corpus, args.batch, args.seq, total_steps)
            targets = ",".join(targets_of[name][1])
            dtype_flags = ["--bf16"] if args.bf16 else []
            out_dir = work / name
            core_cmd = [str(cli), "train", "--model", str(model), "--data", str(corpus), "--format", "text",
                        "--block-size", str(args.seq), "--batch-size", str(args.batch), "--steps", str(total_steps),
                        "--no-shuffle", "--lr", "2e-4", "--schedule", "constant", "--warmup", "0",
                        "--weight-decay", "0.01", "--max-grad-norm", "1.0", "--targets", targets, "-r", "8",
                        "--alpha", "16", "--dropout", str(args.dropout), "--threads", str(args.threads),
                        "--device", args.device,
                        "--val-fraction", "0", "--out", str(out_dir), "--no-db"] + dtype_flags
            peft_cmd = [sys.executable, str(HERE / "train_step.py"), str(model), str(tokens), "--targets", targets,
                        "--batch", str(args.batch), "--seq", str(args.seq), "--threads", str(args.threads),
                        "--warmup", str(args.warmup), "--steps", str(args.steps), "--rank", "8", "--alpha", "16",
                        "--dropout", str(args.dropout), "--device", args.device] + dtype_flags
            runs = {"core": [], "peft": []}
            for r in range(args.rounds):
                for side in (["core", "peft"] if r % 2 == 0 else ["peft", "core"]):
                    if side == "core":
                        shutil.rmtree(out_dir, ignore_errors=True)
                        _, rss, gpu_mb = run_with_rusage(core_cmd, gpu)
                        steps, tps, first = core_steps(out_dir / "metrics.jsonl", args.warmup)
                        runs[side].append({"tokens_per_s": tps, "step_s": steps, "peak_rss_mb": rss,
                                           "peak_gpu_mb": gpu_mb, "first_loss": first})
                    else:
                        out, rss, gpu_mb = run_with_rusage(peft_cmd, gpu)
                        j = json.loads(out.strip().splitlines()[-1])
                        runs[side].append({"tokens_per_s": j["tokens_per_s"], "step_s": j["step_s"],
                                           "peak_rss_mb": rss, "first_loss": j["losses"][0],
                                           # torch's own peak when nvidia-smi cannot see the process (containers)
                                           "peak_gpu_mb": gpu_mb or j.get("peak_gpu_mb", 0.0)})
                    last = runs[side][-1]
                    print(f"  {name} round {r + 1} {side}: {last['tokens_per_s']:.1f} tokens/s, "
                          f"step {statistics.median(last['step_s']):.3f} s, peak RSS {last['peak_rss_mb']:.0f} MB"
                          + (f", GPU {last['peak_gpu_mb']:.0f} MB" if gpu else ""), file=sys.stderr, flush=True)
            # B starts at zero, so the first step's loss is the base model's, dropout or not.
            print(f"  {name}: first-step loss lora-cli {runs['core'][0]['first_loss']:.6f}, "
                  f"PEFT {runs['peft'][0]['first_loss']:.6f} (equal when both trained on the same batches)",
                  file=sys.stderr)
            results[name] = runs
    finally:
        shutil.rmtree(work, ignore_errors=True)

    precision = "bf16 autocast" if args.bf16 else "fp32"
    print(f"\nLoRA training, lora-cli train against PEFT + transformers: {precision}, {args.device}, "
          f"{args.threads} threads, batch {args.batch} x seq {args.seq}, r 8 alpha 16 dropout {args.dropout:g}, "
          f"{args.warmup} warmup + "
          f"{args.steps} timed steps, medians of {args.rounds} rounds")
    gpu_cols = f" {'cli GPU MB':>10} {'peft GPU MB':>11}" if gpu else ""
    print(f"{'model':<12} {'cli tok/s':>9} {'peft tok/s':>10} {'speed':>6} {'cli step s':>10} {'peft step s':>11} "
          f"{'cli RSS MB':>10} {'peft RSS MB':>11} {'memory':>6}{gpu_cols}")
    notes = []
    for name, runs in results.items():
        med = {s: {k: statistics.median(r[k] for r in runs[s]) for k in ("tokens_per_s", "peak_rss_mb", "peak_gpu_mb")}
               for s in runs}
        step = {s: statistics.median(t for r in runs[s] for t in r["step_s"]) for s in runs}
        line = (f"{name:<12} {med['core']['tokens_per_s']:>9.1f} {med['peft']['tokens_per_s']:>10.1f} "
                f"{med['core']['tokens_per_s'] / med['peft']['tokens_per_s']:>5.2f}x {step['core']:>10.3f} "
                f"{step['peft']:>11.3f} {med['core']['peak_rss_mb']:>10.0f} {med['peft']['peak_rss_mb']:>11.0f} "
                f"{med['core']['peak_rss_mb'] / med['peft']['peak_rss_mb']:>5.2f}x")
        if gpu:
            line += f" {med['core']['peak_gpu_mb']:>10.0f} {med['peft']['peak_gpu_mb']:>11.0f}"
        print(line)
        if peak:
            f = model_flops.lora_flops_per_token(train_models.model_dir(args.cache, name), args.seq)["total"]
            notes.append(f"{name}: model FLOP/s = {100 * med['core']['tokens_per_s'] * f / 1e9 / peak:.0f}% of the "
                         f"measured GEMM peak (lora-cli), {100 * med['peft']['tokens_per_s'] * f / 1e9 / peak:.0f}% (PEFT)")
    print("\n".join(notes))
    print("speed = lora-cli tokens/s / PEFT tokens/s (target CPU >= 1.5, GPU >= 1.3); memory = peak RSS ratio "
          "(target <= 0.8)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
