#!/usr/bin/env python3
"""Measures what LoRA Studio's default LoRA settings (studio-llama-2m/lora_defaults.json) do on the bundled
model, with LoRA Studio's own trainer and generator (lora-cli, and lora-bundled-eval from tests/bundled/, which
uses core's public API), and writes the figures into the model card and docs/FIRST_RUN.md.

For each default run (ship_logs: style shift, plain text; moods: instruction task, JSONL):
  - `lora-cli train --config RUN` with the run file made from lora_defaults.json (resources/models/lora_runs.py),
    `--repeats` times, fresh adapter each time (same seed, so the same adapter); wall time of the whole command;
  - validation loss of the base model and of the adapter on the run's validation split (core's loader and split);
  - moods: exact match of greedy answers on datasets/moods/heldout.jsonl (300 sentences not in the training file),
    base and adapter, with three example answers; ship_logs: greedy generations from held-out prompts;
  - the base model's loss on its own validation stories, without an adapter and with each adapter.

    cmake --build build --target lora-cli lora-bundled-eval
    python resources/models/measure_lora_defaults.py --build build            # print the figures
    python resources/models/measure_lora_defaults.py --build build --write    # and write lora_results.json/.md,
                                                                               # the card and docs/FIRST_RUN.md
Timings depend on the machine and its load; bench/first_run.py is the benchmark that records them.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lora_runs  # noqa: E402
from lora_runs import MODEL_DIR, ROOT  # noqa: E402

STORIES_VALID = ROOT / "datasets" / "stories" / "validation.txt"
MOODS_HELDOUT = ROOT / "datasets" / "moods" / "heldout.jsonl"
SHIP_PROMPTS = ROOT / "datasets" / "ship_logs" / "prompts.jsonl"


def pct(before: float, after: float) -> str:
    return f"{(after - before) / before:+.0%}".replace("+", "+").replace("-", "−")


def measure(cli: Path, tool: Path, work: Path, repeats: int, threads: int | None) -> dict:
    defaults = lora_runs.load_defaults()
    over = {} if threads is None else {"threads": threads}
    # The base model's own corpus, packed the way the default text runs pack text.
    stories_run = work / "stories.json"
    cfg = lora_runs.run_config("ship_logs", work / "unused", defaults)
    cfg["data"] = str(STORIES_VALID)
    stories_run.write_text(json.dumps(cfg, indent=2), encoding="utf-8")
    stories_base = lora_runs.evaluate(tool, "loss", stories_run, "--all")

    out = {"defaults": defaults, "threads_available": os.cpu_count(), "platform": platform.platform(),
           "threads": over.get("threads", defaults.get("threads", 0)),
           "stories_validation": {"base": stories_base["loss"], "blocks": stories_base["examples"],
                                  "tokens": stories_base["tokens"]},
           "runs": {}}
    for name in ["ship_logs", "moods"]:
        run = lora_runs.write_run(name, work / name, defaults, **over)
        results = [lora_runs.train(cli, run) for _ in range(repeats)]
        r = results[-1]
        finals = {json.dumps(x["final"]["val_loss"]) for x in results}
        base = lora_runs.evaluate(tool, "loss", run)
        tuned = lora_runs.evaluate(tool, "loss", run, "--adapter", r["adapter"])
        entry = {
            "data": lora_runs.dataset_entry(name, defaults)["path"],
            "trainable_params": r["trainable_params"],
            "all_params": r["all_params"],
            "wall_seconds": [x["wall_seconds"] for x in results],
            "wall_seconds_median": statistics.median(x["wall_seconds"] for x in results),
            "train_seconds": [x["final"]["elapsed_seconds"] for x in results],
            "train_seconds_median": statistics.median(x["final"]["elapsed_seconds"] for x in results),
            "same_result_every_repeat": len(finals) == 1,
            "validation_examples": base["examples"],
            "validation_tokens": base["tokens"],
            "val_loss_base": base["loss"],
            "val_loss_adapter": tuned["loss"],
            "val_loss_trainer": r["final"]["val_loss"],
            "val_losses_by_step": r["val_losses"],
            "train_loss_last_step": r["final"]["train_loss"],
            "stories_loss_with_adapter": lora_runs.evaluate(tool, "loss", stories_run, "--all", "--adapter",
                                                            r["adapter"])["loss"],
        }
        if name == "moods":
            b = lora_runs.evaluate(tool, "exact-match", MODEL_DIR, MOODS_HELDOUT)
            t = lora_runs.evaluate(tool, "exact-match", MODEL_DIR, MOODS_HELDOUT, "--adapter", r["adapter"])
            entry["exact_match_base"] = b["exact_match"]
            entry["exact_match_adapter"] = t["exact_match"]
            entry["heldout_rows"] = t["rows"]
            entry["examples"] = [{"input": x["input"], "expected": x["expected"], "base": y["answer"],
                                  "adapter": x["answer"]} for x, y in zip(t["answers"][:3], b["answers"][:3])]
        else:
            prompts = [json.loads(l)["prompt"] for l in SHIP_PROMPTS.read_text(encoding="utf-8").splitlines()[1:3]]
            entry["examples"] = [{"prompt": p, "base": lora_runs.generate(cli, p),
                                  "adapter": lora_runs.generate(cli, p, r["adapter"])} for p in prompts]
        out["runs"][name] = entry
        print(json.dumps({name: {k: v for k, v in entry.items() if k != "examples"}}, indent=1), flush=True)
    return out


def one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def results_markdown(m: dict) -> str:
    d = m["defaults"]
    s, mo = m["runs"]["ship_logs"], m["runs"]["moods"]
    lines = [
        "## LoRA defaults, measured with LoRA Studio's trainer",
        "",
        "`lora_defaults.json` (next to this card) is the single source of LoRA Studio's default LoRA settings for this",
        f"model: targets {', '.join(d['target_modules'])}; r {d['r']}, alpha {d['lora_alpha']:g}, dropout "
        f"{d['lora_dropout']:g}; AdamW lr {d['learning_rate']:g} (weight decay {d['weight_decay']:g}), {d['schedule']} "
        f"schedule with {d['warmup_steps']} warmup steps, gradient clipping {d['max_grad_norm']:g}; {d['steps']} steps of "
        f"batch {d['batch_size']}; text in blocks of {d['block_size']} tokens (`{d['text_documents']}` documents), "
        f"JSONL examples up to {d['max_length']} tokens; validation {d['validation_fraction']:g} of the data "
        f"(seed {d['seed']}), evaluated every {d['eval_every']} steps.",
        "",
        "Measured by `resources/models/measure_lora_defaults.py` with `lora-cli train` (core's trainer) and core's",
        "forward pass and greedy `generate()`; a fresh adapter per dataset. Validation loss: the run's validation",
        "split (core's loader and split), base model and adapter measured the same way; the adapter's figure equals",
        "the trainer's own last evaluation.",
        "",
        "| default run | trained / total parameters | validation loss | task metric | wall time (median) |",
        "|---|---|---|---|---|",
        f"| ship_logs (style shift, text; {s['validation_examples']} validation blocks) | {s['trainable_params']:,} / "
        f"{s['all_params']:,} ({s['trainable_params'] / s['all_params']:.1%}) | {s['val_loss_base']:.3f} → "
        f"{s['val_loss_adapter']:.3f} ({pct(s['val_loss_base'], s['val_loss_adapter'])}) | – | "
        f"{s['wall_seconds_median']:.1f} s ({s['train_seconds_median']:.1f} s training) |",
        f"| moods (instruction task, JSONL; {mo['validation_examples']} validation examples) | "
        f"{mo['trainable_params']:,} / {mo['all_params']:,} ({mo['trainable_params'] / mo['all_params']:.1%}) | "
        f"{mo['val_loss_base']:.3f} → {mo['val_loss_adapter']:.3f} ({pct(mo['val_loss_base'], mo['val_loss_adapter'])}) | "
        f"exact match {mo['exact_match_base']:.1%} → {mo['exact_match_adapter']:.1%} ({mo['heldout_rows']} held-out "
        f"stories; guessing ~50%) | {mo['wall_seconds_median']:.1f} s ({mo['train_seconds_median']:.1f} s training) |",
        "",
        f"Wall time is the whole `lora-cli train` command (loading, training, evaluations, saving), median of "
        f"{len(s['wall_seconds'])} run(s) with {m['threads'] or 'all'} intra-op thread(s) on a "
        f"{m['threads_available']}-core machine shared with other jobs (load average {m['load_average']:.1f}); "
        "docs/BENCHMARKS.md, \"First run\", has the benchmark's figures.",
        "",
        f"Base model on its own validation stories ({m['stories_validation']['blocks']} blocks of {d['block_size']} "
        f"tokens as the default runs pack text, core's loader; shorter context than the 128 tokens of pretraining, "
        f"hence above the figure in \"Pretraining\"): loss {m['stories_validation']['base']:.4f} without an adapter, "
        f"{s['stories_loss_with_adapter']:.4f} with the ship_logs adapter, {mo['stories_loss_with_adapter']:.4f} "
        "with the moods adapter. Both adapters loaded on one base and switched: test `bundled.adapter_switching` "
        "(each adapter gives the loss its trainer reported; with the adapter detached the stories loss and every "
        "base weight are bitwise what they were).",
        "",
        "Generations before/after (greedy, `lora-cli generate --greedy`, 48 new tokens at most):",
        "",
    ]
    for e in s["examples"]:
        lines += [f"- ship_logs prompt `{e['prompt']}`",
                  f"  - base: `{one_line(e['base'])}`",
                  f"  - adapter: `{one_line(e['adapter'])}`"]
    for e in mo["examples"]:
        lines += [f"- moods input `{e['input']}` (expected `{e['expected']}`)",
                  f"  - base: `{one_line(e['base'])}`",
                  f"  - adapter: `{one_line(e['adapter'])}`"]
    return "\n".join(lines) + "\n"


def first_run_markdown(m: dict) -> str:
    d = m["defaults"]
    s, mo = m["runs"]["ship_logs"], m["runs"]["moods"]
    e = s["examples"][0]
    q = mo["examples"][0]
    return f"""# First run: the measured figures behind the README

