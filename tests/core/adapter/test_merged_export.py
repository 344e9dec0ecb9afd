#!/usr/bin/env python3
"""(c) Merged export: `lora-cli merge BASE --adapter A --out M` writes a Hugging Face folder that transformers
loads; its logits must equal ours with the adapter attached (and PEFT's merge_and_unload). The folder keeps the
source checkpoint's tensor names and dtypes, its untouched tensors bit for bit, and its other files."""
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors import safe_open

from adapter_support import (cli_logits, fixture, hf_logits, hf_model, is_seq_cls, make_adapter, max_diff, report,
                             run, token_ids, CLI)
from test_peft_in_ours import perturb

# (fixture, how the adapter is made: ("ours", helper args) or ("peft", LoraConfig kwargs))
CASES = [
    ("gpt2", ("ours", ["--targets", "c_attn,c_proj,c_fc", "--rank", "4", "--alpha", "8"])),
    ("gpt2", ("peft", dict(target_modules=["c_attn"], r=3, lora_alpha=6, use_dora=True))),
    ("llama", ("peft", dict(target_modules="all-linear", r=4, lora_alpha=8, rank_pattern={"v_proj": 2}))),
    ("llama", ("ours", ["--targets", "q_proj,v_proj,down_proj", "--rank", "4", "--alpha", "8", "--dora"])),
    ("llama_tied", ("ours", ["--targets", "q_proj,up_proj", "--rank", "2", "--alpha", "4", "--rslora"])),
    ("bert", ("ours", ["--targets", "query,value", "--rank", "4", "--alpha", "8", "--task", "SEQ_CLS"])),
    ("bert", ("peft", dict(target_modules=["query", "key", "dense"], r=2, lora_alpha=4, task_type="SEQ_CLS"))),
]


def tensors(path: Path) -> dict:
    with safe_open(path, "pt") as f:
        return {k: f.get_tensor(k) for k in f.keys()}


def source_tensors(model: str) -> dict:
    out = {}
    for file in sorted(fixture(model).glob("*.safetensors")):
        out.update(tensors(file))
    return out


def make(model: str, how, adapter: Path, seed: int) -> None:
    kind, spec = how
    if kind == "ours":
        make_adapter(model, adapter, spec + ["--seed", str(seed)])
        return
    kwargs = dict(spec)
    kwargs.setdefault("task_type", "CAUSAL_LM")
    peft = get_peft_model(hf_model(fixture(model), is_seq_cls(model)), LoraConfig(**kwargs))
    perturb(peft, seed)
    peft.save_pretrained(adapter)


def check(model: str, how, seed: int):
    ids = token_ids(model)
    seq_cls = is_seq_cls(model)
    with tempfile.TemporaryDirectory() as tmp:
        adapter, merged = Path(tmp) / "adapter", Path(tmp) / "merged"
        make(model, how, adapter, seed)
        run([CLI, "merge", fixture(model), "--adapter", adapter, "--out", merged])

        # Same files besides the weights, same tensor names and dtypes, untouched tensors bit for bit.
        source_files = {p.name for p in fixture(model).iterdir() if p.suffix != ".safetensors"}
        merged_files = {p.name for p in merged.iterdir()} - {"model.safetensors"}
        assert source_files == merged_files, f"files differ: {source_files ^ merged_files}"
        src, out = source_tensors(model), tensors(merged / "model.safetensors")
        assert src.keys() == out.keys(), f"tensor names differ: {sorted(src.keys() ^ out.keys())[:6]}"
        changed = [k for k in src if src[k].dtype != out[k].dtype or not torch.equal(src[k], out[k])]
        assert all(src[k].dtype == out[k].dtype for k in src), "a tensor changed dtype"
        assert changed, "the merged checkpoint equals the base"

        ours = cli_logits(fixture(model), ids, adapter)
        merged_logits = hf_logits(hf_model(merged, seq_cls), ids)
        peft_merged = PeftModel.from_pretrained(hf_model(fixture(model), seq_cls), adapter).merge_and_unload()
        vs_peft = max_diff(hf_logits(peft_merged, ids), merged_logits)
        assert vs_peft <= 1e-4, f"PEFT's merge_and_unload differs from our merged model by {vs_peft:.3g}"
        return max_diff(merged_logits, ours), f"({len(changed)} tensors changed; vs PEFT merge {vs_peft:.3g})"


if __name__ == "__main__":
    sys.exit(report([(f"{m} {h[0]} {h[1]}", lambda m=m, h=h, i=i: check(m, h, i)) for i, (m, h) in enumerate(CASES)]))
