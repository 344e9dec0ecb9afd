"""lora-cli train on data with bad rows: it stops before training, naming file and line and saying how to go
on; with --skip-bad-rows it lists each bad row and trains on the rest; an empty dataset is an error."""
import json
import sys
import tempfile
from pathlib import Path

from cli_support import MODELS, cli, write_lines


def train(data: Path, out: Path, *extra, expect: int):
    return cli("train", "--model", MODELS / "llama_train", "--data", data, "--steps", 2, "--batch-size", 2,
               "--threads", 1, "--out", out, *extra, expect=expect)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        good = [json.dumps({"instruction": "say", "input": f"word {i}", "output": "the cat"}) for i in range(20)]
        rows = good[:5] + ['{"instruction": "say", "input": oops}'] + good[5:12] + [
            json.dumps({"instruction": "say"}),        # no output
            json.dumps({"text": ""}),                  # empty text
        ] + good[12:]
        data = write_lines(tmp / "rows.jsonl", rows)
        bad_lines = [6, 14, 15]

        failed = train(data, tmp / "a", expect=1)
        assert f"{data}:6:" in failed.stderr, failed.stderr
        assert "--skip-bad-rows" in failed.stderr, failed.stderr
        assert not (tmp / "a" / "adapter_model.safetensors").exists()

        skipped = train(data, tmp / "b", "--skip-bad-rows", expect=0)
        for line in bad_lines:
            assert f"skipped {data}:{line}:" in skipped.stderr, (line, skipped.stderr)
        assert "20 examples" in skipped.stderr, skipped.stderr
        assert (tmp / "b" / "adapter_model.safetensors").exists()

        empty = write_lines(tmp / "empty.jsonl", ["", "   "])
        err = train(empty, tmp / "c", "--skip-bad-rows", expect=1).stderr
        print(err.strip().splitlines()[-2:])
        assert str(empty) in err and "no example" in err.lower() or "empty" in err.lower(), err
    return 0


if __name__ == "__main__":
    sys.exit(main())