<!-- Figures written by resources/models/measure_lora_defaults.py --write; rerun it rather than editing them. -->

LoRA Studio opens with its bundled base model, `studio-llama-2m` (a {s['all_params'] - s['trainable_params']:,}-parameter
Llama trained from scratch on generated stories, 8 MB, in `resources/models/`), and the `{d['default_dataset']}` dataset
selected (the GUI's first choice; `ship_logs` is one click away). Press **Train**: no download, no GPU.

<!-- SCREENSHOT: main window right after start, bundled model and moods selected (Train button visible) -->

**What trains.** A LoRA adapter of rank {d['r']} on every attention and MLP projection: {s['trainable_params']:,} trained
parameters next to {s['all_params'] - s['trainable_params']:,} frozen ones ({s['trainable_params'] / s['all_params']:.1%} of all).
{d['steps']} steps of {d['batch_size']} blocks of {d['block_size']} tokens.

**Time.** {s['wall_seconds_median']:.0f} s for the whole run, measured with one thread on a 2-core machine that other
jobs kept busy (median of {len(s['wall_seconds'])}); on an idle machine the run needs about its CPU time, which
docs/BENCHMARKS.md ("First run") records.

<!-- SCREENSHOT: training page at the end of the run: loss curve falling, validation points -->

**Loss.** Validation loss on held-out ship's-log entries: {s['val_loss_base']:.2f} before, {s['val_loss_adapter']:.2f}
after ({pct(s['val_loss_base'], s['val_loss_adapter'])}).

**Generations before/after.** Prompt `{e['prompt']}`:

- base model: `{one_line(e['base'])}`
- with the adapter: `{one_line(e['adapter'])}`

<!-- SCREENSHOT: generation panel, same prompt, adapter off / on -->

**A second adapter, same base.** Train on `moods` (an instruction task: was it a happy day or a sad day?) and switch
between the two adapters without reloading the model. Exact match on {mo['heldout_rows']} held-out stories:
{mo['exact_match_base']:.0%} for the base model, {mo['exact_match_adapter']:.0%} with the adapter
({mo['wall_seconds_median']:.0f} s run; validation loss {mo['val_loss_base']:.2f} → {mo['val_loss_adapter']:.2f}).
Input `{q['input']}`: base `{one_line(q['base'])}`, adapter `{one_line(q['adapter'])}`.

With no adapter selected the model is exactly the base again: its loss on its own stories is
{m['stories_validation']['base']:.4f} before and after, bit for bit.

<!-- SCREENSHOT: adapter list with ship_logs and moods, switching between them -->
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", type=Path, default=ROOT / "build")
    ap.add_argument("--repeats", type=int, default=3, help="training runs per dataset for the median time")
    ap.add_argument("--threads", type=int, help="override the runs' intra-op threads (default: lora_defaults.json's)")
    ap.add_argument("--write", action="store_true", help="write lora_results.json/.md, the card and docs/FIRST_RUN.md")
    ap.add_argument("--from-json", action="store_true",
                    help="measure nothing: rewrite lora_results.md, the card and docs/FIRST_RUN.md from lora_results.json")
    args = ap.parse_args()
    if args.from_json:
        m = json.loads((MODEL_DIR / "lora_results.json").read_text(encoding="utf-8"))
        m["runs"] = {k: {**v, "val_losses_by_step": {int(s): l for s, l in v["val_losses_by_step"].items()}}
                     for k, v in m["runs"].items()}
        write_outputs(m)
        return 0
    cli = args.build / "app" / "lora-cli"
    tool = args.build / "tests" / "bundled" / "lora-bundled-eval"
    for exe in (cli, tool):
        if not exe.exists():
            raise SystemExit(f"{exe} is missing: cmake --build {args.build} --target lora-cli lora-bundled-eval")
    with tempfile.TemporaryDirectory(prefix="lora-defaults-") as tmp:
        m = measure(cli, tool, Path(tmp), args.repeats, args.threads)
    m["load_average"] = os.getloadavg()[0]
    print(results_markdown(m))
    if args.write:
        (MODEL_DIR / "lora_results.json").write_text(json.dumps(m, indent=2) + "\n", encoding="utf-8")
        write_outputs(m)
    return 0


def write_outputs(m: dict) -> None:
    (MODEL_DIR / "lora_results.md").write_text(results_markdown(m), encoding="utf-8")
    subprocess.run([sys.executable, str(Path(__file__).with_name("build_base_model.py")), "--card-only"], check=True)
    (ROOT / "docs" / "FIRST_RUN.md").write_text(first_run_markdown(m), encoding="utf-8")
    print(f"wrote {MODEL_DIR / 'lora_results.md'}, README.md and docs/FIRST_RUN.md")


if __name__ == "__main__":
    sys.exit(main())
