#!/usr/bin/env python3
"""The random-weight models and token batches of the training-step benchmark (bench/run_train_step.py).

Made once into a cache folder (outside the repository) and reused: a GPT-2-124M-shaped GPT2LMHeadModel and a
SmolLM-135M-shaped LlamaForCausalLM, fp32 safetensors, no tokenizer (both sides are fed token ids), and a
file of random token ids per model that both sides read, so they train on exactly the same batches.

    /opt/lora-studio/venv/bin/python bench/train_models.py [--cache DIR]
"""
import argparse
from pathlib import Path

DEFAULT_CACHE = Path.home() / ".cache/lora-studio/bench"


def _gpt2_config():
    from transformers import GPT2Config

    # Dropout 0: core's architectures have none, so both sides do the same work in train mode.
    return GPT2Config(n_embd=768, n_layer=12, n_head=12, vocab_size=50257, n_positions=1024,
                      resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)


def _smollm_config():
    from transformers import LlamaConfig

    return LlamaConfig(hidden_size=576, num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3,
                       intermediate_size=1536, vocab_size=49152, tie_word_embeddings=True,
                       max_position_embeddings=2048, rms_norm_eps=1e-5, hidden_act="silu",
                       rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
                       attention_dropout=0.0, bos_token_id=0, eos_token_id=0)


# name -> (config factory, LoRA targets as PEFT matches them: GPT-2's "c_proj" is attn.c_proj and mlp.c_proj)
MODELS = {
    "gpt2-124m": (_gpt2_config, ["c_attn", "c_proj"]),
    "smollm-135m": (_smollm_config, ["q_proj", "k_proj", "v_proj", "o_proj"]),
}


def model_dir(cache: Path, name: str) -> Path:
    return cache / f"train-{name}-random"


def ensure_model(cache: Path, name: str) -> Path:
    path = model_dir(cache, name)
    if (path / "model.safetensors").exists():
        return path
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(MODELS[name][0](), dtype=torch.float32)
    model.save_pretrained(path)
    return path


def ensure_tokens(cache: Path, name: str, vocab: int, count: int, batch: int, seq: int, seed: int = 0) -> Path:
    """`count` batches of [batch, seq] uniform random ids, int64 little-endian, row-major, one after another."""
    path = cache / f"tokens-{name}-{count}x{batch}x{seq}-seed{seed}.bin"
    if path.exists():
        return path
    import torch

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, vocab, (count, batch, seq), generator=g, dtype=torch.int64)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(ids.numpy().astype("<i8").tobytes())
    tmp.rename(path)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = ap.parse_args()
    for name in MODELS:
        print(ensure_model(args.cache, name))


if __name__ == "__main__":
    main()
