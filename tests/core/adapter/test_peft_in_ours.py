#!/usr/bin/env python3
"""(b) PEFT's adapters in LoRA Studio: adapters made by PEFT (every LoRA tensor drawn with torch.nn.init.normal_,
DoRA magnitudes and classifier copies perturbed) and saved with save_pretrained are read by
`lora-cli logits --adapter`, whose logits must equal PEFT's."""
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model

from adapter_support import cli_logits, fixture, hf_logits, hf_model, is_seq_cls, max_diff, report, token_ids

CASES = [
    ("gpt2", dict(target_modules=["c_attn"], r=4, lora_alpha=8)),
    ("gpt2", dict(target_modules=["c_attn", "c_proj", "c_fc"], r=4, lora_alpha=8, use_rslora=True)),
    ("gpt2", dict(target_modules=["c_attn", "c_fc"], r=3, lora_alpha=6, use_dora=True)),
    ("gpt2", dict(target_modules=["c_attn", "c_proj"], r=8, lora_alpha=16, layers_to_transform=[1],
                  rank_pattern={"c_proj": 2}, alpha_pattern={"c_attn": 4})),
    ("llama", dict(target_modules=["q_proj", "v_proj"], r=8, lora_alpha=16)),
    ("llama", dict(target_modules="all-linear", r=4, lora_alpha=8, use_rslora=True)),
    ("llama", dict(target_modules="all-linear", r=4, lora_alpha=8, use_dora=True)),
    ("llama", dict(target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj"], r=8, lora_alpha=16,
                   rank_pattern={"k_proj": 2, "gate_proj": 3}, alpha_pattern={"o_proj": 3, "k_proj": 7})),
    ("llama_tied", dict(target_modules=["q_proj", "down_proj"], r=4, lora_alpha=8)),
    ("qwen2", dict(target_modules=["q_proj", "k_proj", "v_proj"], r=4, lora_alpha=8)),
    ("mistral", dict(target_modules="all-linear", r=2, lora_alpha=4)),
    ("bert", dict(target_modules=["query", "value"], r=4, lora_alpha=8, task_type="SEQ_CLS")),
    ("bert", dict(target_modules="all-linear", r=2, lora_alpha=4, task_type="SEQ_CLS", use_dora=True)),
]


def perturb(model, seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.empty_like(p)
            if "lora_magnitude_vector" in name:
                p.mul_(1 + 0.2 * torch.nn.init.normal_(noise, generator=g))
            elif "lora_" in name:
                torch.nn.init.normal_(p, std=0.3, generator=g)
            elif "modules_to_save" in name:
                p.add_(0.2 * torch.nn.init.normal_(noise, generator=g))


def check(model: str, kwargs: dict, seed: int):
    ids = token_ids(model)
    seq_cls = is_seq_cls(model)
    kwargs = dict(kwargs)
    kwargs.setdefault("task_type", "CAUSAL_LM")
    base = hf_model(fixture(model), seq_cls)
    before = hf_logits(base, ids)
    peft = get_peft_model(base, LoraConfig(**kwargs))
    perturb(peft, seed)
    peft.eval()
    theirs = hf_logits(peft, ids)
    moved = max_diff(theirs, before)
    assert moved > 1e-2, f"the adapter barely changes PEFT's logits ({moved:.3g}); test is vacuous"
    with tempfile.TemporaryDirectory() as tmp:
        peft.save_pretrained(tmp)
        ours = cli_logits(fixture(model), ids, Path(tmp))
    return max_diff(ours, theirs), f"(adapter moved logits by {moved:.3g})"


if __name__ == "__main__":
    sys.exit(report([(f"{m} {k}", lambda m=m, k=k, i=i: check(m, k, i)) for i, (m, k) in enumerate(CASES)]))
