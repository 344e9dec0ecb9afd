"""Shared by the lora-cli tests: the CLI, the fixture models, running a command. Every Python test can import it
(lora_add_python_test puts tests/app on PYTHONPATH)."""
import os
import subprocess
from pathlib import Path

CLI = os.environ["LORA_CLI"]
MODELS = Path(os.environ["LORA_FIXTURES_DIR"]) / "models"


def cli(*args, expect: int = 0) -> subprocess.CompletedProcess:
    out = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if out.returncode != expect:
        raise AssertionError(f"lora-cli {' '.join(map(str, args))}: exit {out.returncode}, expected {expect}\n"
                             f"{out.stdout.strip()}\n{out.stderr.strip()}")
    return out


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path
