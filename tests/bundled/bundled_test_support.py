"""Shared by the bundled Python tests: the default run on one bundled dataset, with lora-cli, as a CTest fixture
for tests/bundled/test_adapter_switching.cpp (run.json and adapter/ under $LORA_BUNDLED_OUT/<name>/)."""
import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("LORA_SOURCE_DIR", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(ROOT / "resources" / "models"))

import lora_runs  # noqa: E402

CLI = os.environ["LORA_CLI"]
EVAL = os.environ["LORA_BUNDLED_EVAL"]
OUT = Path(os.environ["LORA_BUNDLED_OUT"])


def default_run(name: str) -> tuple[Path, dict]:
    """Trains the default run on `name` into $LORA_BUNDLED_OUT/<name>/adapter; returns (run file, result)."""
    # One intra-op thread: CTest runs the two trainings side by side on a 2-core machine. The thread count changes
    # how fast the run goes, not what it learns (beyond the last bits of floating-point sums).
    run = lora_runs.write_run(name, OUT / name, threads=1)
    result = lora_runs.train(CLI, run)
    print(f"{name}: trained {result['trainable_params']:,} of {result['all_params']:,} parameters, "
          f"validation losses by step {result['val_losses']}", flush=True)
    return run, result


def check(condition: bool, message: str) -> None:
    print(("ok    " if condition else "FAIL  ") + message, flush=True)
    if not condition:
        raise SystemExit(1)
