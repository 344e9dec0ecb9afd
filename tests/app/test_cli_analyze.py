"""lora-cli analyze, similarity and generate --adapter-scale as a user drives them: the spectra agree with a dense
SVD of ΔW = s·B·A, a run's checkpoints replay in step order, φ of an adapter with itself is 1 on the diagonal, and
scale 0 generates exactly what the base model generates."""
import json
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, get_peft_model
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

from cli_support import MODELS, cli, write_lines


def make_adapter(out: Path) -> Path:
    torch.manual_seed(7)
    model = AutoModelForCausalLM.from_pretrained(MODELS / "llama", dtype=torch.float32)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(out)
    return out


def check_spectra(adapter: Path) -> None:
    report = json.loads(cli("analyze", MODELS / "llama", "--adapter", adapter, "--json", "--top-k", 2).stdout)
    tensors = load_file(adapter / "adapter_model.safetensors")
    weights = load_file(MODELS / "llama" / "model.safetensors")
    assert len(report["modules"]) == 4, report["modules"]
    worst = 0.0
    for m in report["modules"]:
        key = "base_model.model." + m["module"]
        delta = 2.0 * tensors[key + ".lora_B.weight"].double() @ tensors[key + ".lora_A.weight"].double()
        dense = torch.linalg.svdvals(delta)[:4]
        ours = torch.tensor(m["singular_values"], dtype=torch.float64)
        worst = max(worst, ((ours - dense).abs().max() / dense[0]).item())
        ratio = delta.norm().item() / weights[m["module"] + ".weight"].double().norm().item()
        assert abs(m["relative_norm"] - ratio) < 1e-5 * ratio, (m["module"], m["relative_norm"], ratio)
        energy = (dense[:2].square().sum() / dense.square().sum()).item()
        assert abs(m["top_energy"] - energy) < 1e-6, (m["top_energy"], energy)
    assert worst < 1e-5, f"singular values differ from a dense SVD by {worst} (relative)"
    print(f"analyze: singular values within {worst:.1e} (relative) of a dense SVD of ΔW")

    table = cli("analyze", MODELS / "llama", "--adapter", adapter).stdout
    assert "model.layers.1.self_attn.v_proj" in table and "effective rank" in table, table


def check_similarity(adapter: Path) -> None:
    out = json.loads(cli("similarity", MODELS / "llama", "--adapter", adapter, "--adapter", adapter, "--module",
                         "model.layers.0.self_attn.q_proj", "--json").stdout)
    assert out["rows"] == 4 and out["cols"] == 4
    assert all(abs(out["phi"][i][i] - 1) < 1e-9 for i in range(4)), out["phi"]
    bad = cli("similarity", MODELS / "llama", "--adapter", adapter, "--adapter", adapter, "--module", "nope", expect=1)
    assert "no LoRA module named 'nope'" in bad.stderr, bad.stderr


def check_scale(adapter: Path) -> None:
    def ids(*extra) -> list[int]:
        args = ["generate", MODELS / "llama", "--ids", "3,17,5", "--greedy", "--max-new-tokens", 8, "--ignore-eos",
                "--json", *extra]
        return json.loads(cli(*args).stdout)["ids"]

    base = ids()
    assert ids("--adapter", adapter, "--adapter-scale", 0) == base
    scaled_up = ids("--adapter", adapter, "--adapter-scale", 40)  # a large multiple of a random update
    assert scaled_up != base, "a 40x adapter generated exactly what the base model generates"
    print("generate --adapter-scale 0 reproduces the base model")


def check_replay(tmp: Path) -> None:
    data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran" for i in range(60)])
    run = tmp / "run"
    model = MODELS / "llama_train"
    cli("train", "--model", model, "--data", data, "--targets", "q_proj,v_proj", "--rank", 4, "--steps", 4,
        "--batch-size", 2, "--block-size", 16, "--lr", "1e-2", "--save-every", 2, "--threads", 1, "--out", run)
    replay = json.loads(cli("analyze", model, "--checkpoints", run, "--json").stdout)
    assert [r["step"] for r in replay] == [2, 4], [r.get("step") for r in replay]
    # B starts at zero and grows with training: the update's norm is larger at step 4 than at step 2.
    norms = [sum(m["delta_norm"] for m in r["modules"]) for r in replay]
    assert norms[1] > norms[0] > 0, norms
    print(f"analyze --checkpoints: steps 2 and 4, total ‖ΔW‖ {norms[0]:.4g} -> {norms[1]:.4g}")
    empty = cli("analyze", model, "--checkpoints", tmp, expect=1)
    assert "holds no checkpoints" in empty.stderr, empty.stderr


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        adapter = make_adapter(tmp / "adapter")
        check_spectra(adapter)
        check_similarity(adapter)
        check_scale(adapter)
        check_replay(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
