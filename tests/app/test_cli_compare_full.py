"""lora-cli compare-full as a user drives it: one command trains the run file as LoRA and as full fine-tuning, each
in its own process, and reports both side by side; both runs land in the run database under one compare tag."""
import json
import math
import sqlite3
import sys
import tempfile
from pathlib import Path

from cli_support import MODELS, cli, write_lines


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        words = "the adapter learns a low rank update of each projection while base weights stay frozen".split()
        data = write_lines(tmp / "train.jsonl",
                           [json.dumps({"text": " ".join(words[i % 5:i % 5 + 8]) + f" {i}"}) for i in range(40)])
        corpus = tmp / "corpus.txt"
        corpus.write_text("\n\n".join(f"base weights stay frozen during training, number {i}" for i in range(60)))
        run_file = tmp / "run.json"
        run_file.write_text(cli("train", "--model", MODELS / "gpt2_train", "--data", data, "--targets", "c_attn",
                                "--rank", 4, "--steps", 6, "--batch-size", 4, "--val-fraction", 0.2,
                                "--eval-every", 3, "--threads", 1, "--print-config").stdout)
        db = tmp / "runs.sqlite"
        out = cli("compare-full", "--config", run_file, "--out", tmp / "pair", "--forgetting-corpus", corpus,
                  "--json", tmp / "c.json", "--db", db, "--name", "pair")
        c = json.loads((tmp / "c.json").read_text())
        lora, full = c["lora"], c["full"]
        for side in (lora, full):
            assert side["exit_code"] == 0, side
            assert side["steps"] == 6, side
            assert side["peak_memory_mib"] > 0 and side["seconds_per_step"] > 0, side
            assert side["best_val_loss"] is not None and side["final_val_loss"] is not None, side
            assert math.isfinite(side["corpus_loss_after"]), side
        # PEFT's count for c_attn rank 4 on 2 layers of width 48 (c_attn: 48 -> 144): 2 * 4 * (48 + 144).
        assert lora["trainable_parameters"] == 2 * 4 * (48 + 144), lora["trainable_parameters"]
        assert full["trainable_parameters"] > 50 * lora["trainable_parameters"], full
        assert full["trainable_parameters"] == full["total_parameters"], full
        before = c["corpus_loss_before"]
        assert math.isfinite(before) and before > 0, before
        # Forgetting is a measured difference: full fine-tuning changes every weight, so the corpus loss moves.
        assert abs(full["corpus_loss_after"] - before) > 1e-6, (before, full["corpus_loss_after"])
        # The LoRA model's loss differs from the full one's: they are different models.
        assert lora["corpus_loss_after"] != full["corpus_loss_after"]
        assert "forgetting (after - before)" in out.stdout and "trainable parameters" in out.stdout, out.stdout
        assert (tmp / "pair" / "lora" / "adapter_model.safetensors").exists()
        assert (tmp / "pair" / "full" / "model.safetensors").exists()

        with sqlite3.connect(db) as con:
            rows = con.execute("SELECT name, tags, status FROM runs ORDER BY id").fetchall()
        assert [r[0] for r in rows] == ["pair (LoRA)", "pair (full)"], rows
        assert all("compare:pair" in r[1] and r[2] == "completed" for r in rows), rows

        # A run file that is not one: a clear error naming it, nothing trained.
        bad = tmp / "bad.json"
        bad.write_text("{\"learning_rat\": 1}")
        err = cli("compare-full", "--config", bad, "--out", tmp / "nothing", "--no-db", expect=1).stderr
        assert "bad.json" in err and "learning_rat" in err, err
        assert not (tmp / "nothing").exists()
    print("compare-full: both sides trained, recorded and compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
