"""Arithmetic of one LoRA training token, from a model folder's config.json (GPT-2 or Llama family).

For LoRA the frozen weights need no weight gradient, so each projection costs 2 FLOPs per weight forward and 2 for
the input gradient backward: 4N per token, N = the projections' weights including the LM head (issue 8's
"forward 2N plus backward 2N"). Attention adds 2 products (QK^T, PV) of 2·T·d each forward and twice that backward:
12·L·d·T (PaLM's convention, without crediting the causal mask). The LoRA branches themselves (r ≪ d) are left out.
"""
import json
from pathlib import Path


def projection_weights(config: dict) -> tuple[int, int, int]:
    """(weights in all projections including the LM head, layers, width)."""
    kind = config["model_type"]
    if kind == "gpt2":
        d, layers = config["n_embd"], config["n_layer"]
        inner = config.get("n_inner") or 4 * d
        per_layer = d * 3 * d + d * d + 2 * d * inner
    else:  # Llama family: q, k, v, o and the gated MLP
        d, layers = config["hidden_size"], config["num_hidden_layers"]
        heads = config["num_attention_heads"]
        kv = config.get("num_key_value_heads", heads) * (config.get("head_dim") or d // heads)
        per_layer = d * d + 2 * d * kv + d * d + 3 * d * config["intermediate_size"]
    return layers * per_layer + config["vocab_size"] * d, layers, d


def lora_flops_per_token(model_dir: Path, seq: int) -> dict:
    config = json.loads((Path(model_dir) / "config.json").read_text())
    n, layers, d = projection_weights(config)
    gemm = 4 * n
    attention = 12 * layers * d * seq
    return {"projection_weights": n, "gemm": gemm, "attention": attention, "total": gemm + attention}
