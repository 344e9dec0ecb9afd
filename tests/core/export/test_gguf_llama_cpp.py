"""llama.cpp runs our LoRA GGUF as our engine runs the adapter: the fixture base converted with llama.cpp's own
convert_hf_to_gguf.py (F32), plus the GGUF from lora-cli export --format gguf, gives the logits `lora-cli logits
--adapter` gives, for a plain Llama adapter and one with rsLoRA and rank/alpha patterns folded in.

Needs llama.cpp: a Python with llama-cpp-python (this interpreter, or $LORA_LLAMA_CPP_PYTHON) and a llama.cpp
source tree for convert_hf_to_gguf.py ($LORA_LLAMA_CPP_DIR). Without them it exits 77, which CTest reports as
skipped."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from safetensors.torch import load_file

from gguf_support import MODELS, cli, make_peft_adapter

SKIP = 77
HERE = Path(__file__).parent
# F32 weights on both sides; llama.cpp sums in another order and adds the LoRA as a separate product.
TOLERANCE = 1e-3
ALL7 = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def llama_cpp_python() -> str | None:
    for python in (sys.executable, os.environ.get("LORA_LLAMA_CPP_PYTHON")):
        if python and subprocess.run([python, "-c", "import llama_cpp"], capture_output=True).returncode == 0:
            return python
    return None


def our_logits(model: Path, ids: list[int], adapter: Path, tmp: Path) -> np.ndarray:
    out = tmp / f"{adapter.name}.logits.safetensors"
    cli("logits", model, "--ids", ",".join(map(str, ids)), "--adapter", adapter, "--out", out)
    return load_file(out)["logits"].reshape(len(ids), -1).numpy()


def their_logits(python: str, base: Path, lora: Path | None, ids: list[int], tmp: Path) -> np.ndarray:
    out = tmp / f"{lora.name if lora else 'base'}.llama_cpp.npy"
    subprocess.run([python, HERE / "llama_cpp_logits.py", base, lora or "-", ",".join(map(str, ids)), out],
                   check=True, capture_output=True, timeout=300)
    return np.load(out)


def main() -> int:
    python = llama_cpp_python()
    llama_cpp_dir = os.environ.get("LORA_LLAMA_CPP_DIR")
    if python is None or not llama_cpp_dir or not (Path(llama_cpp_dir) / "convert_hf_to_gguf.py").is_file():
        print("SKIPPED: needs llama-cpp-python (here or $LORA_LLAMA_CPP_PYTHON) and $LORA_LLAMA_CPP_DIR "
              "(a llama.cpp tree with convert_hf_to_gguf.py)")
        return SKIP
    model = MODELS / "llama"
    ids = [5, 9, 13, 2, 7, 11, 3, 200, 42, 17]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = tmp / "base.gguf"
        subprocess.run([sys.executable, HERE / "convert_base_to_gguf.py", llama_cpp_dir, model, base], check=True,
                       capture_output=True, timeout=300)
        # The base alone first: a disagreement here is the conversion's, not the adapter's.
        base_diff = np.abs(their_logits(python, base, None, ids, tmp) -
                           cli_base_logits(model, ids, tmp)).max()
        print(f"base: llama.cpp vs lora-cli max |diff| {base_diff:.3g}")
        assert base_diff <= TOLERANCE, base_diff
        cases = {"plain": dict(r=4, lora_alpha=8, target_modules=ALL7),
                 "rslora_patterns": dict(r=4, lora_alpha=8, target_modules=ALL7, use_rslora=True,
                                         rank_pattern={"k_proj": 2}, alpha_pattern={"v_proj": 3.0})}
        for label, config in cases.items():
            adapter = tmp / label
            make_peft_adapter("llama", adapter, **config)
            lora = tmp / f"{label}.gguf"
            cli("export", model, "--adapter", adapter, "--format", "gguf", "--out", lora)
            ours = our_logits(model, ids, adapter, tmp)
            theirs = their_logits(python, base, lora, ids, tmp)
            shift = np.abs(ours - cli_base_logits(model, ids, tmp)).max()
            diff = np.abs(ours - theirs).max()
            print(f"{label}: adapter moves the logits by up to {shift:.3g}; llama.cpp vs lora-cli max |diff| "
                  f"{diff:.3g}")
            assert shift > 100 * TOLERANCE, "the adapter barely changes the logits: the comparison proves nothing"
            assert diff <= TOLERANCE, diff
    return 0


def cli_base_logits(model: Path, ids: list[int], tmp: Path) -> np.ndarray:
    out = tmp / "base.logits.safetensors"
    if not out.exists():
        cli("logits", model, "--ids", ",".join(map(str, ids)), "--out", out)
    return load_file(out)["logits"].reshape(len(ids), -1).numpy()


if __name__ == "__main__":
    sys.exit(main())
