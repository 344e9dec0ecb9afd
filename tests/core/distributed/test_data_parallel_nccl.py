"""Data-parallel lora-cli on GPUs over NCCL, launched as torchrun launches it: 2 ranks × batch 2 on cuda:0 and
cuda:1 give the same adapter and losses as 1 process × batch 4 on cuda:0 (fp32; NCCL sums in its own order, hence
1e-4), and rank 0 says it used NCCL. Reports itself skipped (exit 77) with fewer than 2 GPUs (NCCL refuses two
ranks on one GPU) or in a build without NCCL (lora-cli devices says which)."""
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from test_data_parallel import CLI, common, data_files, launch, losses, max_diff, train_alone

SKIP = 77
TOLERANCE = 1e-4


def main() -> int:
    if torch.cuda.device_count() < 2:
        print(f"SKIPPED: NCCL data-parallel needs 2 GPUs; PyTorch sees {torch.cuda.device_count()}")
        return SKIP
    devices = subprocess.run([CLI, "devices"], capture_output=True, text=True).stdout
    if "nccl (GPUs)" not in devices:
        print(f"SKIPPED: this lora-cli was built without NCCL:\n{devices}")
        return SKIP
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for model, (data, extra) in data_files(tmp).items():
            alone, parallel = tmp / f"{model}-alone", tmp / f"{model}-dp"
            gpu = ["--device", "cuda"]
            summary = train_alone([*common(model, data, extra, alone), *gpu, "--batch-size", "4"], tmp / "a.sqlite")
            assert summary["status"] == "completed", summary
            ranks = launch([*common(model, data, extra, parallel), *gpu, "--batch-size", "2"], 2, tmp / "dp.sqlite")
            for rank, r in enumerate(ranks):
                assert r.returncode == 0, f"{model}: rank {rank} exit {r.returncode}\n{r.stderr}"
            assert "data-parallel: rank 0 of 2 (nccl)" in ranks[0].stderr, ranks[0].stderr
            diff = max_diff(alone, parallel)
            loss_diff = max(abs(a - b) for a, b in zip(losses(alone), losses(parallel)))
            print(f"{model}: NCCL, 2 GPUs x batch 2 vs 1 GPU x batch 4: adapter max abs diff {diff:.3g}, "
                  f"loss max abs diff {loss_diff:.3g}")
            assert diff <= TOLERANCE and loss_diff <= TOLERANCE, (model, diff, loss_diff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
