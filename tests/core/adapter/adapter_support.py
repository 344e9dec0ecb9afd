"""Shared by the adapter reference tests: fixture paths, token ids, and logits from lora-cli, the test helper
(make_test_adapter) and transformers/PEFT."""
import json
import os
import subprocess
import tempfile
from pathlib import Path

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

CLI = os.environ["LORA_CLI"]
MAKE_ADAPTER = os.environ["LORA_MAKE_ADAPTER"]
MODELS = Path(os.environ["LORA_FIXTURES_DIR"]) / "models"
TOLERANCE = 1e-4


def fixture(name: str) -> Path:
    return MODELS / name


def token_ids(name: str, n: int = 12) -> list[int]:
    vocab = json.loads((fixture(name) / "config.json").read_text())["vocab_size"]
    return [(7 * i + 3) % vocab for i in range(n)]


def is_seq_cls(name: str) -> bool:
    return "ForSequenceClassification" in json.loads((fixture(name) / "config.json").read_text())["architectures"][0]


def hf_model(path: Path, seq_cls: bool):
    loader = AutoModelForSequenceClassification if seq_cls else AutoModelForCausalLM
    return loader.from_pretrained(path, dtype=torch.float32).eval()


def hf_logits(model, ids: list[int]) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=torch.tensor([ids])).logits.float()


def run(cmd: list[str]) -> str:
    out = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({out.returncode}): {out.stderr.strip()}")
    return out.stdout


def cli_logits(model_dir: Path, ids: list[int], adapter: Path | None = None) -> torch.Tensor:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "logits.safetensors"
        cmd = [CLI, "logits", model_dir, "--ids", ",".join(map(str, ids)), "--out", out]
        if adapter is not None:
            cmd += ["--adapter", adapter]
        run(cmd)
        return load_file(out)["logits"]


def make_adapter(model: str, out: Path, args: list[str], logits_ids: list[int] | None = None) -> torch.Tensor | None:
    cmd = [MAKE_ADAPTER, fixture(model), out, *args]
    if logits_ids is None:
        run(cmd)
        return None
    logits_file = out.parent / (out.name + ".logits.safetensors")
    run(cmd + ["--ids", ",".join(map(str, logits_ids)), "--logits-out", logits_file])
    return load_file(logits_file)["logits"]


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    assert a.shape == b.shape, f"shapes differ: {tuple(a.shape)} vs {tuple(b.shape)}"
    return (a - b).abs().max().item()


def report(cases) -> int:
    """cases: (label, function returning (max diff, extra text)). Runs all, prints each, fails if any failed."""
    failed = 0
    worst = 0.0
    for label, fn in cases:
        try:
            diff, note = fn()
            worst = max(worst, diff)
            ok = diff <= TOLERANCE
            print(f"{'ok  ' if ok else 'FAIL'} {label}: max |diff| {diff:.3g}{' ' + note if note else ''}")
            failed += 0 if ok else 1
        except Exception as e:  # report every case, then fail
            failed += 1
            print(f"FAIL {label}: {e}")
    print(f"{len(cases) - failed} passed, {failed} failed; worst max |diff| {worst:.3g} (tolerance {TOLERANCE})")
    return 1 if failed else 0
