"""lora-cli report as a user drives it: a run trained on the llama_train fixture and a 2-run sweep are exported
as self-contained HTML (escaped names, one point per step in the loss curve, budget and spectra, the Pareto front),
and a run or sweep that is not in the database is a clear error that writes nothing."""
import re
import sys
import tempfile
from pathlib import Path

from cli_support import MODELS, cli, write_lines

NAME = "<script>alert(1)</script>"


def points(html: str, marker: str) -> int:
    element = re.search(r"<[^<>]*" + re.escape(marker) + r"[^<>]*>", html)
    assert element, f"no element with {marker}"
    return len(re.search(r'points="([^"]*)"', element.group(0)).group(1).split())


def self_contained(html: str) -> None:
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html), "a resource fetched from the network"
    assert "<script" not in html and "url(http" not in html


def main() -> int:
    model = MODELS / "llama_train"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "runs.sqlite"
        data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran" for i in range(60)])
        train = cli("train", "--db", db, "--name", NAME, "--model", model, "--data", data, "--rank", 4, "--steps", 4,
                    "--batch-size", 2, "--block-size", 16, "--lr", "1e-2", "--val-fraction", "0.2", "--eval-every", 2,
                    "--threads", 1, "--out", tmp / "run")
        run_id = int(re.search(r'"run_id": *(\d+)', train.stdout).group(1))

        out = tmp / "report.html"
        said = cli("report", run_id, "--db", db, "--out", out).stdout
        assert f"wrote {out}" in said, said
        html = out.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>"), html[:100]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        self_contained(html)
        assert points(html, 'data-series="train loss"') == 4
        assert points(html, 'data-series="validation loss"') == 2
        assert "Parameter budget" in html and "model.layers.0.self_attn.q_proj" in html
        assert "Spectra of ΔW" in html
        print(f"run {run_id}: {len(html)} bytes of HTML")

        sweep = cli("sweep", "--db", db, "--model", model, "--data", data, "--ranks", "2,4", "--targets-presets",
                    "qv", "--layers", "all", "--seeds", "7", "--steps", 2, "--batch-size", 2, "--block-size", 16,
                    "--lr", "1e-2", "--val-fraction", "0.2", "--threads", 1, "--name", "tiny & quick",
                    "--out", tmp / "sweep")
        sweep_id = int(re.search(r"^sweep (\d+) recorded in ", sweep.stderr, re.M).group(1))
        sweep_out = tmp / "sweep.html"
        cli("report", "--sweep", sweep_id, "--db", db, "--out", sweep_out)
        html = sweep_out.read_text(encoding="utf-8")
        self_contained(html)
        assert "tiny &amp; quick" in html
        assert 'class="pareto-front"' in html and html.count("★ front") >= 1
        assert html.count("r2 qv layers all seed 7") >= 1 and html.count("r4 qv layers all seed 7") >= 1

        missing = tmp / "missing.html"
        bad = cli("report", 999, "--db", db, "--out", missing, expect=1)
        assert f"{db}: there is no run 999" in bad.stderr and "runs list" in bad.stderr, bad.stderr
        bad = cli("report", "--sweep", 999, "--db", db, "--out", missing, expect=1)
        assert "there is no sweep 999" in bad.stderr, bad.stderr
        bad = cli("report", "--db", db, "--out", missing, expect=1)
        assert "give a RUN_ID or --sweep SWEEP_ID" in bad.stderr, bad.stderr
        assert not missing.exists()
        print("report: run and sweep written; missing ids refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
