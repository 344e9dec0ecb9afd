#!/usr/bin/env python3
"""(a) LoRA Studio's adapters in PEFT: an adapter made here (every tensor non-zero) and saved as a PEFT folder is
read by PeftModel.from_pretrained on the same base, whose logits must equal `lora-cli logits --adapter`."""
import sys
import tempfile
from pathlib import Path

from peft import PeftModel

from adapter_support import cli_logits, fixture, hf_logits, hf_model, is_seq_cls, make_adapter, max_diff, report, token_ids

CASES = [
    ("gpt2", ["--targets", "c_attn,c_proj", "--rank", "4", "--alpha", "8"]),
    ("gpt2", ["--targets", "c_attn,c_fc", "--rank", "3", "--alpha", "5", "--rslora", "--dora"]),
    ("llama", ["--targets", "q_proj,k_proj,v_proj,o_proj", "--rank", "4", "--alpha", "16"]),
    ("llama", ["--targets", "all-linear", "--regex", "--rank", "2", "--alpha", "4", "--dora"]),
    ("bert", ["--targets", "query,value", "--rank", "4", "--alpha", "8", "--task", "SEQ_CLS"]),
    ("bert", ["--targets", "all-linear", "--regex", "--rank", "2", "--alpha", "4", "--task", "SEQ_CLS", "--dora"]),
]


def check(model: str, args: list[str]):
    ids = token_ids(model)
    with tempfile.TemporaryDirectory() as tmp:
        adapter = Path(tmp) / "adapter"
        make_adapter(model, adapter, args)
        seq_cls = is_seq_cls(model)
        base = hf_model(fixture(model), seq_cls)
        before = hf_logits(base, ids)
        peft = PeftModel.from_pretrained(base, adapter).eval()
        theirs = hf_logits(peft, ids)
        ours = cli_logits(fixture(model), ids, adapter)
        # A non-trivial adapter must move the logits, or the comparison proves nothing.
        moved = max_diff(theirs, before)
        assert moved > 1e-2, f"the adapter barely changes PEFT's logits ({moved:.3g}); test is vacuous"
        return max_diff(ours, theirs), f"(adapter moved logits by {moved:.3g})"


if __name__ == "__main__":
    sys.exit(report([(f"{m} {' '.join(a)}", lambda m=m, a=a: check(m, a)) for m, a in CASES]))
