"""A sweep survives a crash: a child `lora-cli sweep` of 4 tiny cells is killed with SIGKILL while its second cell
trains. Then:
  - the file is intact; the sweep and the cell that was training are still "running" in it, the first cell completed;
  - `lora-cli sweep resume ID` marks them interrupted, continues the killed cell from its last checkpoint in the same
    run row, runs the cells never started, and never starts a completed cell again;
  - the sweep ends with exactly 4 runs, all completed, each step's metrics once, one stored adapter each;
  - the resumed cell's adapter equals an uninterrupted run of the same configuration (CPU, one thread: 1e-6);
  - `lora-cli sweep show ID --json` marks as Pareto-optimal exactly the cells no other cell beats on trainable
    parameters and best validation loss, and the table says so too."""
import json
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import torch
from safetensors.torch import load as load_safetensors
from safetensors.torch import load_file

from cli_support import CLI, MODELS, cli, write_lines

STEPS = 12
RECORDED = re.compile(r"^sweep (\d+) recorded in ")
CELL = re.compile(r"^sweep \d+: cell (\d+)/(\d+) run (\d+) (.*?)( \(resuming from step (\d+)\))?$")


def sweep_args(data: Path, out: Path, db: Path) -> list[str]:
    return ["sweep", "--db", str(db), "--model", str(MODELS / "llama_train"), "--data", str(data),
            "--ranks", "2,4", "--targets-presets", "qv,all-linear", "--layers", "all", "--seeds", "7",
            "--steps", str(STEPS), "--batch-size", "2", "--block-size", "16", "--lr", "1e-2", "--save-every", "2",
            "--val-fraction", "0.2", "--threads", "1", "--name", "crash", "--out", str(out)]


def kill_during_second_cell(args: list[str]) -> list[str]:
    proc = subprocess.Popen([CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    killed = threading.Event()

    def read():
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            # Past the second cell's first checkpoint (step 2): kill it there.
            if not killed.is_set() and lines[-1].startswith("[cell 2/4] step 5/"):
                proc.send_signal(signal.SIGKILL)
                killed.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc.wait(timeout=600)
    reader.join(timeout=10)
    assert killed.is_set() and proc.returncode == -signal.SIGKILL, (proc.returncode, "\n".join(lines))
    return lines


def adapter_tensors(con: sqlite3.Connection, run_id: int) -> dict[str, torch.Tensor]:
    rows = con.execute("SELECT tensors FROM adapters WHERE run_id = ?", (run_id,)).fetchall()
    assert len(rows) == 1, f"run {run_id}: {len(rows)} stored adapters"
    return load_safetensors(bytes(rows[0][0]))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran far" for i in range(60)])
        db = tmp / "sweep.sqlite"
        lines = kill_during_second_cell(sweep_args(data, tmp / "sweep", db))
        sweep_id = next(int(m.group(1)) for line in lines if (m := RECORDED.match(line)))

        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            status, = con.execute("SELECT status FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
            assert status == "running", status
            cells = con.execute("SELECT sweep_cell, id, status FROM runs WHERE sweep_id = ? ORDER BY sweep_cell",
                                (sweep_id,)).fetchall()
            checkpoints = dict(con.execute("SELECT run_id, max(step) FROM checkpoints GROUP BY run_id").fetchall())
        assert [c[0] for c in cells] == [0, 1, 2, 3], cells
        assert [c[2] for c in cells] == ["completed", "running", "queued", "queued"], cells
        run_ids = [c[1] for c in cells]
        killed_run = run_ids[1]
        last_checkpoint = checkpoints[killed_run]
        assert last_checkpoint >= 2, checkpoints

        resumed = cli("sweep", "resume", sweep_id, "--db", db)
        err = resumed.stderr.splitlines()
        assert f"sweep {sweep_id} was left running by a process that is gone: marked interrupted" in resumed.stderr, \
            resumed.stderr
        started = [(int(m.group(3)), m.group(6)) for line in err if (m := CELL.match(line))]
        assert [s[0] for s in started] == run_ids[1:], (started, run_ids)  # the completed cell is not started again
        assert started[0][1] == str(last_checkpoint), (started, last_checkpoint)  # from its checkpoint
        assert all(s[1] is None for s in started[1:]), started
        summary = json.loads(resumed.stdout.strip().splitlines()[-1])
        assert summary == {"sweep_id": sweep_id, "status": "completed", "cells": 4, "completed": 4,
                           "database": str(db)}, summary

        with sqlite3.connect(db) as con:
            assert con.execute("SELECT status FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()[0] == "completed"
            assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 4  # no cell ran twice into a new row
            for run_id in run_ids:
                status, steps = con.execute("SELECT status, steps_done FROM runs WHERE id = ?", (run_id,)).fetchone()
                assert (status, steps) == ("completed", STEPS), (run_id, status, steps)
                loss_steps = [s for s, in con.execute("SELECT step FROM metrics WHERE run_id = ? AND split = 'train' "
                                                      "AND name = 'loss' ORDER BY step", (run_id,))]
                assert loss_steps == list(range(1, STEPS + 1)), (run_id, loss_steps)
            resumed_adapter = adapter_tensors(con, killed_run)
            config = json.loads(con.execute("SELECT config_json FROM runs WHERE id = ?", (killed_run,)).fetchone()[0])

        # The same cell trained without interruption, outside the database.
        config["output_dir"] = str(tmp / "reference")
        (tmp / "reference.json").write_text(json.dumps(config))
        cli("train", "--config", tmp / "reference.json", "--no-db")
        reference = load_file(str(tmp / "reference" / "adapter_model.safetensors"))
        assert reference.keys() == resumed_adapter.keys()
        diff = max((reference[k] - resumed_adapter[k]).abs().max().item() for k in reference)
        assert diff <= 1e-6, f"the resumed cell differs from an uninterrupted run by {diff}"

        shown = json.loads(cli("sweep", "show", sweep_id, "--db", db, "--json").stdout)
        points = [(c["trainable_params"], c["best_val_loss"], c["pareto"]) for c in shown["cells"]]
        assert len(points) == 4 and all(p[1] is not None for p in points), points
        for params, loss, on_front in points:
            dominated = any(p <= params and l <= loss and (p < params or l < loss) for p, l, _ in points)
            assert on_front == (not dominated), points
        assert [c["rank"] for c in shown["cells"]] == [2, 2, 4, 4], shown
        assert [c["preset"] for c in shown["cells"]] == ["qv", "all-linear", "qv", "all-linear"], shown
        table = cli("sweep", "show", sweep_id, "--db", db).stdout
        assert "PARETO" in table and table.count(" *\n") + table.endswith(" *") >= 1, table
        print(f"sweep {sweep_id}: killed during run {killed_run} (checkpoint step {last_checkpoint}), resumed; "
              f"resumed adapter max |diff| {diff:.3g}; front {[p[2] for p in points]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
