"""Crash safety of the run database: a child `lora-cli train` is killed with SIGKILL at random points, again and
again (at least 20 kills). After each kill:
  - PRAGMA integrity_check is ok;
  - no metric row the child had reported committed is lost: the child prints "metrics committed through step S"
    after each commit returns (--report-commits), and every row of steps 1..S is in the database with the values
    metrics.jsonl has (written before the rows are handed to the database);
  - the run is still "running" in the file, and the next lora-cli to open it marks it interrupted;
  - `lora-cli runs resume ID` finishes it in the same run row, with the same adapter (stored in the database) and the
    same losses as an uninterrupted run (CPU, one thread: bitwise, allowed 1e-6).
Kill times are uniform over the child's life after it recorded its run (model loading, steps, checkpoints, saving).
Each child commits metrics at every step, in small batches, or only with its checkpoints (chosen at random)."""
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch
from safetensors.torch import load as load_safetensors

from cli_support import CLI, MODELS, cli, write_lines

KILLS = 20
STEPS = 16
COMMITTED = re.compile(r"^db: run (\d+) metrics committed through step (\d+) \((\d+) rows\)$")
RECORDED = re.compile(r"^run (\d+) recorded in ")


def train_args(data: Path, out: Path, db: Path, commit_ms: int = 1000) -> list[str]:
    return ["train", "--db", str(db), "--model", str(MODELS / "llama_train"), "--data", str(data), "--rank", "4",
            "--steps", str(STEPS), "--batch-size", "2", "--block-size", "16", "--lr", "1e-2", "--save-every", "3",
            "--threads", "1", "--seed", "7", "--report-commits", "--commit-ms", str(commit_ms), "--out", str(out)]


class Child:
    """lora-cli train with its stderr read line by line as it comes."""

    def __init__(self, args: list[str]):
        self.proc = subprocess.Popen([CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.recorded = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))
            if RECORDED.match(self.lines[-1]):
                self.recorded.set()

    def run_id(self) -> int:
        for line in self.lines:
            if m := RECORDED.match(line):
                return int(m.group(1))
        raise AssertionError("the child never said which run it recorded:\n" + "\n".join(self.lines))

    def committed_step(self) -> int:
        steps = [int(m.group(2)) for line in self.lines if (m := COMMITTED.match(line))]
        return max(steps, default=0)

    def finish(self):
        self.proc.wait(timeout=120)
        self.reader.join(timeout=10)


def stored_adapter(con: sqlite3.Connection, run_id: int) -> dict[str, torch.Tensor]:
    rows = con.execute("SELECT tensors FROM adapters WHERE run_id = ?", (run_id,)).fetchall()
    assert len(rows) == 1, f"run {run_id}: {len(rows)} stored adapters"
    return load_safetensors(bytes(rows[0][0]))


def losses(con: sqlite3.Connection, run_id: int) -> dict[int, float]:
    return dict(con.execute("SELECT step, value FROM metrics WHERE run_id = ? AND split = 'train' AND name = 'loss'",
                            (run_id,)).fetchall())


