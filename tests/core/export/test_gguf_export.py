"""lora-cli export --format gguf: the llama.cpp LoRA GGUF read back with the `gguf` package matches the PEFT
adapter tensor by tensor (llama.cpp names, ggml orientation, q/k rows permuted as convert_hf_to_gguf.py permutes
the base), and llama.cpp's scale (adapter.lora.alpha / rank) times B·A equals PEFT's scaling times B·A, with
rsLoRA and rank/alpha patterns folded into lora_b. What llama.cpp cannot express is refused with the reason."""
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from gguf_support import MODELS, cli, llama_permute, make_peft_adapter, read_gguf

LLAMA_NAMES = {"self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
               "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
               "mlp.down_proj": "ffn_down"}
GPT2_NAMES = {"attn.c_attn": "attn_qkv", "attn.c_proj": "attn_output", "mlp.c_fc": "ffn_up",
              "mlp.c_proj": "ffn_down"}


def gguf_name(model_type: str, module: str) -> str:
    prefix, names = ("transformer.h.", GPT2_NAMES) if model_type == "gpt2" else ("model.layers.", LLAMA_NAMES)
    layer, rest = module.removeprefix(prefix).split(".", 1)
    return f"blk.{layer}.{names[rest]}.weight"


def check_export(tmp: Path, label: str, model: str, arch: str, tolerance: float = 1e-6, f16: bool = False,
                 **config) -> str:
    adapter = tmp / label
    scalings = make_peft_adapter(model, adapter, **config)
    out = tmp / f"{label}.gguf"
    cli("export", MODELS / model, "--adapter", adapter, "--format", "gguf", "--out", out, *(["--f16"] if f16 else []))
    meta, tensors, ne = read_gguf(out)
    hf = json.loads((MODELS / model / "config.json").read_text())
    peft = load_file(adapter / "adapter_model.safetensors")
    alpha = json.loads((adapter / "adapter_config.json").read_text())["lora_alpha"]

    assert meta["general.type"] == "adapter" and meta["adapter.type"] == "lora", meta
    assert meta["general.architecture"] == arch, meta
    assert abs(meta["adapter.lora.alpha"] - alpha) < 1e-6, (meta["adapter.lora.alpha"], alpha)
    assert len(tensors) == 2 * len(scalings), (sorted(tensors), sorted(scalings))
    worst = 0.0
    for module, scaling in scalings.items():
        name = gguf_name(hf["model_type"], module)
        a = torch.from_numpy(tensors[name + ".lora_a"])
        b = torch.from_numpy(tensors[name + ".lora_b"])
        a_peft = peft[f"base_model.model.{module}.lora_A.weight"]
        b_peft = peft[f"base_model.model.{module}.lora_B.weight"]
        rank, n_in, n_out = a_peft.shape[0], a_peft.shape[1], b_peft.shape[0]
        # ggml's ne lists the fastest dimension first: lora_a {in, r}, lora_b {r, out}, as llama-adapter.cpp checks.
        assert ne[name + ".lora_a"] == [n_in, rank] and ne[name + ".lora_b"] == [rank, n_out], (name, ne)
        # llama.cpp multiplies B·A by alpha / rank (rank = lora_b's ne[0]); PEFT by its own scaling.
        factor = scaling / (meta["adapter.lora.alpha"] / rank)
        b_expected = b_peft * factor
        if arch == "llama" and module.endswith(("q_proj", "k_proj")):
            heads = hf["num_attention_heads"] if module.endswith("q_proj") else hf["num_key_value_heads"]
            b_expected = llama_permute(b_expected, heads)
        worst = max(worst, (a - a_peft).abs().max().item(), (b - b_expected).abs().max().item() / max(1.0, abs(factor)))
    assert worst <= tolerance, f"{label}: max |diff| {worst:.3g} > {tolerance}"
    folded = sum(abs(s / (alpha / peft[f'base_model.model.{m}.lora_A.weight'].shape[0]) - 1) > 1e-9
                 for m, s in scalings.items())
    return f"{label}: {len(scalings)} pairs, {folded} with folded scale, max |diff| {worst:.3g}"


def check_refused(tmp: Path, label: str, model: str, expected: str, **config) -> str:
    adapter = tmp / label
    make_peft_adapter(model, adapter, **config)
    # PEFT also saves a tied LM head's base weight, which no LoRA loader wants; drop it as merge tools do.
    tensors = load_file(adapter / "adapter_model.safetensors")
    save_file({k: v for k, v in tensors.items() if not k.endswith(".base_layer.weight")},
              adapter / "adapter_model.safetensors", metadata={"format": "pt"})
    out = tmp / f"{label}.gguf"
    result = cli("export", MODELS / model, "--adapter", adapter, "--format", "gguf", "--out", out, expect=1)
    assert expected in result.stderr and str(out) in result.stderr, result.stderr
    assert not out.exists(), "a refused export left a file"
    return f"{label}: refused ({result.stderr.strip().splitlines()[-1][:110]}...)"


def main() -> int:
    all7 = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lines = [
            check_export(tmp, "llama_plain", "llama", "llama", r=4, lora_alpha=8, target_modules=all7),
            check_export(tmp, "llama_rslora_patterns", "llama", "llama", r=4, lora_alpha=8, target_modules=all7,
                         use_rslora=True, rank_pattern={"k_proj": 2, "down_proj": 6},
                         alpha_pattern={"v_proj": 3.0, "up_proj": 20.0}),
            check_export(tmp, "mistral", "mistral", "llama", r=4, lora_alpha=16, target_modules=["q_proj", "k_proj"]),
            check_export(tmp, "qwen2", "qwen2", "qwen2", r=4, lora_alpha=8, target_modules=all7),
            check_export(tmp, "gpt2", "gpt2", "gpt2", r=4, lora_alpha=8, fan_in_fan_out=True,
                         target_modules=["c_attn", "attn.c_proj", "c_fc", "mlp.c_proj"]),
            # F16 keeps 11 significant bits: |value| < 1 here, so half a unit in the last place is under 5e-4.
            check_export(tmp, "llama_f16", "llama", "llama", tolerance=5e-4, f16=True, r=4, lora_alpha=8,
                         target_modules=["q_proj", "v_proj"]),
            check_refused(tmp, "dora", "llama", "DoRA", r=4, lora_alpha=8, target_modules=["q_proj"], use_dora=True),
            check_refused(tmp, "tied_lm_head", "llama_tied", "tied", r=4, lora_alpha=8,
                          target_modules=["q_proj", "lm_head"]),
            check_refused(tmp, "modules_to_save", "llama", "modules_to_save", r=4, lora_alpha=8,
                          target_modules=["q_proj"], modules_to_save=["lm_head"]),
        ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
