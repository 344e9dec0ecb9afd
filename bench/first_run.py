#!/usr/bin/env python3
"""First-run time: the app's default LoRA runs on the bundled model, as `lora-cli train` runs them.

For each default run in resources/models/studio-llama-2m/lora_defaults.json (ship_logs: style shift, text;
moods: instruction task, JSONL) it runs `lora-cli train --config RUN` --rounds times, each in a fresh output
folder, and prints the wall time of the whole command (model and data loading, training, evaluations, saving),
the trainer's own training time, the process CPU time, and the median of each. The run files come from
lora_defaults.json through resources/models/lora_runs.py, exactly as the bundled tests make them. A benchmark,
not a test: it asserts nothing; docs/BENCHMARKS.md ("First run") records its figures.

    cmake --build build --target lora-cli
    nice -n 0 /opt/lora-studio/venv/bin/python bench/first_run.py --build build [--rounds 3] [--threads 0]

--threads 0 (the app's default) lets LibTorch use every core; the target is under 60 s per run on two cores.
"""
import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "resources" / "models"))
import lora_runs  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None,
                    help="override the run's intra-op threads (default: lora_defaults.json's, 0 = all cores)")
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    args = ap.parse_args()
    cli = args.build / "app" / "lora-cli"
    if not cli.exists():
        raise SystemExit(f"{cli} is missing: cmake --build {args.build} --target lora-cli")
    defaults = lora_runs.load_defaults()
    over = {} if args.threads is None else {"threads": args.threads}
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start; "
          f"threads {over.get('threads', defaults.get('threads', 0))}", flush=True)
    report = {"cores": os.cpu_count(), "load_at_start": os.getloadavg(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="lora-first-run-") as tmp:
        for name in [d["name"] for d in defaults["datasets"]]:
            run = lora_runs.write_run(name, Path(tmp) / name, defaults, **over)
            rows = []
            for i in range(args.rounds):
                cpu0 = children_cpu()
                r = lora_runs.train(cli, run)
                row = {"wall_s": r["wall_seconds"], "train_s": r["final"]["elapsed_seconds"],
                       "cpu_s": children_cpu() - cpu0, "val_loss": r["final"]["val_loss"],
                       "load_avg_1min": os.getloadavg()[0]}
                rows.append(row)
                print(f"{name} round {i + 1}: wall {row['wall_s']:.1f} s, training {row['train_s']:.1f} s, "
                      f"CPU {row['cpu_s']:.1f} s, final validation loss {row['val_loss']:.4f}, "
                      f"load {row['load_avg_1min']:.1f}", flush=True)
            med = {k: statistics.median(r[k] for r in rows) for k in ("wall_s", "train_s", "cpu_s")}
            print(f"{name}: median wall {med['wall_s']:.1f} s, training {med['train_s']:.1f} s, CPU {med['cpu_s']:.1f} s "
                  f"({defaults['steps']} steps, batch {defaults['batch_size']}, {r['trainable_params']:,} of "
                  f"{r['all_params']:,} parameters trained)", flush=True)
            report["runs"][name] = {"rounds": rows, "median": med}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
