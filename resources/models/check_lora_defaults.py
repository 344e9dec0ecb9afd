#!/usr/bin/env python3
"""Learnability check of LoRA Studio's default LoRA settings on the bundled base model, with PEFT.

PEFT computes the same LoRA math as LoRA Studio's trainer (core/include/lora/training.h): W x + (alpha/r) B A x
on the targeted Linear layers, AdamW over the adapter weights, transformers' warmup schedules, gradient
clipping at 1.0, token-averaged causal LM loss with the prompt masked. The data is prepared the way core's
loader does it (core/include/lora/dataset.h): plain text split into documents at blank lines, EOS after
each, packed into blocks; JSONL instruction rows rendered with the "### Instruction/Input/Response" template,
prompt masked, output + EOS learned; the same SplitMix64 train/validation split (fraction 0.1, seed 42).

For each dataset it trains a fresh adapter on the base model and reports validation loss before/after,
the task metric before/after (moods: exact match of the greedy answer on datasets/moods/heldout.jsonl;
reviews: accuracy on datasets/reviews/heldout.csv), and training time (wall and process CPU seconds).
Then it loads the adapters side by side on one base and checks that each reproduces its figures and that
with adapters disabled the base model's loss on datasets/stories/validation.txt is unchanged.

    python resources/models/check_lora_defaults.py                   # defaults from lora_defaults.json
    python resources/models/check_lora_defaults.py --steps 80 --lr 1e-3 --only moods   # try settings
    python resources/models/check_lora_defaults.py --write           # also write lora_results.md/.json

Run it on an otherwise idle 2-core machine for meaningful timings; on a busy machine the CPU seconds of
this process (reported next to wall time) are the better measure.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import os
import tempfile
import time
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, TaskType, get_peft_model
from transformers import (AutoModelForCausalLM, AutoModelForSequenceClassification, AutoTokenizer,
                          get_scheduler)
from transformers.utils import logging as hf_logging

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODEL = HERE / "studio-llama-2m"
DATA = ROOT / "datasets"
IGNORE = -100
VALIDATION_FRACTION = 0.1
SPLIT_SEED = 42

# Fallback when lora_defaults.json does not exist yet.
DEFAULTS = {
    "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
    "r": 8,
    "lora_alpha": 16,
    "lora_dropout": 0.05,
    "learning_rate": 2e-3,
    "weight_decay": 0.01,
    "steps": 60,
    "batch_size": 8,
    "block_size": 128,
    "max_length": 256,
    "warmup_steps": 6,
    "schedule": "linear",
    "eval_every": 20,
    "validation_fraction": VALIDATION_FRACTION,
    "seed": 42,
}


# --- core's deterministic split (core/src/data/rng.h, split.cpp) -------------------------------------------
M64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed: int):
        self.state = seed & M64

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, bound: int) -> int:
        threshold = ((1 << 64) - bound) % bound
        while True:
            r = self.next()
            if r >= threshold:
                return r % bound


def split_train_validation(count: int, fraction: float, seed: int) -> tuple[list[int], list[int]]:
    order = list(range(count))
    rng = SplitMix64(seed)
    for i in range(count, 1, -1):
        j = rng.below(i)
        order[i - 1], order[j] = order[j], order[i - 1]
    n_val = int(math.floor(count * fraction + 0.5))  # llround for non-negative values
    if fraction > 0 and n_val == 0 and count >= 2:
        n_val = 1
    if count > 0 and n_val >= count:
        n_val = count - 1
    return sorted(order[n_val:]), sorted(order[:n_val])


# --- data, as core's loader prepares it ------------------------------------------------------------------


def encode(tok, text: str) -> list[int]:
    return tok(text, add_special_tokens=True)["input_ids"]


def load_text_blocks(tok, path: Path, block: int) -> list[dict]:
    """text_documents=blank_lines: each blank-line-separated chunk a document, EOS after each, packed."""
    docs = [d.strip("\n") for d in path.read_text(encoding="utf-8").split("\n\n") if d.strip()]
    stream: list[int] = []
    for d in docs:
        stream.extend(encode(tok, d))
        stream.append(tok.eos_token_id)
    out = []
    for i in range(0, len(stream), block):
        ids = stream[i : i + block]
        if len(ids) >= 2:
            out.append({"input_ids": ids, "labels": list(ids)})
    return out


def render_prompt(row: dict) -> str:
    s = f"### Instruction:\n{row['instruction']}\n\n"
    if row.get("input"):
        s += f"### Input:\n{row['input']}\n\n"
    return s + "### Response:\n"


def load_instructions(tok, path: Path, max_length: int) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        p = encode(tok, render_prompt(row))
        r = tok(row["output"], add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
        ids = (p + r)[:max_length]
        labels = ([IGNORE] * len(p) + r)[:max_length]
        out.append({"input_ids": ids, "labels": labels, "prompt": render_prompt(row), "answer": row["output"]})
    return out


def load_csv(tok, path: Path, max_length: int, labels: list[str] | None = None) -> tuple[list[dict], list[str]]:
    names = list(labels or [])
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["label"] not in names:
                names.append(row["label"])
            out.append({"input_ids": encode(tok, row["text"])[:max_length], "class_id": names.index(row["label"])})
    return out, names


def collate(examples: list[dict], pad_id: int) -> dict:
    width = max(len(e["input_ids"]) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    for i, e in enumerate(examples):
        n = len(e["input_ids"])
        ids[i, :n] = torch.tensor(e["input_ids"])
        mask[i, :n] = 1
        if "labels" in e:
            labels[i, :n] = torch.tensor(e["labels"])
    batch = {"input_ids": ids, "attention_mask": mask}
    if "class_id" in examples[0]:
        batch["labels"] = torch.tensor([e["class_id"] for e in examples])
    else:
        batch["labels"] = labels
    return batch


# --- evaluation ---------------------------------------------------------------------------------------------


@torch.no_grad()
def causal_loss(model, examples: list[dict], pad_id: int, batch: int = 32) -> float:
    """Token-averaged loss over every learned (shifted) position of all examples."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(examples), batch):
        b = collate(examples[i : i + batch], pad_id)
        logits = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits[:, :-1]
        tgt = b["labels"][:, 1:]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), tgt.reshape(-1),
                                                 ignore_index=IGNORE, reduction="sum")
        total += loss.item()
        count += int((tgt != IGNORE).sum())
    return total / count


