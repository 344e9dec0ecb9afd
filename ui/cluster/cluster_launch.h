#pragma once
// The files that take a configured run to a cluster: the run file lora-cli reads (run.json), the torchrun
// command for one machine (launch.sh) and a Slurm batch script for several (slurm.sbatch). Plain C++: the
// Export for a Cluster dialog shows and writes them, the tests read them.
#include "lora/training.h"

#include <filesystem>
#include <string>

struct ClusterLaunch {
    int processesPerNode = 2;  // torchrun --nproc-per-node: one per GPU, or a few on a CPU machine
    int nodes = 1;             // machines (Slurm --nodes)

    int worldSize() const { return processesPerNode * nodes; }
};

// `torchrun --nproc-per-node N --no-python lora-cli train --config FILE` for one machine.
std::string torchrunCommand(const ClusterLaunch& launch, const std::filesystem::path& configFile);
std::string launchScript(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                         const std::filesystem::path& configFile);
std::string slurmScript(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                        const std::filesystem::path& configFile);

struct ClusterExportFiles {
    std::filesystem::path config, launchScript, slurmScript;
};
// Writes run.json, launch.sh and slurm.sbatch into `dir` (created if needed), each atomically; throws
// lora::Error naming the file that could not be written.
ClusterExportFiles writeClusterExport(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                                      const std::filesystem::path& dir);
