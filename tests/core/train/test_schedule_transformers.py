#!/usr/bin/env python3
"""The learning rates lora-cli train reports for each step equal those transformers' schedulers give
(get_{constant,linear,cosine}_schedule_with_warmup), warmup included."""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from transformers import (get_constant_schedule_with_warmup, get_cosine_schedule_with_warmup,
                          get_linear_schedule_with_warmup)

CLI = os.environ["LORA_CLI"]
MODEL = Path(os.environ["LORA_FIXTURES_DIR"]) / "models" / "gpt2_train"
LR = 0.5
STEPS = 9
WARMUP = 3


def reference(kind: str) -> list[float]:
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=LR)
    make = {"constant": lambda: get_constant_schedule_with_warmup(opt, WARMUP),
            "linear": lambda: get_linear_schedule_with_warmup(opt, WARMUP, STEPS),
            "cosine": lambda: get_cosine_schedule_with_warmup(opt, WARMUP, STEPS)}[kind]
    sched = make()
    rates = []
    for _ in range(STEPS):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


def ours(kind: str, tmp: Path) -> list[float]:
    data = tmp / "d.jsonl"
    data.write_text('{"text": "a few words of text"}\n{"text": "and a few more words"}\n')
    out = tmp / kind
    cmd = [CLI, "train", "--model", str(MODEL), "--data", str(data), "--targets", "c_attn", "--steps", str(STEPS),
           "--batch-size", "2", "--lr", str(LR), "--schedule", kind, "--warmup", str(WARMUP), "--threads", "1",
           "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return [json.loads(l)["learning_rate"] for l in (out / "metrics.jsonl").read_text().splitlines()]


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for kind in ("constant", "linear", "cosine"):
            got, want = ours(kind, Path(d)), reference(kind)
            same = len(got) == len(want) and all(abs(a - b) <= 1e-12 for a, b in zip(got, want))
            print(f"{kind}: {'ok' if same else 'MISMATCH'}")
            if not same:
                print("  ours:        ", got)
                print("  transformers:", want)
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
