#!/usr/bin/env python3
"""LoRA Studio's parameter accounting (`lora-cli plan --json`) equals PEFT's get_nb_trainable_parameters
(what print_trainable_parameters prints) for the same model and LoRA configuration."""
import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM, AutoModelForSequenceClassification

CLI = os.environ["LORA_CLI"]
MODELS = Path(os.environ["LORA_FIXTURES_DIR"]) / "models"

# (fixture, CLI arguments, the same configuration for PEFT)
CASES = [
    ("gpt2", ["--targets", "c_attn", "--rank", "4"], dict(target_modules=["c_attn"], r=4)),
    ("gpt2", ["--targets", "all-linear", "--rank", "2"], dict(target_modules="all-linear", r=2)),
    ("gpt2", ["--targets", "c_attn,c_proj", "--layers", "1", "--rank", "8"],
     dict(target_modules=["c_attn", "c_proj"], layers_to_transform=[1], r=8)),
    ("gpt2", ["--targets", "c_attn,c_fc", "--rank", "8", "--rank-pattern", "c_fc=2"],
     dict(target_modules=["c_attn", "c_fc"], r=8, rank_pattern={"c_fc": 2})),
    ("llama", ["--targets", "q_proj,v_proj", "--rank", "8"], dict(target_modules=["q_proj", "v_proj"], r=8)),
    ("llama", ["--targets", "all-linear", "--rank", "4", "--dora"],
     dict(target_modules="all-linear", r=4, use_dora=True)),
    ("llama", ["--targets", r".*\.1\.mlp\.(up|down)_proj", "--target-regex", "--rank", "3"],
     dict(target_modules=r".*\.1\.mlp\.(up|down)_proj", r=3)),
    ("llama", ["--targets", "all-linear", "--exclude", "o_proj,gate_proj", "--rank", "2"],
     dict(target_modules="all-linear", exclude_modules=["o_proj", "gate_proj"], r=2)),
    ("qwen2", ["--targets", "q_proj,k_proj,v_proj,o_proj", "--rank", "4"],
     dict(target_modules=["q_proj", "k_proj", "v_proj", "o_proj"], r=4)),
    ("bert", ["--targets", "query,value", "--rank", "4", "--task", "SEQ_CLS"],
     dict(target_modules=["query", "value"], r=4, task_type="SEQ_CLS")),
    ("bert", ["--targets", "all-linear", "--rank", "2", "--task", "SEQ_CLS"],
     dict(target_modules="all-linear", r=2, task_type="SEQ_CLS")),
]


def peft_counts(fixture: str, kwargs: dict) -> tuple[int, int]:
    path = MODELS / fixture
    seq_cls = kwargs.get("task_type") == "SEQ_CLS"
    loader = AutoModelForSequenceClassification if seq_cls else AutoModelForCausalLM
    model = loader.from_pretrained(path, torch_dtype=torch.float32)
    kwargs = dict(kwargs)
    kwargs.setdefault("task_type", "CAUSAL_LM")
    peft_model = get_peft_model(model, LoraConfig(lora_alpha=16, **kwargs))
    return peft_model.get_nb_trainable_parameters()


def ours(fixture: str, args: list[str]) -> tuple[int, int]:
    out = subprocess.run([CLI, "plan", str(MODELS / fixture), "--json", *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise AssertionError(f"lora-cli plan failed: {out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["trainable"], result["total"]


def main() -> int:
    passed = failed = 0
    for fixture, args, kwargs in CASES:
        try:
            mine, theirs = ours(fixture, args), peft_counts(fixture, kwargs)
            assert mine == theirs, f"ours (trainable, total) {mine} != PEFT's {theirs}"
            passed += 1
            print(f"ok   {fixture} {' '.join(args)}: {mine}")
        except Exception as e:  # report every case, then fail
            failed += 1
            print(f"FAIL {fixture} {' '.join(args)}: {e}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
