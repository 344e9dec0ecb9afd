"""Run by a Python that has llama-cpp-python: the logits llama.cpp computes for token ids with a base GGUF and,
optionally, a LoRA GGUF. Usage: llama_cpp_logits.py BASE.gguf LORA.gguf|- IDS(comma-separated) OUT.npy"""
import sys

import numpy as np
from llama_cpp import Llama


def main() -> int:
    base, lora, ids, out = sys.argv[1:5]
    llm = Llama(model_path=base, lora_path=None if lora == "-" else lora, n_ctx=64, n_batch=64, n_threads=1,
                logits_all=True, verbose=False, seed=0)
    tokens = [int(i) for i in ids.split(",")]
    llm.eval(tokens)
    np.save(out, np.array(llm.scores[: len(tokens)], dtype=np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
