"""llama.cpp runs our LoRA GGUF as our engine runs the adapter: the fixture base converted with llama.cpp's own
convert_hf_to_gguf.py (F32), plus the GGUF from lora-cli export --format gguf, gives the logits `lora-cli logits
--adapter` gives: Llama (a plain adapter and one with rsLoRA and rank/alpha patterns folded in), Mistral, Qwen2 and
GPT-2 (the fused c_attn).

Needs llama.cpp as scripts/install-deps installs it: its source tree for convert_hf_to_gguf.py ($LORA_LLAMA_CPP_DIR)
and the llama_cpp_logits tool built against its libllama ($LORA_LLAMA_CPP_LOGITS); CMake sets both when it finds
llama.cpp. Without them it exits 77, which CTest reports as skipped."""
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
# F32 on both sides (weights, adapter, llama.cpp's KV cache, no flash attention); llama.cpp sums in another order and
# adds the LoRA as a separate product. Measured: ≤ 8e-6.
TOLERANCE = 1e-4
# ggml's CPU GELU (GPT-2's MLP) reads a table indexed by the F16-rounded input (GGML_GELU_FP16 in ggml-cpu/vec.h):
# the converted GPT-2 base alone differs by 6e-4.
GELU_TABLE_TOLERANCE = 3e-3
ALL7 = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
CASES = {  # label: (fixture model, PEFT LoraConfig)
    "llama": ("llama", dict(r=4, lora_alpha=8, target_modules=ALL7)),
    "llama_rslora_patterns": ("llama", dict(r=4, lora_alpha=8, target_modules=ALL7, use_rslora=True,
                                            rank_pattern={"k_proj": 2}, alpha_pattern={"v_proj": 3.0})),
    "mistral": ("mistral", dict(r=4, lora_alpha=8, target_modules=ALL7)),
    "qwen2": ("qwen2", dict(r=4, lora_alpha=8, target_modules=ALL7)),
    "gpt2": ("gpt2", dict(r=4, lora_alpha=8, target_modules=["c_attn", "c_proj", "c_fc"], fan_in_fan_out=True)),
}


def our_logits(model: Path, ids: list[int], adapter: Path | None, tmp: Path) -> np.ndarray:
    out = tmp / ((f"{adapter.name}.lora" if adapter else f"{model.name}.base") + ".logits.safetensors")
    cli("logits", model, "--ids", ",".join(map(str, ids)), *(["--adapter", adapter] if adapter else []), "--out", out)
    return load_file(out)["logits"].reshape(len(ids), -1).numpy()


def their_logits(tool: str, base: Path, lora: Path | None, ids: list[int], tmp: Path) -> np.ndarray:
    out = tmp / f"{(lora or base).name}.llama_cpp.f32"
    done = subprocess.run([tool, base, lora or "-", ",".join(map(str, ids)), out], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return np.fromfile(out, dtype="<f4").reshape(len(ids), -1)


def main() -> int:
    tool = os.environ.get("LORA_LLAMA_CPP_LOGITS")
    llama_cpp_dir = os.environ.get("LORA_LLAMA_CPP_DIR")
    if not tool or not llama_cpp_dir or not (Path(llama_cpp_dir) / "convert_hf_to_gguf.py").is_file():
        print("SKIPPED: needs llama.cpp (scripts/install-deps builds it in /opt/lora-studio/llama.cpp; "
              "reconfigure the build after installing it)")
        return SKIP
    all_ids = [5, 9, 13, 2, 7, 11, 3, 200, 42, 17]
    bases = {}  # fixture: (its base converted by llama.cpp, lora-cli's logits of the base)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, (fixture, config) in CASES.items():
            model = MODELS / fixture
            # llama.cpp runs Mistral as Llama, without its sliding window (5 tokens in the fixture): within the
            # window the two attend to the same tokens.
            ids = all_ids[:5] if fixture == "mistral" else all_ids
            tolerance = GELU_TABLE_TOLERANCE if fixture == "gpt2" else TOLERANCE
            if fixture not in bases:
                base = tmp / f"{fixture}.base.gguf"
                subprocess.run([sys.executable, HERE / "convert_base_to_gguf.py", llama_cpp_dir, model, base],
                               check=True, capture_output=True, timeout=300)
                bases[fixture] = base, our_logits(model, ids, None, tmp)
                # The base alone first: a disagreement here is the conversion's, not the adapter's.
                base_diff = np.abs(their_logits(tool, base, None, ids, tmp) - bases[fixture][1]).max()
                print(f"{fixture} base: llama.cpp vs lora-cli max |diff| {base_diff:.3g}")
                assert base_diff <= tolerance, (fixture, base_diff)
            base, base_logits = bases[fixture]
            adapter = tmp / label
            make_peft_adapter(fixture, adapter, **config)
            lora = tmp / f"{label}.lora.gguf"
            cli("export", model, "--adapter", adapter, "--format", "gguf", "--out", lora)
            ours = our_logits(model, ids, adapter, tmp)
            theirs = their_logits(tool, base, lora, ids, tmp)
            shift = np.abs(ours - base_logits).max()
            diff = np.abs(ours - theirs).max()
            print(f"{label}: the adapter moves the logits by up to {shift:.3g}; llama.cpp vs lora-cli max |diff| "
                  f"{diff:.3g}")
            assert shift > 100 * tolerance, f"{label}: the adapter barely moves the logits; that would prove nothing"
            assert diff <= tolerance, (label, diff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
