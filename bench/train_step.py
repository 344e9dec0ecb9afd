#!/usr/bin/env python3
"""One LoRA training run with PEFT + transformers + torch.optim.AdamW, timed: the reference side of the
training-step benchmark. bench/train_step.cpp does the same work with core; bench/run_train_step.py runs both.

Loads the model folder (fp32), wraps it with peft.get_peft_model, then trains `warmup + steps` optimizer steps
on the batches in TOKENS (int64 [count, batch, seq], cycled): forward with labels = input ids and an all-ones
attention mask (what a data collator gives unpadded rows), backward, clip_grad_norm_, AdamW step, zero_grad.
Only the last `steps` are timed. Prints one JSON line; peak RSS is the process's ru_maxrss, Python's imports
and the model load included (as LibTorch's start-up and core's load are on the other side).

    python bench/train_step.py MODEL_DIR TOKENS --batch 4 --seq 256 --targets c_attn,c_proj [--threads 2]
"""
import argparse
import json
import resource
import time


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("tokens")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--targets", required=True)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16)
    ap.add_argument("--dropout", type=float, default=0.0, help="lora_dropout")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    ap.add_argument("--bf16", action="store_true", help="bfloat16 autocast of the forward pass (CUDA)")
    args = ap.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(args.threads)
    ids = torch.from_file(args.tokens, dtype=torch.int64, size=_count(args.tokens)).view(-1, args.batch, args.seq)
    base = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32).to(args.device)
    config = LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=args.dropout,
                        target_modules=args.targets.split(","), task_type="CAUSAL_LM")
    model = get_peft_model(base, config)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=2e-4, weight_decay=0.01)
    mask = torch.ones(args.batch, args.seq, dtype=torch.int64, device=args.device)
    cuda = args.device.startswith("cuda")
    rss_loaded = rss_mb()

    times, losses = [], []
    for step in range(args.warmup + args.steps):
        batch = ids[step % ids.size(0)].to(args.device)
        t0 = time.perf_counter()
        with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=args.bf16 and cuda):
            loss = model(input_ids=batch, attention_mask=mask, labels=batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()
        losses.append(loss.item())
        times.append(time.perf_counter() - t0)
    timed = times[args.warmup:]
    print(json.dumps({
        "side": "peft",
        "tokens_per_s": args.steps * args.batch * args.seq / sum(timed),
        "step_s": timed,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_gpu_mb": torch.cuda.max_memory_reserved() / 2**20 if cuda else 0.0,
        "rss_after_load_mb": rss_loaded,
        "trainable": sum(p.numel() for p in params),
        "threads": torch.get_num_threads(),
        "losses": losses,
    }))


def _count(path: str) -> int:
    import os

    return os.path.getsize(path) // 8


if __name__ == "__main__":
    main()
