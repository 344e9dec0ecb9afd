"""Shared by the GGUF export tests: PEFT adapters with every tensor non-zero, and our GGUF read back with the `gguf`
package. lora-cli itself comes from cli_support."""
from pathlib import Path

import numpy as np
import torch
from gguf import GGUFReader
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM

from cli_support import MODELS, cli  # noqa: F401  (re-exported for the GGUF tests)


def make_peft_adapter(model: str, out: Path, seed: int = 0, **config) -> dict[str, float]:
    """Saves a PEFT adapter for fixture `model` whose A and B are seeded noise (B = 0 would prove nothing).
    Returns PEFT's own scaling per module name (what the GGUF must reproduce)."""
    torch.manual_seed(seed)
    base = AutoModelForCausalLM.from_pretrained(MODELS / model, dtype=torch.float32)
    peft = get_peft_model(base, LoraConfig(task_type="CAUSAL_LM", **config))
    scalings = {}
    with torch.no_grad():
        for name, module in peft.named_modules():
            if hasattr(module, "lora_A") and "default" in module.lora_A:
                module.lora_A["default"].weight.normal_(0, 0.3)
                module.lora_B["default"].weight.normal_(0, 0.3)
                scalings[name.removeprefix("base_model.model.")] = float(module.scaling["default"])
    peft.save_pretrained(out)
    return scalings


def field_value(reader: GGUFReader, key: str):
    field = reader.fields[key]
    if field.types[0].name == "ARRAY":
        return [bytes(field.parts[i]).decode() if field.types[-1].name == "STRING" else field.parts[i].item()
                for i in field.data]
    value = field.parts[field.data[0]]
    return bytes(value).decode() if field.types[0].name == "STRING" else value.item()


def read_gguf(path: Path) -> tuple[dict, dict[str, np.ndarray], dict[str, list[int]]]:
    """(metadata, tensors as row-major arrays, ggml ne per tensor)."""
    reader = GGUFReader(path)
    meta = {k: field_value(reader, k) for k in reader.fields if not k.startswith("GGUF.")}
    tensors = {t.name: np.array(t.data, dtype=np.float32) for t in reader.tensors}
    ne = {t.name: [int(d) for d in t.shape] for t in reader.tensors}
    return meta, tensors, ne


def llama_permute(rows: torch.Tensor, heads: int) -> torch.Tensor:
    """convert_hf_to_gguf.py's LlamaModel.permute on the rows of a weight (here: lora_b)."""
    return rows.reshape(heads, 2, rows.shape[0] // heads // 2, *rows.shape[1:]).swapaxes(1, 2).reshape(rows.shape)
