"""lora-cli export: a training checkpoint becomes a PEFT folder with the checkpoint's exact tensors, which PEFT
loads; an adapter for another base is refused naming the first mismatching tensor and both shapes."""
import json
import sys
import tempfile
from pathlib import Path

import torch
from peft import PeftModel
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

from cli_support import MODELS, cli, write_lines


def main() -> int:
    model = MODELS / "llama_train"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran" for i in range(60)])
        run = tmp / "run"
        cli("train", "--model", model, "--data", data, "--targets", "q_proj,v_proj", "--rank", 4, "--steps", 4,
            "--batch-size", 2, "--block-size", 16, "--lr", "1e-2", "--save-every", 2, "--threads", 1, "--out", run)
        checkpoint = run / "checkpoints" / "step-000002"

        exported = tmp / "exported"
        out = cli("export", model, "--adapter", checkpoint, "--out", exported)
        assert "exported" in out.stdout, out.stdout
        ours = load_file(exported / "adapter_model.safetensors")
        saved = load_file(checkpoint / "adapter" / "adapter_model.safetensors")
        assert ours.keys() == saved.keys(), (sorted(ours), sorted(saved))
        for key in ours:
            assert torch.equal(ours[key], saved[key]), key
        # Trained for 2 steps: B is no longer zero, so the logits below really test the adapter.
        assert any(k.endswith("lora_B.weight") and ours[k].abs().max() > 0 for k in ours)
        config = json.loads((exported / "adapter_config.json").read_text())
        assert config["r"] == 4 and sorted(config["target_modules"]) == ["q_proj", "v_proj"], config

        ids = torch.tensor([[5, 9, 13, 2, 7, 11, 3]])
        base = AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32).eval()
        peft = PeftModel.from_pretrained(base, exported).eval()
        with torch.no_grad():
            theirs = peft(input_ids=ids).logits
        logits_file = tmp / "logits.safetensors"
        cli("logits", model, "--ids", ",".join(map(str, ids[0].tolist())), "--adapter", checkpoint,
            "--out", logits_file)
        diff = (load_file(logits_file)["logits"].reshape(theirs.shape) - theirs).abs().max().item()
        print(f"checkpoint adapter exported: {len(ours)} tensors; logits vs PEFT max |diff| {diff:.3g}")
        assert diff <= 1e-4, diff

        # The same adapter on a base of another shape: a clear refusal, nothing written.
        refused = tmp / "refused"
        # llama_tied has 4 key/value heads where llama_train has 2: v_proj is [64, 64], not [32, 64].
        err = cli("export", MODELS / "llama_tied", "--adapter", exported, "--out", refused, expect=1).stderr
        print(err.strip())
        assert "lora_A" in err or "lora_B" in err, err
        assert " vs " in err or "expected" in err or "shape" in err, err
        assert not refused.exists() or not any(refused.iterdir()), "a refused export wrote files"
    return 0


if __name__ == "__main__":
    sys.exit(main())
