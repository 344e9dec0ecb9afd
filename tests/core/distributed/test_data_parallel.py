"""Data-parallel lora-cli over Gloo on localhost, launched the way torchrun launches it (RANK, WORLD_SIZE,
LOCAL_RANK, MASTER_ADDR, MASTER_PORT):
  - 2 ranks × batch 2 give the same adapter (max abs diff <= 1e-5) and losses as 1 process × batch 4, on a Llama
    (packed text) and a GPT-2 (JSONL of uneven lengths: padding, and a short last batch that leaves rank 0 no row),
    shuffled, dropout 0;
  - rank 1 prints nothing and writes nothing; rank 0 alone records the run in the database;
  - resuming a data-parallel run from a checkpoint ends with the same adapter as the run that was not stopped;
  - bad environment values stop with an error naming the variable, at once."""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from safetensors.torch import load_file

CLI = os.environ["LORA_CLI"]
MODELS = Path(os.environ["LORA_FIXTURES_DIR"]) / "models"
TOLERANCE = 1e-5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(args: list[str], world: int, db: Path) -> list[subprocess.CompletedProcess]:
    """Starts `world` ranks of `lora-cli train ARGS` and waits for them. The port is picked free just before; if
    another process took it in between, rank 0 cannot listen and the launch is retried on a new port."""
    for _ in range(5):
        port = free_port()
        procs = []
        for rank in range(world):
            env = dict(os.environ, RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world),
                       MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), LORA_STUDIO_DB=str(db))
            procs.append(subprocess.Popen([CLI, "train", *args], env=env, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        results = []
        for p in procs:
            if results and results[0].returncode != 0:
                p.kill()  # rank 0 failed: the others would wait for it until their timeout
            out, err = p.communicate(timeout=600)
            results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
        taken = results[0].returncode != 0 and "rendezvous" in results[0].stderr
        if not taken:
            return results
    raise AssertionError("no free port for the rendezvous after 5 tries:\n" + results[0].stderr)


def train_alone(args: list[str], db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")}
    env["LORA_STUDIO_DB"] = str(db)
    out = subprocess.run([CLI, "train", *args], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def max_diff(a: Path, b: Path) -> float:
    x, y = load_file(a / "adapter_model.safetensors"), load_file(b / "adapter_model.safetensors")
    assert x.keys() == y.keys() and x, (sorted(x), sorted(y))
    return max((x[k] - y[k]).abs().max().item() for k in x)


def losses(run: Path) -> list[float]:
    return [json.loads(line)["train_loss"] for line in (run / "metrics.jsonl").read_text().splitlines()]


def runs_in(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


def data_files(tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    text = tmp / "ship.txt"
    text.write_text("".join(f"the ship sailed north on day {i} and the wind was {['calm', 'strong'][i % 2]}\n"
                            for i in range(40)))
    rows = tmp / "rows.jsonl"
    # 13 rows of uneven lengths: batches of 4 are padded, and the last one holds 1 row (rank 1's alone).
    rows.write_text("".join(json.dumps({"instruction": "repeat", "input": "word " * (1 + i % 5), "output": f"ok {i}"})
                            + "\n" for i in range(13)))
    return {"llama_train": (text, ["--block-size", "16"]),
            "gpt2_train": (rows, ["--max-length", "128", "--targets", "c_attn,c_proj"])}


def common(model: str, data: Path, extra: list[str], out: Path) -> list[str]:
    return ["--model", str(MODELS / model), "--data", str(data), *extra, "--rank", "4", "--dropout", "0",
            "--lr", "1e-2", "--epochs", "2", "--seed", "5", "--threads", "1", "--out", str(out)]


def main() -> int:
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for model, (data, extra) in data_files(tmp).items():
            alone, parallel = tmp / f"{model}-alone", tmp / f"{model}-dp"
            db_alone, db_dp = tmp / f"{model}-alone.sqlite", tmp / f"{model}-dp.sqlite"
            summary = train_alone([*common(model, data, extra, alone), "--batch-size", "4"], db_alone)
            assert summary["status"] == "completed", summary
            ranks = launch([*common(model, data, extra, parallel), "--batch-size", "2", "--save-every", "2"], 2, db_dp)
            for rank, r in enumerate(ranks):
                assert r.returncode == 0, f"{model}: rank {rank} exit {r.returncode}\n{r.stderr}"
            assert ranks[1].stdout == "" and ranks[1].stderr == "", f"rank 1 printed:\n{ranks[1].stdout}{ranks[1].stderr}"
            dp_summary = json.loads(ranks[0].stdout.strip().splitlines()[-1])
            assert dp_summary["world_size"] == 2 and dp_summary["status"] == "completed", dp_summary
            assert "data-parallel: rank 0 of 2 (gloo), 2 examples per rank, global batch 4" in ranks[0].stderr

            diff = max_diff(alone, parallel)
            steps_alone, steps_dp = losses(alone), losses(parallel)
            loss_diff = max(abs(a - b) for a, b in zip(steps_alone, steps_dp))
            print(f"{model}: 2 ranks x batch 2 vs 1 x batch 4 over {len(steps_dp)} steps: adapter max abs diff "
                  f"{diff:.3g}, loss max abs diff {loss_diff:.3g}")
            assert len(steps_alone) == len(steps_dp) > 2, (steps_alone, steps_dp)
            assert diff <= TOLERANCE, f"{model}: adapters differ by {diff}"
            assert loss_diff <= TOLERANCE, f"{model}: losses differ by {loss_diff}: {steps_alone} vs {steps_dp}"
            assert runs_in(db_dp) == 1, f"{model}: {runs_in(db_dp)} runs recorded (rank 0 alone records)"

            # Resume both ranks from the first checkpoint into another folder: the same adapter at the end.
            first = sorted((parallel / "checkpoints").iterdir())[0]
            resumed = tmp / f"{model}-resumed"
            ranks = launch(["--resume", str(first), "--out", str(resumed)], 2, db_dp)
            for rank, r in enumerate(ranks):
                assert r.returncode == 0, f"{model} resume: rank {rank} exit {r.returncode}\n{r.stderr}"
            assert ranks[1].stdout == "" and ranks[1].stderr == ""
            assert f"resumed from {first}" in ranks[0].stderr
            diff = max_diff(parallel, resumed)
            print(f"{model}: resumed from {first.name} on 2 ranks: adapter max abs diff {diff:.3g}")
            assert diff <= TOLERANCE, f"{model}: resumed adapter differs by {diff}"

        # Bad values: an error naming the variable, before any model is loaded or file written.
        bad = dict(os.environ, WORLD_SIZE="2", RANK="one", MASTER_ADDR="127.0.0.1", MASTER_PORT="29500")
        text, extra = data_files(tmp)["llama_train"]
        out = subprocess.run([CLI, "train", *common("llama_train", text, extra, tmp / "bad"), "--no-db"], env=bad,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode != 0, out.stderr
        assert "environment variable RANK: 'one' is not a whole number" in out.stderr, out.stderr
        assert not (tmp / "bad").exists(), "a rank that could not start wrote its output folder"
    print("data-parallel: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