@torch.no_grad()
def exact_match(model, tok, rows: list[dict], batch: int = 50, max_new_tokens: int = 6) -> tuple[float, list]:
    """Greedy answer (up to EOS or a newline, stripped) compared with the expected output."""
    model.eval()
    tok.padding_side = "left"
    hits, shown = 0, []
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        enc = tok([r["prompt"] for r in chunk], return_tensors="pt", padding=True)
        out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                             eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id)
        for r, seq in zip(chunk, out[:, enc["input_ids"].shape[1]:]):
            text = tok.decode(seq, skip_special_tokens=True).split("\n")[0].strip()
            hits += text == r["answer"]
            if len(shown) < 3:
                shown.append({"expected": r["answer"], "generated": text})
    tok.padding_side = "right"
    return hits / len(rows), shown


@torch.no_grad()
def classify(model, examples: list[dict], pad_id: int, batch: int = 64) -> tuple[float, float]:
    model.eval()
    hits, loss_sum = 0, 0.0
    for i in range(0, len(examples), batch):
        b = collate(examples[i : i + batch], pad_id)
        logits = model(input_ids=b["input_ids"], attention_mask=b["attention_mask"]).logits
        loss_sum += torch.nn.functional.cross_entropy(logits.float(), b["labels"], reduction="sum").item()
        hits += int((logits.argmax(-1) == b["labels"]).sum())
    return loss_sum / len(examples), hits / len(examples)


# --- training -----------------------------------------------------------------------------------------------


