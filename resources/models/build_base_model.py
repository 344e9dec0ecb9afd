#!/usr/bin/env python3
"""Builds LoRA Studio's bundled base model, resources/models/studio-llama-2m/, from scratch.

One script, deterministic (fixed seeds, fixed step count, fixed thread count), no network:
  1. trains a byte-level BPE tokenizer (Hugging Face `tokenizers`) on datasets/stories/stories.txt,
  2. pretrains a small Llama-architecture causal LM on the same corpus with transformers + torch (CPU),
  3. evaluates it on datasets/stories/validation.txt (stories the model never trained on),
  4. writes the Hugging Face folder (config.json, model.safetensors, tokenizer.json, tokenizer_config.json,
     generation_config.json), build_report.json with every measured figure, and the model card README.md.

    python datasets/generate.py                                    # the corpus (committed; only if missing)
    nice -n 10 python resources/models/build_base_model.py         # ~5-10 min on 2 idle CPU cores

Figures in the card (losses, tokens, wall time) are the ones this run measured.
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import random
import shutil
import time
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

ROOT = Path(__file__).resolve().parents[2]
NAME = "studio-llama-2m"
SEED = 1234
EOS = "<|endoftext|>"
PAD = "<|pad|>"

# Architecture: small enough to pretrain on 2 CPU cores in minutes, Llama so that LoRA can target
# q/k/v/o (attention, with grouped-query attention: 2 key/value heads for 4 query heads) and gate/up/down (MLP).
ARCH = dict(
    hidden_size=192,
    intermediate_size=512,
    num_hidden_layers=4,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=512,
    rms_norm_eps=1e-5,
    rope_theta=10000.0,
    tie_word_embeddings=True,
    hidden_act="silu",
    initializer_range=0.02,
)
VOCAB_SIZE = 2048  # BPE target; the corpus has ~1,350 distinct words, so nearly every word is one token

# Pretraining schedule.
TRAIN = dict(
    steps=1200,
    batch_size=16,
    block_size=128,
    learning_rate=3e-3,
    min_lr_ratio=0.1,
    warmup_steps=30,
    weight_decay=0.1,
    betas=(0.9, 0.95),
    max_grad_norm=1.0,
    eval_every=200,
    eval_blocks=64,  # blocks of validation text for the periodic evaluations (the final one uses all)
)


def read_documents(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [d.strip() for d in text.split("\n\n") if d.strip()]


def train_tokenizer(docs: list[str]) -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=2,
        special_tokens=[EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(docs, trainer=trainer, length=len(docs))
    return tok


def to_blocks(tok: Tokenizer, docs: list[str], eos_id: int, block: int) -> torch.Tensor:
    ids: list[int] = []
    for enc in tok.encode_batch(docs):
        ids.extend(enc.ids)
        ids.append(eos_id)
    n = len(ids) // block
    return torch.tensor(ids[: n * block], dtype=torch.long).view(n, block)


def lr_at(step: int) -> float:
    """Linear warmup, then cosine from learning_rate down to min_lr_ratio * learning_rate."""
    t = TRAIN
    if step < t["warmup_steps"]:
        return t["learning_rate"] * (step + 1) / t["warmup_steps"]
    progress = (step - t["warmup_steps"]) / max(1, t["steps"] - t["warmup_steps"])
    factor = t["min_lr_ratio"] + (1 - t["min_lr_ratio"]) * 0.5 * (1 + math.cos(math.pi * progress))
    return t["learning_rate"] * factor


@torch.no_grad()
def evaluate(model: LlamaForCausalLM, blocks: torch.Tensor, batch: int = 32) -> float:
    """Mean next-token loss over every predicted position of the blocks."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(blocks), batch):
        x = blocks[i : i + batch]
        loss = model(input_ids=x, labels=x).loss
        n = x.numel() - x.shape[0]
        total += loss.item() * n
        count += n
    model.train()
    return total / count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "models" / NAME)
    ap.add_argument("--steps", type=int, default=TRAIN["steps"], help="pretraining steps (default %(default)s)")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (default %(default)s: on a busy shared machine one thread trains faster "
                         "than two that wait on each other)")
    ap.add_argument("--card-only", action="store_true",
                    help="only rewrite README.md from build_report.json (and lora_results.md, if present)")
    args = ap.parse_args()
    if args.card_only:
        write_card(args.out, json.loads((args.out / "build_report.json").read_text(encoding="utf-8")))
        return
    TRAIN["steps"] = args.steps

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    random.seed(SEED)
    t_start = time.time()

    corpus = ROOT / "datasets" / "stories" / "stories.txt"
    valid = ROOT / "datasets" / "stories" / "validation.txt"
    if not corpus.exists():
        raise SystemExit(f"{corpus} is missing: run python datasets/generate.py first")
    docs = read_documents(corpus)
    vdocs = read_documents(valid)

    # 1. tokenizer
    tok = train_tokenizer(docs)
    eos_id, pad_id = tok.token_to_id(EOS), tok.token_to_id(PAD)
    vocab = tok.get_vocab_size()
    print(f"tokenizer: {vocab} tokens (eos {eos_id}, pad {pad_id}) in {time.time() - t_start:.1f}s", flush=True)

    blocks = to_blocks(tok, docs, eos_id, TRAIN["block_size"])
    vblocks = to_blocks(tok, vdocs, eos_id, TRAIN["block_size"])
    corpus_tokens = blocks.numel()
    print(f"corpus: {len(docs)} stories, {corpus_tokens} tokens in {len(blocks)} blocks; "
          f"validation: {len(vdocs)} stories, {vblocks.numel()} tokens", flush=True)

    # 2. model
    config = LlamaConfig(vocab_size=vocab, bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=pad_id, **ARCH)
    model = LlamaForCausalLM(config)
    n_params = sum(p.numel() for p in model.parameters())  # tied embeddings counted once
    n_embed = model.model.embed_tokens.weight.numel()
    print(f"model: {n_params} parameters ({n_params - n_embed} outside the tied embedding)", flush=True)

    opt = torch.optim.AdamW(model.parameters(), lr=TRAIN["learning_rate"], betas=TRAIN["betas"],
                            weight_decay=TRAIN["weight_decay"])
    gen = torch.Generator().manual_seed(SEED)
    order = torch.randperm(len(blocks), generator=gen)
    pos = 0
    history = []
    init_val = evaluate(model, vblocks[: TRAIN["eval_blocks"]])
    history.append({"step": 0, "val_loss": init_val})
    print(f"step 0: val {init_val:.4f}", flush=True)
    model.train()
    t_train = time.time()
    tokens_seen = 0
    recent = []
    for step in range(TRAIN["steps"]):
        if pos + TRAIN["batch_size"] > len(order):
            order = torch.randperm(len(blocks), generator=gen)
            pos = 0
        x = blocks[order[pos : pos + TRAIN["batch_size"]]]
        pos += TRAIN["batch_size"]
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        loss = model(input_ids=x, labels=x).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), TRAIN["max_grad_norm"])
        opt.step()
        opt.zero_grad(set_to_none=True)
        tokens_seen += x.numel()
        recent.append(loss.item())
        if (step + 1) % 10 == 0:
            el = time.time() - t_train
            print(f"step {step + 1}/{TRAIN['steps']}: train {sum(recent) / len(recent):.4f} lr {lr_at(step):.2e} "
                  f"{tokens_seen / el:.0f} tok/s {el:.0f}s", flush=True)
        if (step + 1) % TRAIN["eval_every"] == 0 and step + 1 < TRAIN["steps"]:
            v = evaluate(model, vblocks[: TRAIN["eval_blocks"]])
            history.append({"step": step + 1, "train_loss": sum(recent) / len(recent), "val_loss": v})
            print(f"step {step + 1}: val {v:.4f}", flush=True)
            recent = []
        elif (step + 1) % 10 == 0 and (step + 1) % TRAIN["eval_every"] != 0:
            pass
    train_seconds = time.time() - t_train
    final_train_window = sum(recent) / max(1, len(recent))

    # 3. final evaluation: all validation blocks, and the same number of training blocks
    final_val = evaluate(model, vblocks)
    final_train = evaluate(model, blocks[: len(vblocks)])
    history.append({"step": TRAIN["steps"], "train_loss": final_train_window, "val_loss": final_val})
    print(f"final: train {final_train:.4f} val {final_val:.4f} ({train_seconds:.0f}s training)", flush=True)

    # 4. save
    out = args.out
    if out.exists():
        for f in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                  "generation_config.json", "special_tokens_map.json"]:
            (out / f).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = GenerationConfig(bos_token_id=eos_id, eos_token_id=eos_id, pad_token_id=pad_id,
                                               do_sample=False, max_new_tokens=64)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, bos_token=EOS, unk_token=EOS,
                                     pad_token=PAD, model_max_length=ARCH["max_position_embeddings"])
    hf_tok.save_pretrained(out)

    # samples for the card: greedy continuations of held-out prompts
    prompts = [json.loads(l)["prompt"] for l in
               (ROOT / "datasets" / "stories" / "prompts.jsonl").read_text(encoding="utf-8").splitlines()[:4]]
    samples = []
    with torch.no_grad():
        for p in prompts:
            ids = torch.tensor([tok.encode(p).ids])
            outp = model.generate(ids, max_new_tokens=60, do_sample=False, eos_token_id=eos_id, pad_token_id=pad_id)
            samples.append({"prompt": p, "completion": tok.decode(outp[0, ids.shape[1]:].tolist())})

    report = {
        "name": NAME,
        "architecture": "LlamaForCausalLM",
        "config": ARCH,
        "vocab_size": vocab,
        "parameters": n_params,
        "parameters_outside_embedding": n_params - n_embed,
        "corpus": {"file": "datasets/stories/stories.txt", "stories": len(docs), "tokens": corpus_tokens,
                   "validation_file": "datasets/stories/validation.txt", "validation_stories": len(vdocs),
                   "validation_tokens": vblocks.numel()},
        "train": {k: v for k, v in TRAIN.items()},
        "tokens_trained": tokens_seen,
        "epochs": tokens_seen / corpus_tokens,
        "initial_val_loss": init_val,
        "final_train_loss": final_train,
        "final_val_loss": final_val,
        "history": history,
        "train_seconds": train_seconds,
        "total_seconds": time.time() - t_start,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "cpu": platform.processor() or platform.machine(),
        "samples": samples,
    }
    (out / "build_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    write_card(out, report)
    print(f"wrote {out} in {time.time() - t_start:.0f}s", flush=True)


def write_card(out: Path, r: dict) -> None:
    a = r["config"]
    t = r["train"]
    hist = "\n".join(f"| {h['step']} | {h.get('train_loss', float('nan')):.3f} | {h['val_loss']:.3f} |" for h in r["history"])
    samples = "\n\n".join(f"- prompt: `{s['prompt']}`\n  greedy: `{s['completion'].strip()}`" for s in r["samples"])
    lora = ""
    lora_file = out / "lora_results.md"
    if lora_file.exists():
        lora = lora_file.read_text(encoding="utf-8")
    card = f"""# {r['name']}

LoRA Studio's bundled base model: a tiny Llama-architecture causal language model that writes short
simple-English stories about one small made-up world. It exists so LoRA can be shown working on a laptop
CPU within a minute. It is not a general-purpose model.

Built from scratch by `resources/models/build_base_model.py` (tokenizer trained with Hugging Face
`tokenizers`, model pretrained with `transformers` + `torch` on CPU). Nothing was downloaded: the training
text comes from `datasets/generate.py`, a deterministic generator written for this project.

## Architecture

| | |
|---|---|
| class | `LlamaForCausalLM` (Hugging Face layout, float32 safetensors) |
| parameters | {r['parameters']:,} ({r['parameters_outside_embedding']:,} outside the tied embedding) |
| layers | {a['num_hidden_layers']} |
| hidden size | {a['hidden_size']} |
| MLP (SwiGLU) size | {a['intermediate_size']} |
| attention heads | {a['num_attention_heads']} query, {a['num_key_value_heads']} key/value (grouped-query), head size {a['hidden_size'] // a['num_attention_heads']} |
| position | RoPE, theta {a['rope_theta']:g}, up to {a['max_position_embeddings']} tokens |
| norm | RMSNorm, eps {a['rms_norm_eps']:g} |
| embeddings | tied input/output |
| vocabulary | {r['vocab_size']} tokens, byte-level BPE trained on the corpus; `<|endoftext|>` (id 0) is EOS and BOS, `<|pad|>` (id 1) is padding |

LoRA targets: `q_proj`, `k_proj`, `v_proj`, `o_proj` (attention) and `gate_proj`, `up_proj`, `down_proj` (MLP).
No BOS token is added when encoding (the tokenizer's post-processor adds nothing).

## Training data

`datasets/stories/stories.txt`: {r['corpus']['stories']:,} generated stories, {r['corpus']['tokens']:,} tokens
(each story followed by `<|endoftext|>`, packed into blocks of {t['block_size']}). Validation:
`datasets/stories/validation.txt`, {r['corpus']['validation_stories']} stories from a different seed,
{r['corpus']['validation_tokens']:,} tokens, never trained on. See `datasets/stories/README.md`.

## Pretraining

| | |
|---|---|
| steps | {t['steps']} (batch {t['batch_size']} x {t['block_size']} tokens) |
| tokens trained | {r['tokens_trained']:,} ({r['epochs']:.2f} epochs) |
| optimizer | AdamW, lr {t['learning_rate']:g}, betas {tuple(t['betas'])}, weight decay {t['weight_decay']}, grad clip {t['max_grad_norm']} |
| schedule | linear warmup {t['warmup_steps']} steps, cosine to {t['min_lr_ratio']} x lr |
| seed | 1234 (torch), {r['threads']} thread(s) |
| wall time | {r['train_seconds'] / 60:.1f} min training, {r['total_seconds'] / 60:.1f} min in all ({r['threads']} thread(s), torch {r['torch']}, a shared 2-core machine with other jobs running) |
| final loss | train {r['final_train_loss']:.3f}, validation {r['final_val_loss']:.3f} (nats per token; validation perplexity {math.exp(r['final_val_loss']):.2f}) |

| step | train loss (mean of the last steps) | validation loss |
|---|---|---|
{hist}

(The step-0 and intermediate validation losses use the first {t['eval_blocks']} validation blocks; the
final one uses all of them.)

Greedy samples from held-out prompts (`datasets/stories/prompts.jsonl`):

{samples}

## Base loss figures for later comparison

With no adapter, the model's loss on `datasets/stories/validation.txt` (all full blocks of {t['block_size']}
tokens, EOS after each story, no BOS; measured by this script with transformers) is **{r['final_val_loss']:.4f}**.
The next section gives core's own figure for the blocks of 64 tokens the default LoRA runs use (higher: shorter
context), and the test `bundled.adapter_switching` checks that detaching an adapter gives it back bit for bit.

{lora}
## Rebuild

```sh
python datasets/generate.py                               # only if the datasets are missing
python resources/models/build_base_model.py               # writes this folder (and this card), ~10-20 min on 2 cores
cmake --build build --target lora-cli lora-bundled-eval
python resources/models/measure_lora_defaults.py --build build --write   # the LoRA section: lora_results.json/.md,
                                                                          # then this card again, docs/FIRST_RUN.md
```

Deterministic on a given machine and torch version (fixed seeds, fixed thread count); floating-point results can
differ in the last bits across CPUs and torch builds.

## License

Same license as LoRA Studio. Weights and tokenizer were trained for this project on generated text.
"""
    (out / "README.md").write_text(card, encoding="utf-8")


if __name__ == "__main__":
    main()
