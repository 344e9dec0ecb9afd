"""LoRA Studio's default runs on the bundled model, from resources/models/studio-llama-2m/lora_defaults.json.

lora_defaults.json is the single source of the app's default LoRA settings (the GUI reads the same keys).
This module turns it into run files for `lora-cli train --config` (the keys of core's TrainingConfig, see
core/include/lora/training.h) and runs them. Shared by the bundled tests (tests/bundled/), the benchmark
(bench/first_run.py) and the model card's measurements (resources/models/measure_lora_defaults.py).
Standard library only.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "resources" / "models" / "studio-llama-2m"
DEFAULTS_FILE = MODEL_DIR / "lora_defaults.json"


def load_defaults() -> dict:
    return json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))


def dataset_entry(name: str, defaults: dict | None = None) -> dict:
    """The bundled dataset `name` as lora_defaults.json lists it under "datasets"."""
    defaults = defaults or load_defaults()
    for entry in defaults["datasets"]:
        if entry["name"] == name:
            return entry
    raise KeyError(f"{DEFAULTS_FILE}: no dataset named {name!r} under \"datasets\"")


def run_config(name: str, output_dir: Path, defaults: dict | None = None, **overrides) -> dict:
    """The run file (core's TrainingConfig keys) of the default run on bundled dataset `name`."""
    d = defaults or load_defaults()
    entry = dataset_entry(name, d)
    config = {
        "model": str(MODEL_DIR),
        "data": str(ROOT / entry["path"]),
        "dataset": {
            "format": entry["format"],
            "block_size": d["block_size"],
            "max_length": d["max_length"],
            "text_documents": d["text_documents"],
        },
        "mode": "lora",
        "lora": {
            "r": d["r"],
            "lora_alpha": d["lora_alpha"],
            "lora_dropout": d["lora_dropout"],
            "target_modules": d["target_modules"],
            "task_type": "CAUSAL_LM",
        },
        "max_steps": d["steps"],
        "per_device_train_batch_size": d["batch_size"],
        "learning_rate": d["learning_rate"],
        "weight_decay": d["weight_decay"],
        "warmup_steps": d["warmup_steps"],
        "lr_scheduler_type": d["schedule"],
        "max_grad_norm": d["max_grad_norm"],
        "eval_steps": d["eval_every"],
        "validation_fraction": d["validation_fraction"],
        "seed": d["seed"],
        "threads": d.get("threads", 0),
        "output_dir": str(output_dir),
    }
    config.update(overrides)
    return config


def write_run(name: str, run_dir: Path, defaults: dict | None = None, **overrides) -> Path:
    """Writes run_dir/run.json for the default run on `name` (adapter into run_dir/adapter); returns its path."""
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "run.json"
    path.write_text(json.dumps(run_config(name, run_dir / "adapter", defaults, **overrides), indent=2) + "\n",
                    encoding="utf-8")
    return path


def train(cli: str | Path, run_file: Path) -> dict:
    """Runs `lora-cli train --config run_file` (a fresh output folder) and returns what it reported:
    wall_seconds (the whole command: model and data loading, training, evaluations, saving), final metrics,
    validation losses by step, trainable and total parameter counts."""
    config = json.loads(run_file.read_text(encoding="utf-8"))
    out = Path(config["output_dir"])
    if out.exists():
        for p in sorted(out.rglob("*"), reverse=True):
            p.unlink() if p.is_file() or p.is_symlink() else p.rmdir()
    env = dict(os.environ)
    start = time.perf_counter()
    proc = subprocess.run([str(cli), "train", "--config", str(run_file)], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"lora-cli train failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    counts = re.search(r"trainable params: ([\d,]+) \|\| all params: ([\d,]+)", proc.stderr)
    if not counts:
        raise RuntimeError("lora-cli train did not report its parameter counts:\n" + proc.stderr[-2000:])
    metrics = [json.loads(l) for l in (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    return {
        "wall_seconds": wall,
        "final": summary["final"],
        "val_losses": {r["step"]: r["val_loss"] for r in metrics if r["val_loss"] is not None},
        "trainable_params": int(counts.group(1).replace(",", "")),
        "all_params": int(counts.group(2).replace(",", "")),
        "adapter": out,
        "log": proc.stderr,
    }


def evaluate(tool: str | Path, *args: str) -> dict:
    """lora-bundled-eval (tests/bundled/bundled_eval.cpp) with the given arguments: its JSON answer."""
    proc = subprocess.run([str(tool), *map(str, args)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"lora-bundled-eval {' '.join(map(str, args))} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


def generate(cli: str | Path, prompt: str, adapter: Path | None = None, max_new_tokens: int = 48) -> str:
    """Greedy continuation of `prompt` by the bundled model (with `adapter`), via lora-cli generate."""
    cmd = [str(cli), "generate", str(MODEL_DIR), prompt, "--greedy", "--json", "--max-new-tokens", str(max_new_tokens)]
    if adapter is not None:
        cmd += ["--adapter", str(adapter)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"lora-cli generate failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])["text"]
