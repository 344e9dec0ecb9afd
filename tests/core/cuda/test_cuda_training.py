#!/usr/bin/env python3
"""Training on CUDA through lora-cli: the same run on the CPU and on the GPU (fp32) gives the same losses step
by step, and bf16 autocast on the GPU stays close to them. Reports itself skipped (exit 77, CTest's
SKIP_RETURN_CODE) where PyTorch sees no CUDA device: the LibTorch core links is that PyTorch's.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

SKIP = 77
CLI = os.environ["LORA_CLI"]
FIXTURES = Path(os.environ["LORA_FIXTURES_DIR"])
STEPS = 6
CASES = [("gpt2_train", "c_attn"), ("llama_train", "q_proj,v_proj")]
WORDS = "the adapter learns a low rank update while the base weights stay frozen and the loss goes down".split()


def losses(model: str, targets: str, data: Path, out: Path, device: str, bf16: bool = False) -> list[float]:
    cmd = [CLI, "train", "--model", str(FIXTURES / "models" / model), "--data", str(data), "--targets", targets,
           "--steps", str(STEPS), "--batch-size", "2", "--no-shuffle", "--lr", "1e-3", "--schedule", "constant",
           "--seed", "7", "--device", device, "--out", str(out), "--no-db"] + (["--bf16"] if bf16 else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"lora-cli failed on {device}{' bf16' if bf16 else ''}:\n{proc.stderr}")
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return [r["train_loss"] for r in rows if r.get("train_loss") is not None]


def main() -> int:
    if not torch.cuda.is_available():
        print("SKIPPED: no CUDA device (torch.cuda.is_available() is False)")
        return SKIP
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "rows.jsonl"
        data.write_text("".join(json.dumps({"text": " ".join(WORDS[(r * 3 + w) % len(WORDS)] for w in range(4 + r))})
                                + "\n" for r in range(8)))
        for model, targets in CASES:
            cpu = losses(model, targets, data, root / f"{model}-cpu", "cpu")
            gpu = losses(model, targets, data, root / f"{model}-cuda", "cuda")
            bf16 = losses(model, targets, data, root / f"{model}-bf16", "cuda", bf16=True)
            print(f"{model}: cpu {cpu}\n{model}: cuda {gpu}\n{model}: cuda bf16 {bf16}")
            if len(cpu) != STEPS or len(gpu) != STEPS or len(bf16) != STEPS:
                failures.append(f"{model}: expected {STEPS} steps, got cpu {len(cpu)}, cuda {len(gpu)}, bf16 {len(bf16)}")
                continue
            for step, (a, b, c) in enumerate(zip(cpu, gpu, bf16), 1):
                if abs(a - b) > 1e-3 * abs(a):
                    failures.append(f"{model} step {step}: cpu loss {a} but cuda fp32 {b}")
                if abs(a - c) > 5e-2 * abs(a):
                    failures.append(f"{model} step {step}: cpu loss {a} but cuda bf16 {c}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
