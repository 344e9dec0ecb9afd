"""lora-cli combine: our linear and cat combinations are PEFT's add_weighted_adapter (same A and B, same logits),
they load in PEFT, and svd to a sufficient rank reproduces the weighted sum of the updates ΔW."""
import sys
import tempfile
from pathlib import Path

import torch
from peft import LoraConfig, PeftModel, get_peft_model
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

from cli_support import MODELS, cli

TOLERANCE = 1e-5
CASES = {  # model -> targets of the two adapters (they differ: the combination adapts their union)
    "llama": (["q_proj", "v_proj"], ["q_proj", "down_proj"]),
    "gpt2": (["c_attn"], ["c_attn", "c_fc"]),
}
WEIGHTS = (0.7, -0.4)
IDS = [[3, 17, 5, 9, 11, 2, 8, 30]]


def base(name: str):
    return AutoModelForCausalLM.from_pretrained(MODELS / name, dtype=torch.float32).eval()


def make_adapter(name: str, targets: list[str], rank: int, alpha: float, seed: int, out: Path) -> Path:
    torch.manual_seed(seed)
    # init_lora_weights=False: A and B both random, so every update is non-zero.
    config = LoraConfig(r=rank, lora_alpha=alpha, target_modules=targets, init_lora_weights=False)
    get_peft_model(base(name), config).save_pretrained(out)
    return out


def lora_tensors(folder: Path) -> dict[str, torch.Tensor]:
    return load_file(folder / "adapter_model.safetensors")


def peft_combination(name: str, adapters: list[Path], method: str, rank: int | None):
    model = PeftModel.from_pretrained(base(name), adapters[0], adapter_name="a")
    model.load_adapter(adapters[1], adapter_name="b")
    model.add_weighted_adapter(["a", "b"], list(WEIGHTS), "mix", combination_type=method, svd_rank=rank)
    model.set_adapter("mix")
    return model


def peft_tensors(model, adapter: str) -> dict[str, torch.Tensor]:
    out = {}
    for key, value in model.state_dict().items():
        if f".{adapter}." in key and ".lora_" in key:
            out[key.replace(f".{adapter}.", ".")] = value.detach().float()
    return out


def delta_weights(tensors: dict[str, torch.Tensor], scaling: float) -> dict[str, torch.Tensor]:
    out = {}
    for key, a in tensors.items():
        if key.endswith("lora_A.weight"):
            module = key[: -len(".lora_A.weight")]
            out[module] = scaling * tensors[module + ".lora_B.weight"] @ a
    return out


def max_diff(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert sorted(a) == sorted(b), f"different tensors: {sorted(set(a) ^ set(b))}"
    return max((a[k] - b[k]).abs().max().item() for k in a)


def logits(model) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=torch.tensor(IDS)).logits


def check_model(name: str, tmp: Path) -> None:
    targets_a, targets_b = CASES[name]
    first = make_adapter(name, targets_a, 4, 8.0, 1, tmp / f"{name}_a")
    second = make_adapter(name, targets_b, 4, 16.0, 2, tmp / f"{name}_b")
    weighted = [f"{first}:{WEIGHTS[0]}", f"{second}:{WEIGHTS[1]}"]

    for method in ("linear", "cat"):
        ours_dir = tmp / f"{name}_{method}"
        cli("combine", MODELS / name, "--adapter", weighted[0], "--adapter", weighted[1], "--method", method,
            "--out", ours_dir)
        reference = peft_combination(name, [first, second], method, None)
        expected = peft_tensors(reference, "mix")
        ours = lora_tensors(ours_dir)
        diff = max_diff(ours, expected)
        assert diff < TOLERANCE, f"{name} {method}: A/B differ from PEFT's by {diff}"

        # Our folder loads in PEFT and computes what PEFT's own combination computes.
        reference.load_adapter(ours_dir, adapter_name="ours")
        mix_logits = logits(reference)
        reference.set_adapter("ours")
        logit_diff = (logits(reference) - mix_logits).abs().max().item()
        assert logit_diff < TOLERANCE, f"{name} {method}: logits differ from PEFT's by {logit_diff}"
        print(f"{name} {method}: A/B max diff {diff:.2e}, logits max diff {logit_diff:.2e}")

    # svd with rank 8 = 4 + 4 holds the whole weighted sum Σ w·s·B·A.
    svd_dir = tmp / f"{name}_svd"
    cli("combine", MODELS / name, "--adapter", weighted[0], "--adapter", weighted[1], "--method", "svd",
        "--rank", 8, "--out", svd_dir)
    expected: dict[str, torch.Tensor] = {}
    for folder, weight, scaling in ((first, WEIGHTS[0], 2.0), (second, WEIGHTS[1], 4.0)):
        for module, delta in delta_weights(lora_tensors(folder), scaling).items():
            expected[module] = expected.get(module, 0) + weight * delta
    ours = delta_weights(lora_tensors(svd_dir), 1.0)
    scale = max(v.abs().max().item() for v in expected.values())
    diff = max_diff(ours, expected)
    assert diff < TOLERANCE * scale, f"{name} svd: ΔW differs from the weighted sum by {diff} (scale {scale})"
    peft_svd = delta_weights(peft_tensors(peft_combination(name, [first, second], "svd", 8), "mix"), 1.0)
    peft_diff = max_diff(ours, peft_svd)
    assert peft_diff < TOLERANCE * scale, f"{name} svd: ΔW differs from PEFT's svd combination by {peft_diff}"
    print(f"{name} svd rank 8: ΔW max diff {diff:.2e} to the weighted sum, {peft_diff:.2e} to PEFT")

    # Errors a user can act on.
    bad = cli("combine", MODELS / name, "--adapter", first, "--adapter", f"{second}:x", "--out", tmp / "bad",
              expect=1)
    assert "not a number" in bad.stderr, bad.stderr


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            check_model(name, Path(tmp))
        # Unequal ranks have no linear combination (as in PEFT).
        tmp = Path(tmp)
        r8 = make_adapter("llama", ["q_proj"], 8, 8.0, 3, tmp / "r8")
        out = cli("combine", MODELS / "llama", "--adapter", tmp / "llama_a", "--adapter", r8, "--method", "linear",
                  "--out", tmp / "unequal", expect=1)
        assert "equal rank" in out.stderr, out.stderr
    print("combine: linear and cat match PEFT's add_weighted_adapter; svd reproduces the weighted ΔW")
    return 0


if __name__ == "__main__":
    sys.exit(main())
