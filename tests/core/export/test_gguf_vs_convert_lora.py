"""Our GGUF against llama.cpp's own converter: for a plain Llama adapter (one scale for every module, which
convert_lora_to_gguf.py handles), lora-cli export --format gguf writes the same tensor names, ggml shapes,
values (q/k rows permuted alike) and alpha as convert_lora_to_gguf.py. Needs $LORA_LLAMA_CPP_DIR (a llama.cpp
tree); exits 77 (skipped in CTest) without it."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from gguf_support import MODELS, cli, make_peft_adapter, read_gguf

SKIP = 77


def main() -> int:
    llama_cpp_dir = os.environ.get("LORA_LLAMA_CPP_DIR")
    if not llama_cpp_dir or not (Path(llama_cpp_dir) / "convert_lora_to_gguf.py").is_file():
        print("SKIPPED: set LORA_LLAMA_CPP_DIR to a llama.cpp tree with convert_lora_to_gguf.py")
        return SKIP
    model = MODELS / "llama"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        adapter = tmp / "plain"
        make_peft_adapter("llama", adapter, r=4, lora_alpha=8,
                          target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        ours_file, theirs_file = tmp / "ours.gguf", tmp / "theirs.gguf"
        cli("export", model, "--adapter", adapter, "--format", "gguf", "--out", ours_file)
        subprocess.run([sys.executable, Path(llama_cpp_dir) / "convert_lora_to_gguf.py", adapter, "--base", model,
                        "--outfile", theirs_file, "--outtype", "f32"], check=True, capture_output=True, timeout=600)
        ours_meta, ours, ours_ne = read_gguf(ours_file)
        theirs_meta, theirs, theirs_ne = read_gguf(theirs_file)
    for key in ("general.type", "general.architecture", "adapter.type", "adapter.lora.alpha"):
        assert ours_meta[key] == theirs_meta[key], (key, ours_meta[key], theirs_meta[key])
    assert sorted(ours) == sorted(theirs), (sorted(ours), sorted(theirs))
    worst = 0.0
    for name in theirs:
        assert ours_ne[name] == theirs_ne[name], (name, ours_ne[name], theirs_ne[name])
        worst = max(worst, float(np.abs(ours[name] - theirs[name]).max()))
    print(f"{len(theirs)} tensors: same names, shapes and metadata as convert_lora_to_gguf.py; max |diff| {worst:.3g}")
    assert worst <= 1e-6, worst
    return 0


if __name__ == "__main__":
    sys.exit(main())
