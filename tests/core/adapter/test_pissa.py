#!/usr/bin/env python3
"""PiSSA: our initialisation equals PEFT's (s·B·A per module, so the arbitrary signs of singular vectors cancel),
leaves the model's outputs unchanged (residual + adapter = base), and a trained PiSSA adapter saved by us
(converted to plain LoRA, as PEFT's path_initial_model_for_weight_conversion does) gives, with PEFT on the
ORIGINAL base, the logits we compute on the residual base."""
import json
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file

from adapter_support import fixture, hf_logits, hf_model, make_adapter, max_diff, report, token_ids

CASES = [
    ("gpt2", ["--targets", "c_attn,c_fc", "--rank", "4", "--alpha", "8"], dict(target_modules=["c_attn", "c_fc"], r=4, lora_alpha=8)),
    ("llama", ["--targets", "q_proj,v_proj,down_proj", "--rank", "3", "--alpha", "5", "--rslora"],
     dict(target_modules=["q_proj", "v_proj", "down_proj"], r=3, lora_alpha=5, use_rslora=True)),
]
PREFIX = "base_model.model."


def init_matches_peft(model: str, args: list[str], kwargs: dict):
    ids = token_ids(model)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        ours_logits = make_adapter(model, raw, args + ["--init", "pissa", "--no-noise", "--raw"], ids)
        base_logits = hf_logits(hf_model(fixture(model), False), ids)
        unchanged = max_diff(ours_logits, base_logits)
        assert unchanged <= 1e-4, f"residual + PiSSA adapter differs from the base by {unchanged:.3g}"
        ours = load_file(raw / "adapter_model.safetensors")
        config = json.loads((raw / "adapter_config.json").read_text())
        assert config["init_lora_weights"] == "pissa", "a raw PiSSA save must say so"
    peft = get_peft_model(hf_model(fixture(model), False), LoraConfig(init_lora_weights="pissa", **kwargs))
    worst = 0.0
    n = 0
    for name, module in peft.named_modules():
        if not hasattr(module, "lora_A") or "default" not in module.lora_A:
            continue
        key = name[len(PREFIX):] if name.startswith(PREFIX) else name
        s = module.scaling["default"]
        theirs = s * module.lora_B["default"].weight @ module.lora_A["default"].weight
        mine = s * ours[PREFIX + key + ".lora_B.weight"] @ ours[PREFIX + key + ".lora_A.weight"]
        worst = max(worst, max_diff(mine, theirs.detach()))
        n += 1
    assert n > 0, "PEFT adapted nothing"
    return worst, f"({n} modules; residual+adapter vs base {unchanged:.3g})"


def converted_matches(model: str, args: list[str], _kwargs: dict):
    ids = token_ids(model)
    with tempfile.TemporaryDirectory() as tmp:
        converted = Path(tmp) / "converted"
        ours_logits = make_adapter(model, converted, args + ["--init", "pissa"], ids)
        config = json.loads((converted / "adapter_config.json").read_text())
        assert config["init_lora_weights"] is True, "the exported PiSSA adapter must be plain LoRA"
        base = hf_model(fixture(model), False)
        before = hf_logits(base, ids)
        theirs = hf_logits(PeftModel.from_pretrained(base, converted).eval(), ids)
        moved = max_diff(theirs, before)
        assert moved > 1e-2, f"the adapter barely changes the logits ({moved:.3g}); test is vacuous"
        return max_diff(ours_logits, theirs), f"(r {config['r']}; adapter moved logits by {moved:.3g})"


if __name__ == "__main__":
    cases = []
    for m, a, k in CASES:
        cases.append((f"init {m} {' '.join(a)}", lambda m=m, a=a, k=k: init_matches_peft(m, a, k)))
        cases.append((f"converted {m} {' '.join(a)}", lambda m=m, a=a, k=k: converted_matches(m, a, k)))
    sys.exit(report(cases))
