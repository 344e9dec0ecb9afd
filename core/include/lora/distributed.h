#pragma once
// Data-parallel training across processes, configured the way torch.distributed is: torchrun (or a Slurm
// script) sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT for every process it starts.
// Rank 0 serves the rendezvous (a c10d TCPStore) and every rank joins one c10d process group; the trainer
// (runTraining with a group) gives each rank a disjoint shard of every global batch and all-reduces the
// LoRA gradients. Torch-free: the group's LibTorch objects live behind the pimpl.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lora {

struct DistributedEnv {
    int rank = 0;       // RANK: this process, 0 .. worldSize-1; rank 0 writes every file of the run
    int worldSize = 1;  // WORLD_SIZE: processes that train together
    int localRank = 0;  // LOCAL_RANK: this process on its machine; picks the GPU for device "cuda"
    std::string masterAddr = "127.0.0.1";  // MASTER_ADDR: the machine of rank 0
    int masterPort = 29500;                // MASTER_PORT: where rank 0 listens (torchrun's default)
    // TORCHELASTIC_USE_AGENT_STORE=True: torchrun's agent already serves the store at MASTER_PORT, so rank 0
    // joins it as a client like every other rank (as torch.distributed does).
    bool launcherHostsStore = false;

    bool isParallel() const { return worldSize > 1; }
};

// The value of an environment variable, or nothing when it is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Without WORLD_SIZE (or with WORLD_SIZE=1) one process trains alone and nothing else is read. Otherwise
// RANK, MASTER_ADDR and MASTER_PORT are required (LOCAL_RANK defaults to RANK), and each must be a whole
// number in range; throws lora::Error naming the variable, its value and what to set.
DistributedEnv parseDistributedEnv(const EnvironmentLookup& lookup);
DistributedEnv distributedEnvFromProcess();  // parseDistributedEnv over getenv

// One rank's membership of the training group. connect() blocks until every rank has joined (or the
// timeout passes); afterwards collectives wait for the others, so every rank must run the same steps.
class ProcessGroup {
public:
    // `device` is where this rank trains ("cpu", "cuda:N"). On a GPU the group is NCCL when this build has
    // it (hasNccl(): a CUDA-enabled LibTorch with nccl.h at build time), else Gloo, with the gradients copied to
    // the host and back. On the CPU it is Gloo. Throws lora::Error when the rendezvous fails (port taken, rank 0
    // not reachable, a rank missing past the timeout), naming MASTER_ADDR:MASTER_PORT.
    static std::shared_ptr<ProcessGroup> connect(const DistributedEnv& env, const std::string& device = "cpu",
                                                 std::chrono::seconds timeout = std::chrono::seconds(300));
    static bool hasNccl();
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup&) = delete;
    ProcessGroup& operator=(const ProcessGroup&) = delete;

    int rank() const;
    int worldSize() const;
    std::string backend() const;  // "gloo" or "nccl"
    bool writesFiles() const { return rank() == 0; }

    struct Impl;  // core/src/distributed/process_group_impl.h
    Impl& impl() const { return *impl_; }

private:
    explicit ProcessGroup(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lora
