#include "cluster/cluster_launch.h"

#include "lora/atomic_file.h"
#include "lora/error.h"

#include <filesystem>

namespace {

// Single-quoted for sh: a path with spaces or $ stays one word.
std::string quoted(const std::filesystem::path& path)
{
    std::string out = "'";
    for (const char c : path.string())
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

bool onGpus(const lora::TrainingConfig& config) { return config.device.rfind("cuda", 0) == 0; }

std::string batchNote(const lora::TrainingConfig& config, const ClusterLaunch& launch)
{
    const int64_t global = config.batchSize * launch.worldSize();
    std::string note = "# Each of the " + std::to_string(launch.worldSize()) + " ranks trains on " +
                       std::to_string(config.batchSize) + " examples of every global batch of " +
                       std::to_string(global);
    if (config.gradientAccumulation > 1)
        note += "; an optimizer step accumulates " + std::to_string(config.gradientAccumulation) + " of them (" +
                std::to_string(global * config.gradientAccumulation) + " examples)";
    return note + ".\n";
}

std::string pathsNote(const std::filesystem::path& configFile)
{
    return "# The paths in " + configFile.filename().string() +
           " (model, data, output_dir) are this machine's: change them to where the cluster keeps them.\n"
           "# Only rank 0 writes: output_dir gets the adapter, checkpoints/ and metrics.jsonl. Copy that folder back\n"
           "# and use File > Import Run Record in LoRA Studio.\n";
}

}  // namespace

std::string torchrunCommand(const ClusterLaunch& launch, const std::filesystem::path& configFile)
{
    return "torchrun --nproc-per-node " + std::to_string(launch.processesPerNode) +
           " --no-python lora-cli train --config " + quoted(configFile);
}

std::string launchScript(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                         const std::filesystem::path& configFile)
{
    ClusterLaunch oneMachine = launch;
    oneMachine.nodes = 1;
    return "#!/bin/sh\n"
           "# Data-parallel LoRA training on one machine: torchrun starts " +
           std::to_string(launch.processesPerNode) +
           " lora-cli ranks and sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT for each.\n" +
           (onGpus(config) ? "# Device \"cuda\": each rank trains on the GPU numbered by its LOCAL_RANK; gradients are "
                             "all-reduced with NCCL (`lora-cli devices` says whether this build has it).\n"
                           : "# Device \"cpu\": gradients are all-reduced with Gloo.\n") +
           batchNote(config, oneMachine) + pathsNote(configFile) + "set -e\n" + torchrunCommand(launch, configFile) +
           "\n";
}

std::string slurmScript(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                        const std::filesystem::path& configFile)
{
    const std::string perNode = std::to_string(launch.processesPerNode);
    std::string s = "#!/bin/bash\n"
                    "#SBATCH --job-name=lora-studio\n"
                    "#SBATCH --nodes=" + std::to_string(launch.nodes) + "\n"
                    "#SBATCH --ntasks-per-node=1\n";
    s += onGpus(config) ? "#SBATCH --gpus-per-node=" + perNode + "\n" : "#SBATCH --cpus-per-task=" + perNode + "\n";
    s += "#SBATCH --time=04:00:00\n"
         "# One torchrun per machine (srun starts them); each starts " + perNode +
         " lora-cli ranks. Rank 0 runs on the first machine of the allocation.\n" +
         batchNote(config, launch) + pathsNote(configFile) +
         "set -e\n"
         "export MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)\n"
         "export MASTER_PORT=29500\n"
         "srun bash -c 'torchrun --nnodes \"$SLURM_NNODES\" --node-rank \"$SLURM_NODEID\" --nproc-per-node " +
         perNode + " --master-addr \"$MASTER_ADDR\" --master-port \"$MASTER_PORT\" --no-python lora-cli train --config \"$0\"' " +
         quoted(configFile) + "\n";
    return s;
}

ClusterExportFiles writeClusterExport(const lora::TrainingConfig& config, const ClusterLaunch& launch,
                                      const std::filesystem::path& dir)
{
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error)
        lora::throwFileError(dir, "cannot be created (" + error.message() + ") — choose another folder");
    ClusterExportFiles files{dir / "run.json", dir / "launch.sh", dir / "slurm.sbatch"};
    lora::writeFileAtomically(files.config, lora::trainingConfigToJson(config));
    lora::writeFileAtomically(files.launchScript, launchScript(config, launch, files.config));
    lora::writeFileAtomically(files.slurmScript, slurmScript(config, launch, files.config));
    using std::filesystem::perms;
    for (const auto& script : {files.launchScript, files.slurmScript})
        std::filesystem::permissions(script, perms::owner_exec | perms::group_exec | perms::others_exec,
                                     std::filesystem::perm_options::add);
    return files;
}
