"""The run database through lora-cli: a trained run is recorded (config, status, every step's metrics as
metrics.jsonl has them, checkpoints with their sha256, parameters), its adapter is stored in the database, and the
adapter exported from the database loads in PEFT with the same logits as the adapter before storing (bitwise).
A PEFT folder made by PEFT itself is imported into the library and comes back out identical."""
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM

from cli_support import MODELS, cli, write_lines

IDS = torch.tensor([[5, 9, 13, 2, 7, 11, 3, 4]])


def folder_digest(folder: Path) -> str:
    """core's folderDigest: sha256 over sha256sum's lines of every file, in path order."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        line = f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(folder).as_posix()}\n"
        h.update(line.encode())
    return h.hexdigest()


def peft_logits(model: Path, adapter: Path) -> torch.Tensor:
    base = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32).eval()
    peft = PeftModel.from_pretrained(base, adapter).eval()
    with torch.no_grad():
        return peft(input_ids=IDS).logits


def main() -> int:
    model = MODELS / "llama_train"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "runs.sqlite"
        data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran" for i in range(60)])
        run = tmp / "run"
        out = cli("train", "--db", db, "--name", "store test", "--tag", "t1", "--model", model, "--data", data,
                  "--rank", 4, "--steps", 4, "--batch-size", 2, "--block-size", 16, "--lr", "1e-2", "--save-every", 2,
                  "--val-fraction", "0.2", "--eval-every", 2, "--threads", 1, "--out", run)
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        run_id, adapter_id = summary["run_id"], summary["adapter_id"]
        assert summary["status"] == "completed" and adapter_id is not None, summary

        # The run as recorded.
        shown = json.loads(cli("runs", "show", run_id, "--db", db, "--json", "--metrics").stdout)
        assert shown["status"] == "completed" and shown["name"] == "store test" and shown["tags"] == ["t1"], shown
        assert shown["steps_done"] == 4 and shown["trainable_params"] > 0, shown
        assert shown["total_params"] > shown["trainable_params"], shown
        assert shown["config"]["lora"]["r"] == 4 and shown["config"]["max_steps"] == 4, shown["config"]
        assert shown["model_hash"] == folder_digest(model), "model content hash"
        assert shown["dataset_hash"] == hashlib.sha256(data.read_bytes()).hexdigest(), "dataset hash"
        jsonl = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
        losses = {m["step"]: m["value"] for m in shown["metrics"] if m["split"] == "train" and m["name"] == "loss"}
        assert losses == {p["step"]: p["train_loss"] for p in jsonl}, (losses, jsonl)
        vals = {m["step"]: m["value"] for m in shown["metrics"] if m["split"] == "val"}
        assert vals == {p["step"]: p["val_loss"] for p in jsonl if p["val_loss"] is not None}, vals
        assert shown["best_val_loss"] == min(vals.values()) and shown["final_train_loss"] == losses[4], shown
        assert [c["step"] for c in shown["checkpoints"]] == [2, 4], shown["checkpoints"]
        for c in shown["checkpoints"]:
            assert c["sha256"] == folder_digest(Path(c["path"])), c
        listed = cli("runs", "--db", db).stdout
        assert "store test" in listed and "completed" in listed, listed

        # The stored adapter is the adapter as saved, and gives PEFT the same logits.
        before = peft_logits(model, run)
        exported = tmp / "exported"
        cli("adapters", "export", adapter_id, "--out", exported, "--db", db)
        for name in ("adapter_model.safetensors", "adapter_config.json"):
            assert (exported / name).read_bytes() == (run / name).read_bytes(), name
        after = peft_logits(model, exported)
        assert torch.equal(before, after), (before - after).abs().max()
        print(f"run {run_id}: adapter {adapter_id} round trip through the database: logits identical "
              f"(max |logit| {before.abs().max():.3g})")

        # Import a PEFT folder written by PEFT itself (random B, so the adapter changes the logits).
        torch.manual_seed(3)
        base = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32)
        peft_model = get_peft_model(base, LoraConfig(r=2, lora_alpha=8, target_modules=["q_proj", "o_proj"],
                                                     init_lora_weights=False)).eval()
        made = tmp / "made by peft"
        peft_model.save_pretrained(made)
        with torch.no_grad():
            reference = peft_model(input_ids=IDS).logits
        imported = json.loads(cli("adapters", "import", made, "--db", db).stdout)["adapter_id"]
        library = json.loads(cli("adapters", "--db", db, "--json").stdout)
        assert [a["id"] for a in library] == [imported, adapter_id], library
        assert library[0]["name"] == "made by peft" and library[0]["run_id"] is None, library[0]
        back = tmp / "back"
        cli("adapters", "export", imported, "--out", back, "--db", db)
        assert (back / "adapter_model.safetensors").read_bytes() == (made / "adapter_model.safetensors").read_bytes()
        assert torch.equal(peft_logits(model, back), reference)
        assert not torch.equal(reference, peft_logits(model, exported)), "the two adapters should differ"

        # An unusable folder is refused, naming it; nothing is stored.
        err = cli("adapters", "import", tmp, "--db", db, expect=1).stderr
        assert str(tmp) in err and "adapter_config.json is missing" in err, err
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM adapters").fetchone()[0] == 2
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return 0


if __name__ == "__main__":
    sys.exit(main())
