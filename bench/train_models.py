#!/usr/bin/env python3
"""The random-weight models and token batches of the training-step benchmark (bench/run_train_step.py).

Made once into a cache folder (outside the repository) and reused: a GPT-2-124M-shaped GPT2LMHeadModel and a
SmolLM-135M-shaped LlamaForCausalLM (and, for GPUs, a ~0.5B Llama shape), fp32 safetensors, and a file of random
token ids per model that both sides read, so they train on exactly the same batches. bench/compare_peft trains
through lora-cli, which reads text: ensure_tokenizer gives a model folder a byte-level BPE tokenizer.json
trained on ensure_corpus's text (random words, seeded), so lora-cli can tokenise a dataset for it.

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


def _llama_05b_config():
    from transformers import LlamaConfig

    # Qwen2.5-0.5B's block shape as a Llama: 24 layers, width 896, 14 query / 2 key-value heads, MLP 4864.
    return LlamaConfig(hidden_size=896, num_hidden_layers=24, num_attention_heads=14, num_key_value_heads=2,
                       intermediate_size=4864, vocab_size=151936, tie_word_embeddings=True,
                       max_position_embeddings=4096, rms_norm_eps=1e-6, hidden_act="silu",
                       rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
                       attention_dropout=0.0, bos_token_id=0, eos_token_id=0)


# name -> (config factory, LoRA targets as PEFT matches them: GPT-2's "c_proj" is attn.c_proj and mlp.c_proj)
MODELS = {
    "gpt2-124m": (_gpt2_config, ["c_attn", "c_proj"]),
    "smollm-135m": (_smollm_config, ["q_proj", "k_proj", "v_proj", "o_proj"]),
}
# Only on a GPU (bench/compare_peft --device cuda): too slow for a CPU benchmark.
GPU_MODELS = {"llama-0.5b": (_llama_05b_config, ["q_proj", "k_proj", "v_proj", "o_proj"])}
VOCAB = {"gpt2-124m": 50257, "smollm-135m": 49152, "llama-0.5b": 151936}


def model_dir(cache: Path, name: str) -> Path:
    return cache / f"train-{name}-random"


def ensure_model(cache: Path, name: str) -> Path:
    path = model_dir(cache, name)
    if (path / "model.safetensors").exists():
        return path
    import torch
    from transformers import AutoModelForCausalLM

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config({**MODELS, **GPU_MODELS}[name][0](), dtype=torch.float32)
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


_WORDS = ("the a one little big old new red blue green happy sad cat dog bird tree house river town king queen "
          "child friend ran saw took gave made found walked played sang looked over under into with from and but "
          "then when because after before while day night morning story garden road boat ship star sun moon").split()


def ensure_corpus(cache: Path, words: int = 400_000, seed: int = 0) -> Path:
    """Random sentences from a small word list, seeded; one line and no newline, so that a text dataset of the
    whole file is exactly this string on both sides."""
    path = cache / f"corpus-{words}-seed{seed}.txt"
    if path.exists():
        return path
    import random

    rng = random.Random(seed)
    parts = []
    for i in range(words):
        w = rng.choice(_WORDS)
        parts.append(w.capitalize() if i % 12 == 0 else w)
        if i % 12 == 11:
            parts[-1] += "."
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(" ".join(parts))
    tmp.rename(path)
    return path


def ensure_tokenizer(cache: Path, model: Path) -> Path:
    """A byte-level BPE tokenizer.json (GPT-2's scheme, 4096 entries, <|endoftext|> as EOS) in the model folder,
    trained on ensure_corpus's text. Ids stay far below the models' vocabularies, so any of them can use it."""
    path = model / "tokenizer.json"
    if path.exists():
        return path
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    text = ensure_corpus(cache).read_text()
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=4096, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator([text[i:i + 10_000] for i in range(0, len(text), 10_000)], trainer=trainer)
    tmp = path.with_suffix(".tmp")
    tok.save(str(tmp))
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
