#!/usr/bin/env python3
"""Training parity with Hugging Face PEFT + torch.optim.AdamW.

lora-cli trains 20 steps and writes its untrained adapter (--save-initial); PEFT loads that adapter into
transformers' model and trains it on the same batches (no shuffling: the file order, padded on the right)
with the same AdamW settings (lr 1e-3, weight decay 0.01, constant schedule, no warmup, no dropout, clipping
at 1.0). Every step's loss must agree to 1e-4 relative, and the trained adapters must agree closely.
fp32 on the CPU, one thread, for gpt2 (Conv1D, tied head) and llama.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch
from peft import PeftModel
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

CLI = os.environ["LORA_CLI"]
FIXTURES = Path(os.environ["LORA_FIXTURES_DIR"])
STEPS = 20
BATCH = 2
LR = 1e-3
WEIGHT_DECAY = 0.01
MAX_GRAD_NORM = 1.0
REL_TOL = 1e-4
CASES = [("gpt2_train", "c_attn", "<|endoftext|>"), ("llama_train", "q_proj,v_proj", "</s>")]

WORDS = ("the adapter learns a low rank update of each projection while base weights stay frozen during "
         "training and the loss goes down").split()


def write_rows(path: Path) -> list[str]:
    """Six rows of different lengths: three batches per epoch, so 20 steps run almost seven epochs."""
    texts = [" ".join(WORDS[(r * 5 + w * 3) % len(WORDS)] for w in range(3 + (r * 4) % 9)) for r in range(6)]
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    return texts


def batches(texts: list[str], tokenizer: Tokenizer, eos: int):
    """The JSONL {"text"} rule (all tokens learned, then EOS), in file order, right-padded per batch."""
    rows = [tokenizer.encode(t, add_special_tokens=True).ids + [eos] for t in texts]
    out = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        width = max(len(r) for r in chunk)
        ids = torch.full((len(chunk), width), eos, dtype=torch.int64)
        mask = torch.zeros((len(chunk), width), dtype=torch.int64)
        labels = torch.full((len(chunk), width), -100, dtype=torch.int64)
        for i, r in enumerate(chunk):
            ids[i, :len(r)] = torch.tensor(r)
            mask[i, :len(r)] = 1
            labels[i, :len(r)] = torch.tensor(r)
        out.append((ids, mask, labels))
    return out


def run_cli(model_dir: Path, data: Path, targets: str, out: Path) -> list[float]:
    cmd = [CLI, "train", "--model", str(model_dir), "--data", str(data), "--targets", targets, "--rank", "4",
           "--alpha", "8", "--dropout", "0", "--steps", str(STEPS), "--batch-size", str(BATCH), "--lr", str(LR),
           "--weight-decay", str(WEIGHT_DECAY), "--schedule", "constant", "--warmup", "0", "--max-grad-norm",
           str(MAX_GRAD_NORM), "--no-shuffle", "--seed", "3", "--threads", "1", "--save-initial", "--out", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, sep="\n")
        raise SystemExit(f"lora-cli train failed ({proc.returncode})")
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    return [r["train_loss"] for r in rows]


def run_peft(model_dir: Path, initial: Path, data) -> tuple[list[float], dict]:
    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    model = PeftModel.from_pretrained(base, initial, is_trainable=True)
    model.eval()  # core's architectures have no dropout of their own; lora_dropout is 0
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=WEIGHT_DECAY)
    losses = []
    for step in range(STEPS):
        ids, mask, labels = data[step % len(data)]
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, MAX_GRAD_NORM)
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
    trained = {k.replace(".default", ""): v.detach().clone() for k, v in model.named_parameters() if v.requires_grad}
    return losses, trained


def check(name: str, targets: str, eos_token: str, tmp: Path) -> bool:
    model_dir = FIXTURES / "models" / name
    data_file = tmp / f"{name}.jsonl"
    texts = write_rows(data_file)
    out = tmp / f"{name}_out"
    ours = run_cli(model_dir, data_file, targets, out)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    data = batches(texts, tokenizer, tokenizer.token_to_id(eos_token))
    theirs, trained = run_peft(model_dir, out / "initial_adapter", data)

    worst = max(abs(a - b) / abs(b) for a, b in zip(ours, theirs))
    ok = len(ours) == STEPS and worst <= REL_TOL
    saved = load_file(str(out / "adapter_model.safetensors"))
    weight_diff = max((saved[k] - trained[k]).abs().max().item() for k in saved)
    scale = max(v.abs().max().item() for v in saved.values())
    print(f"{name}: {len(ours)} steps, loss {theirs[0]:.6f} -> {theirs[-1]:.6f}, worst relative loss difference "
          f"{worst:.3e}; adapter max |ours - peft| {weight_diff:.3e} (max |w| {scale:.3f})")
    if set(saved) != set(trained):
        print(f"  adapter keys differ: ours {sorted(saved)[:4]}..., peft {sorted(trained)[:4]}...")
        ok = False
    if weight_diff > 1e-4 * max(1.0, scale):
        ok = False
    if not ok:
        for i, (a, b) in enumerate(zip(ours, theirs), 1):
            print(f"  step {i:2d}: ours {a:.8f}  peft {b:.8f}  rel {abs(a - b) / abs(b):.2e}")
    return ok


def main() -> int:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as d:
        results = [check(name, targets, eos, Path(d)) for name, targets, eos in CASES]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
