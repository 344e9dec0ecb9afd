#!/usr/bin/env python3
"""Model load time: LoRA Studio's core against transformers' from_pretrained, same checkpoint, same run.

Makes a GPT-2-124M-shaped random checkpoint once (cached), then alternates the two loaders, several rounds,
each loader in a fresh process (so the page cache is warm for both after the first round, and neither keeps
state between rounds). Prints the median of each and the ratio.

    /opt/lora-studio/venv/bin/python bench/load_model.py --build build [--rounds 5]
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PY_LOAD = r"""
import sys, time, json, torch
from transformers import AutoModelForCausalLM
torch.set_num_threads({threads})
t0 = time.perf_counter()
m = AutoModelForCausalLM.from_pretrained(sys.argv[1], torch_dtype=torch.float32)
dt = time.perf_counter() - t0
print(json.dumps({{"load_s": dt, "parameters": sum(p.numel() for p in m.parameters())}}))
"""


def make_checkpoint(path: Path) -> None:
    if (path / "model.safetensors").exists():
        return
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    cfg = GPT2Config(n_embd=768, n_layer=12, n_head=12, vocab_size=50257, n_positions=1024)
    GPT2LMHeadModel(cfg).save_pretrained(path)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache/lora-studio/bench/gpt2-124m-random")
    args = ap.parse_args()
    make_checkpoint(args.cache)
    ours_cmd = [str(args.build / "bench" / "bench_load_model"), str(args.cache), "1"]
    theirs_cmd = [sys.executable, "-c", PY_LOAD.format(threads=args.threads), str(args.cache)]
    ours, theirs = [], []
    for _ in range(args.rounds):
        for cmd, sink in ((ours_cmd, ours), (theirs_cmd, theirs)):
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
            sink.append(json.loads(out))
    if {r["parameters"] for r in ours} != {r["parameters"] for r in theirs}:
        print(f"parameter counts differ: ours {ours[0]['parameters']} transformers {theirs[0]['parameters']}")
        return 1
    o = statistics.median(r["load_s"] for r in ours)
    t = statistics.median(r["load_s"] for r in theirs)
    print(f"GPT-2-124M-shaped checkpoint, {ours[0]['parameters']:,} parameters, {args.rounds} rounds, medians:")
    print(f"  lora-studio core  Model::load      {o * 1000:8.1f} ms")
    print(f"  transformers      from_pretrained  {t * 1000:8.1f} ms")
    print(f"  ratio (transformers / core)        {t / o:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