def train_adapter(model, train: list[dict], val: list[dict], cfg: dict, pad_id: int, log, eval_fn) -> dict:
    torch.manual_seed(cfg["seed"])
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg["learning_rate"], weight_decay=cfg["weight_decay"])
    sched = get_scheduler(cfg["schedule"], opt, num_warmup_steps=cfg["warmup_steps"], num_training_steps=cfg["steps"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    order, pos, curve = torch.randperm(len(train), generator=gen).tolist(), 0, []
    wall, cpu = 0.0, 0.0
    for step in range(1, cfg["steps"] + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        model.train()
        if pos + cfg["batch_size"] > len(order):
            order, pos = torch.randperm(len(train), generator=gen).tolist(), 0
        b = collate([train[i] for i in order[pos : pos + cfg["batch_size"]]], pad_id)
        pos += cfg["batch_size"]
        loss = model(**b).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        if step % cfg["eval_every"] == 0 or step == cfg["steps"]:
            v = eval_fn(model)
            curve.append({"step": step, "train_loss": round(loss.item(), 4), "val_loss": round(v, 4),
                          "train_seconds": round(wall, 1)})
            log(f"    step {step}: train {loss.item():.4f} val {v:.4f} ({wall:.1f}s wall, {cpu:.1f}s cpu)")
    return {"train_wall_seconds": wall, "train_cpu_seconds": cpu, "curve": curve}


def lora_config(cfg: dict, task: TaskType) -> LoraConfig:
    return LoraConfig(task_type=task, r=cfg["r"], lora_alpha=cfg["lora_alpha"], lora_dropout=cfg["lora_dropout"],
                      target_modules=cfg["target_modules"], bias="none")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=MODEL)
    ap.add_argument("--only", choices=["ship_logs", "moods", "reviews"], action="append")
    ap.add_argument("--steps", type=int)
    ap.add_argument("--lr", type=float)
    ap.add_argument("--r", type=int)
    ap.add_argument("--alpha", type=float)
    ap.add_argument("--batch-size", type=int)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--targets", help="comma-separated target modules")
    ap.add_argument("--eval-every", type=int, help="evaluate every N steps (and at the end)")
    ap.add_argument("--em-rows", type=int, default=300, help="held-out rows for exact match / accuracy")
    ap.add_argument("--write", action="store_true",
                    help="write lora_results.json and lora_results.md and re-render the model card README.md")
    args = ap.parse_args()

    hf_logging.set_verbosity_error()
    torch.set_num_threads(2)
    defaults_file = args.model / "lora_defaults.json"
    cfg = dict(DEFAULTS)
    if defaults_file.exists():
        cfg.update(json.loads(defaults_file.read_text()))
    for key, val in [("steps", args.steps), ("learning_rate", args.lr), ("r", args.r), ("lora_alpha", args.alpha),
                     ("batch_size", args.batch_size), ("warmup_steps", args.warmup),
                     ("eval_every", args.eval_every)]:
        if val is not None:
            cfg[key] = val
    if args.targets:
        cfg["target_modules"] = args.targets.split(",")
    tasks = args.only or ["ship_logs", "moods", "reviews"]
    lines: list[str] = []

    def log(s: str) -> None:
        print(s, flush=True)
        lines.append(s)

    log(f"settings: {json.dumps(cfg)}")
    tok = AutoTokenizer.from_pretrained(args.model)
    pad_id = tok.pad_token_id
    results: dict = {"settings": cfg, "tasks": {}, "threads": torch.get_num_threads(), "torch": torch.__version__}
    adapters: dict[str, Path] = {}
    tmp = Path(tempfile.mkdtemp(prefix="lora_check_"))
    t_all = time.perf_counter()

    base = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    stories_val = load_text_blocks(tok, DATA / "stories" / "validation.txt", cfg["block_size"])
    base_story_loss = causal_loss(base, stories_val, pad_id)
    results["base_stories_validation_loss"] = base_story_loss
    log(f"base model, datasets/stories/validation.txt: loss {base_story_loss:.4f} ({len(stories_val)} blocks of "
        f"{cfg['block_size']})")

    for task in tasks:
        log(f"== {task}")
        t_task = time.perf_counter()
        r: dict = {}
        if task == "ship_logs":
            data = load_text_blocks(tok, DATA / "ship_logs" / "ship_logs.txt", cfg["block_size"])
        elif task == "moods":
            data = load_instructions(tok, DATA / "moods" / "moods.jsonl", cfg["max_length"])
            held = load_instructions(tok, DATA / "moods" / "heldout.jsonl", cfg["max_length"])[: args.em_rows]
        else:
            data, names = load_csv(tok, DATA / "reviews" / "reviews.csv", cfg["max_length"])
            held, _ = load_csv(tok, DATA / "reviews" / "heldout.csv", cfg["max_length"], names)
            held = held[: args.em_rows]
        tr_idx, va_idx = split_train_validation(len(data), cfg["validation_fraction"], cfg["seed"])
        train, val = [data[i] for i in tr_idx], [data[i] for i in va_idx]
        r["examples"] = {"train": len(train), "validation": len(val)}
        log(f"  {len(data)} examples: {len(train)} train, {len(val)} validation")

        if task == "reviews":
            torch.manual_seed(cfg["seed"])  # the new classification head's init
            model = AutoModelForSequenceClassification.from_pretrained(args.model, num_labels=len(names),
                                                                       dtype=torch.float32)
            model.config.pad_token_id = pad_id
            val_loss0, acc0 = classify(model, val, pad_id)
            _, hacc0 = classify(model, held, pad_id)
            torch.manual_seed(cfg["seed"])
            model = get_peft_model(model, lora_config(cfg, TaskType.SEQ_CLS))  # the "score" head is trained too

            def eval_fn(m):
                return classify(m, val, pad_id)[0]
        else:
            torch.manual_seed(cfg["seed"])
            model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
            val_loss0 = causal_loss(model, val, pad_id)
            if task == "moods":
                em0, ex0 = exact_match(model, tok, held)
            model = get_peft_model(model, lora_config(cfg, TaskType.CAUSAL_LM))

            def eval_fn(m):
                return causal_loss(m, val, pad_id)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        log(f"  trainable parameters: {trainable}")
        log(f"  before: validation loss {val_loss0:.4f}")
        t = train_adapter(model, train, val, cfg, pad_id, log, eval_fn)
        val_loss1 = t["curve"][-1]["val_loss"]
        r.update(t)
        r.update({"trainable_parameters": trainable, "val_loss_before": val_loss0, "val_loss_after": val_loss1,
                  "val_loss_drop": 1 - val_loss1 / val_loss0})
        log(f"  after {cfg['steps']} steps: validation loss {val_loss1:.4f} (down {100 * r['val_loss_drop']:.1f}%), "
            f"training {t['train_wall_seconds']:.1f}s wall, {t['train_cpu_seconds']:.1f}s process CPU")
        if task == "moods":
            em1, ex1 = exact_match(model, tok, held)
            r.update({"exact_match_before": em0, "exact_match_after": em1, "heldout_rows": len(held),
                      "examples_before": ex0, "examples_after": ex1})
            log(f"  exact match on {len(held)} held-out sentences: {100 * em0:.1f}% -> {100 * em1:.1f}%  e.g. {ex1}")
        if task == "reviews":
            _, acc1 = classify(model, val, pad_id)
            _, hacc1 = classify(model, held, pad_id)
            r.update({"val_accuracy_before": acc0, "val_accuracy_after": acc1, "heldout_accuracy_before": hacc0,
                      "heldout_accuracy_after": hacc1, "heldout_rows": len(held)})
            log(f"  accuracy: validation {100 * acc0:.1f}% -> {100 * acc1:.1f}%, held-out {100 * hacc0:.1f}% -> "
                f"{100 * hacc1:.1f}%")
        r["task_seconds"] = time.perf_counter() - t_task
        results["tasks"][task] = r
        if task != "reviews":
            model.save_pretrained(tmp / task)
            adapters[task] = tmp / task

    # Two adapters on one base: each must reproduce its own validation loss; disabled, the base is unchanged.
    if len(adapters) >= 1:
        log("== adapters side by side on one base")
        base2 = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
        names_ = list(adapters)
        pm = PeftModel.from_pretrained(base2, adapters[names_[0]], adapter_name=names_[0])
        for n in names_[1:]:
            pm.load_adapter(adapters[n], adapter_name=n)
        side = {}
        for n in names_:
            pm.set_adapter(n)
            if n == "ship_logs":
                d = load_text_blocks(tok, DATA / "ship_logs" / "ship_logs.txt", cfg["block_size"])
            else:
                d = load_instructions(tok, DATA / "moods" / "moods.jsonl", cfg["max_length"])
            _, va = split_train_validation(len(d), cfg["validation_fraction"], cfg["seed"])
            v = causal_loss(pm, [d[i] for i in va], pad_id)
            side[n] = v
            log(f"  adapter {n} active: its validation loss {v:.4f} (trained run: "
                f"{results['tasks'][n]['val_loss_after']:.4f})")
        with pm.disable_adapter():
            v0 = causal_loss(pm, stories_val, pad_id)
        results["adapters_side_by_side"] = side
        results["base_stories_validation_loss_adapters_disabled"] = v0
        log(f"  adapters disabled: stories validation loss {v0:.4f} (base alone: {base_story_loss:.4f}, "
            f"difference {abs(v0 - base_story_loss):.2e})")

    results["total_seconds"] = time.perf_counter() - t_all
    log(f"total {results['total_seconds']:.0f}s")
    if args.write:
        (args.model / "lora_results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        write_markdown(args.model / "lora_results.md", results)
        if (args.model / "build_report.json").exists():  # re-render the model card with these figures
            import importlib.util
            spec = importlib.util.spec_from_file_location("build_base_model", HERE / "build_base_model.py")
            bbm = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(bbm)
            bbm.write_card(args.model, json.loads((args.model / "build_report.json").read_text(encoding="utf-8")))


def write_markdown(path: Path, res: dict) -> None:
    c = res["settings"]
    rows = []
    t = res["tasks"]
    if "ship_logs" in t:
        s = t["ship_logs"]
        rows.append(f"| (a) ship_logs (text) | {s['examples']['train']} / {s['examples']['validation']} blocks | "
                    f"{s['val_loss_before']:.3f} -> {s['val_loss_after']:.3f} (-{100 * s['val_loss_drop']:.0f}%) | - | "
                    f"{s['train_wall_seconds']:.1f} s / {s['train_cpu_seconds']:.1f} s |")
    if "moods" in t:
        s = t["moods"]
        rows.append(f"| (b) moods (JSONL) | {s['examples']['train']} / {s['examples']['validation']} | "
                    f"{s['val_loss_before']:.3f} -> {s['val_loss_after']:.3f} (-{100 * s['val_loss_drop']:.0f}%) | "
                    f"exact match {100 * s['exact_match_before']:.1f}% -> {100 * s['exact_match_after']:.1f}% "
                    f"({s['heldout_rows']} held-out sentences) | {s['train_wall_seconds']:.1f} s / {s['train_cpu_seconds']:.1f} s |")
    if "reviews" in t:
        s = t["reviews"]
        rows.append(f"| (c) reviews (CSV, classification) | {s['examples']['train']} / {s['examples']['validation']} | "
                    f"{s['val_loss_before']:.3f} -> {s['val_loss_after']:.3f} (-{100 * s['val_loss_drop']:.0f}%) | "
                    f"accuracy {100 * s['heldout_accuracy_before']:.1f}% -> {100 * s['heldout_accuracy_after']:.1f}% "
                    f"({s['heldout_rows']} held-out) | {s['train_wall_seconds']:.1f} s / {s['train_cpu_seconds']:.1f} s |")
    side = ""
    if "adapters_side_by_side" in res:
        side = ("Both causal-LM adapters loaded side by side on one base reproduce their validation losses ("
                + ", ".join(f"{k} {v:.4f}" for k, v in res["adapters_side_by_side"].items())
                + f"); with adapters disabled the stories validation loss is "
                f"{res['base_stories_validation_loss_adapters_disabled']:.4f} (base alone "
                f"{res['base_stories_validation_loss']:.4f}).\n")
    md = f"""## LoRA defaults and PEFT check

`lora_defaults.json` holds the settings LoRA Studio proposes for this model. Measured with PEFT by
`resources/models/check_lora_defaults.py` ({res['threads']} threads, torch {res['torch']}): a fresh adapter per
dataset, validation = core's split (fraction {c['validation_fraction']}, seed {c['seed']}).

Settings: targets {', '.join(c['target_modules'])}; r {c['r']}, alpha {c['lora_alpha']}, dropout {c['lora_dropout']};
AdamW lr {c['learning_rate']:g} (weight decay {c['weight_decay']}), {c['schedule']} schedule with {c['warmup_steps']}
warmup steps; {c['steps']} steps of batch {c['batch_size']}; text blocks of {c['block_size']} tokens, JSONL/CSV
examples up to {c['max_length']} tokens.

| dataset | train / validation | validation loss | metric | training time (wall / process CPU) |
|---|---|---|---|---|
{chr(10).join(rows)}

Base model loss on `datasets/stories/validation.txt` in blocks of {c['block_size']} (core loader style, no
adapter): {res['base_stories_validation_loss']:.4f}. {side}
Training time counts the optimizer steps only (evaluations excluded); process CPU seconds are the sum
over both threads, so on an idle 2-core machine the wall time is about half of them.
"""
    path.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