def main() -> int:
    rng = random.Random(int(os.environ.get("LORA_CRASH_SEED", "20261129")))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = write_lines(tmp / "d.txt", [f"the cat sat on mat {i} and the dog ran far" for i in range(80)])
        db = tmp / "crash.sqlite"

        # The uninterrupted run, and how long a child lives after recording its run.
        ref = Child(train_args(data, tmp / "ref", db))
        assert ref.recorded.wait(120), "\n".join(ref.lines)
        t0 = time.monotonic()
        last_step = None
        while ref.proc.poll() is None:  # when the last step is reported: the kills land before that, mostly
            if last_step is None and any(line.startswith(f"step {STEPS}/{STEPS}") for line in ref.lines):
                last_step = time.monotonic() - t0
            time.sleep(0.005)
        ref.finish()
        life = 1.1 * (last_step or time.monotonic() - t0)
        assert ref.proc.returncode == 0, "\n".join(ref.lines)
        ref_id = ref.run_id()
        with sqlite3.connect(db) as con:
            ref_adapter = stored_adapter(con, ref_id)
            ref_losses = losses(con, ref_id)
        assert sorted(ref_losses) == list(range(1, STEPS + 1)), ref_losses
        print(f"reference run {ref_id}: {STEPS} steps, kills within {life:.2f} s after a child records its run", flush=True)

        kills = attempts = 0
        while kills < KILLS:
            attempts += 1
            assert attempts <= 3 * KILLS, f"only {kills} children could be killed before they finished"
            out = tmp / f"run{attempts}"
            # Metrics committed at every step, in small batches, or only with the checkpoints (every 3 steps).
            child = Child(train_args(data, out, db, commit_ms=rng.choice([0, 5, 1000])))
            assert child.recorded.wait(120), "\n".join(child.lines)
            time.sleep(rng.uniform(0.0, life))
            child.proc.send_signal(signal.SIGKILL)
            child.finish()
            if child.proc.returncode == 0:
                continue  # finished before the kill landed: not a crash
            assert child.proc.returncode == -signal.SIGKILL, (child.proc.returncode, child.lines)
            kills += 1
            run_id = child.run_id()
            committed = child.committed_step()

            with sqlite3.connect(db) as con:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"kill {kills}: corrupt"
                status, = con.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()
                # Killed after recording its end (while exiting): nothing to resume.
                assert status in ("running", "completed"), f"kill {kills}: run {run_id} is {status} in the file"
                rows = con.execute("SELECT step, name, value FROM metrics WHERE run_id = ? AND split = 'train'",
                                   (run_id,)).fetchall()
            by_step: dict[int, dict[str, float]] = {}
            for step, name, value in rows:
                by_step.setdefault(step, {})[name] = value
            jsonl_file = out / "metrics.jsonl"
            jsonl = {}
            if jsonl_file.exists():
                for line in jsonl_file.read_text().splitlines():
                    if line.endswith("}"):
                        p = json.loads(line)
                        jsonl[p["step"]] = p
            for step in range(1, committed + 1):
                got = by_step.get(step, {})
                assert set(got) == {"loss", "learning_rate", "grad_norm", "tokens_per_second"}, \
                    f"kill {kills}: step {step} was reported committed but the database has {got}"
                assert got["loss"] == jsonl[step]["train_loss"], (step, got, jsonl[step])
                assert got["grad_norm"] == jsonl[step]["grad_norm"], (step, got, jsonl[step])
            # Whole steps only: a step is in the database with all its rows or not at all.
            for step, names in by_step.items():
                assert len(names) == 4, f"kill {kills}: step {step} is partly committed: {names}"

            resumed = None
            if status == "running":
                # Resume in the same run row; opening the database marks the dead child's run interrupted first.
                resumed = cli("runs", "resume", run_id, "--db", db)
                assert f"run {run_id} was left running by a process that is gone: marked interrupted" in \
                    resumed.stderr, resumed.stderr
                summary = json.loads(resumed.stdout.strip().splitlines()[-1])
                assert summary["status"] == "completed" and summary["run_id"] == run_id, summary
            with sqlite3.connect(db) as con:
                status, steps_done = con.execute("SELECT status, steps_done FROM runs WHERE id = ?",
                                                 (run_id,)).fetchone()
                assert (status, steps_done) == ("completed", STEPS), (status, steps_done)
                adapter = stored_adapter(con, run_id)
                got_losses = losses(con, run_id)
            assert adapter.keys() == ref_adapter.keys()
            diff = max((adapter[k] - ref_adapter[k]).abs().max().item() for k in adapter)
            assert diff <= 1e-6, f"kill {kills}: resumed adapter differs from the uninterrupted one by {diff}"
            assert sorted(got_losses) == list(range(1, STEPS + 1)), got_losses
            loss_diff = max(abs(got_losses[s] - ref_losses[s]) for s in ref_losses)
            assert loss_diff <= 1e-6, (got_losses, ref_losses)
            resumed_from = re.search(r"resuming run \d+ from .*\(step (\d+)\)", resumed.stderr) if resumed else None
            how = ("had finished" if not resumed else
                   f"resumed from step {resumed_from.group(1) if resumed_from else 0}")
            print(f"kill {kills}: {len(by_step)} steps in the db (reported committed: {committed}); {how}; "
                  f"adapter max |diff| {diff:.3g}", flush=True)
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = dict(con.execute("SELECT status, count(*) FROM runs GROUP BY status").fetchall())
        assert counts == {"completed": KILLS + (attempts - kills) + 1}, counts
        print(f"{kills} kills in {attempts} attempts, {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
