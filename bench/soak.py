#!/usr/bin/env python3
"""A long training run that watches its own memory: lora-cli trains the bundled model on datasets/stories with
evaluation and checkpoints for --minutes, while this script samples the process's resident memory (VmRSS) every few
seconds. Memory is flat when the last quarter of the run holds no more than the first quarter after warm-up, within
--tolerance. Prints a table and a verdict; writes every sample to --samples (CSV) when given.

  bench/foreground bench/soak.py --cli build/app/lora-cli --minutes 30
"""
import argparse
import csv
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmRSS")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", default=str(ROOT / "build" / "app" / "lora-cli"))
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument("--every", type=float, default=5.0, help="seconds between memory samples")
    p.add_argument("--warmup-fraction", type=float, default=0.1, help="share of the run ignored as warm-up")
    p.add_argument("--tolerance", type=float, default=0.05, help="allowed growth, as a fraction")
    p.add_argument("--samples", help="CSV file for every sample")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "soak"
        cmd = [args.cli, "train", "--model", str(ROOT / "resources/models/studio-llama-2m"),
               "--data", str(ROOT / "datasets/stories/stories.txt"), "--out", str(out),
               "--targets", "all-linear", "--rank", "8", "--steps", "100000000", "--batch-size", "8",
               "--eval-every", "50", "--eval-batches", "4", "--save-every", "100", "--save-limit", "2",
               "--threads", str(args.threads), "--no-db"]
        started = time.monotonic()
        log = Path(tmp) / "train.log"
        proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
        samples = []
        deadline = started + args.minutes * 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(args.every)
            samples.append((time.monotonic() - started, rss_mib(proc.pid)))
        last_line = ([l for l in log.read_text().splitlines() if l.strip()] or [""])[-1]
        if proc.poll() is not None:
            print(f"lora-cli ended early (exit {proc.returncode}): {last_line}", file=sys.stderr)
            return 1
        proc.send_signal(signal.SIGINT)  # as Ctrl-C: lora-cli stops after the step and writes its checkpoint
        proc.wait(timeout=300)
        last_line = ([l for l in log.read_text().splitlines() if "step" in l] or [""])[-1]
        checkpoints = sorted(p.name for p in (out / "checkpoints").iterdir())

    if args.samples:
        with open(args.samples, "w", newline="") as f:
            csv.writer(f).writerows([("seconds", "rss_mib"), *samples])
    skip = int(len(samples) * args.warmup_fraction)
    steady = samples[skip:]
    quarter = max(1, len(steady) // 4)
    first = max(r for _, r in steady[:quarter])
    last = max(r for _, r in steady[-quarter:])
    growth = (last - first) / first
    print(f"command: {' '.join(cmd)}")
    print(f"ran {samples[-1][0] / 60:.1f} min, {len(samples)} samples; last progress: {last_line}")
    print(f"checkpoints kept at the end: {', '.join(checkpoints)}")
    print(f"| window | peak RSS (MiB) |\n|---|---|")
    print(f"| warm-up (first {args.warmup_fraction:.0%}) | {max(r for _, r in samples[:max(1, skip)]):.1f} |")
    print(f"| first quarter after warm-up | {first:.1f} |")
    print(f"| last quarter | {last:.1f} |")
    flat = growth <= args.tolerance
    print(f"growth {growth:+.2%} (tolerance {args.tolerance:.0%}): {'flat' if flat else 'GROWING'}")
    return 0 if flat else 2


if __name__ == "__main__":
    sys.exit(main())
