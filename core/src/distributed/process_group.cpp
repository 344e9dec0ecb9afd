// The c10d side of ProcessGroup: a TCPStore served by rank 0 for the rendezvous, and NCCL for a CUDA run where
// this build has it, Gloo otherwise. ProcessGroupGloo.hpp declares its class only under USE_C10D_GLOO (set for this
// file in core/CMakeLists.txt); the wheel's libtorch_cpu has Gloo compiled in.
#include "distributed/process_group_impl.h"

#include "lora/error.h"

#ifdef LORA_WITH_NCCL
#include "distributed/nccl_backend.h"
#endif

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

namespace lora {

namespace {

std::string endpoint(const DistributedEnv& env)
{
    return env.masterAddr + ":" + std::to_string(env.masterPort);
}

std::string rendezvousProblem(const DistributedEnv& env, const std::string& what)
{
    return "data-parallel rendezvous at " + endpoint(env) + " (rank " + std::to_string(env.rank) + " of " +
           std::to_string(env.worldSize) + "): " + what +
           " — check that MASTER_ADDR is rank 0's machine, MASTER_PORT is free there, and every rank was started";
}

}  // namespace

void ProcessGroup::Impl::allReduceSum(torch::Tensor& tensor)
{
    std::vector<at::Tensor> tensors{tensor};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    backend->allreduce(tensors, options)->wait();
}

bool ProcessGroup::Impl::anyRank(bool flag)
{
    auto t = torch::full({1}, flag ? 1.0f : 0.0f, torch::TensorOptions().device(device));
    allReduceSum(t);
    return t.item<float>() > 0;
}

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProcessGroup::~ProcessGroup() = default;

int ProcessGroup::rank() const { return impl_->rank; }
int ProcessGroup::worldSize() const { return impl_->worldSize; }
std::string ProcessGroup::backend() const { return impl_->backend->getBackendName(); }

bool ProcessGroup::hasNccl()
{
#ifdef LORA_WITH_NCCL
    return true;
#else
    return false;
#endif
}

std::shared_ptr<ProcessGroup> ProcessGroup::connect(const DistributedEnv& env, const std::string& device,
                                                    std::chrono::seconds timeout)
{
    auto impl = std::make_unique<Impl>();
    impl->rank = env.rank;
    impl->worldSize = env.worldSize;
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(env.masterPort);
        options.isServer = env.rank == 0 && !env.launcherHostsStore;
        options.numWorkers = static_cast<std::size_t>(env.worldSize);
        options.waitWorkers = true;
        options.timeout = timeout;
        impl->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, options);
#ifdef LORA_WITH_NCCL
        if (const torch::Device trainingDevice(device); trainingDevice.is_cuda()) {
            const auto gpu = trainingDevice.has_index() ? trainingDevice.index()
                                                        : static_cast<c10::DeviceIndex>(env.localRank);
            impl->device = torch::Device(torch::kCUDA, gpu);
            // Collectives wait as long as Gloo's (30 minutes): the other ranks wait in one while rank 0 evaluates.
            impl->backend = makeNcclBackend(impl->store, env.rank, env.worldSize, impl->device.index(),
                                            std::chrono::minutes(30));
            return std::shared_ptr<ProcessGroup>(new ProcessGroup(std::move(impl)));
        }
#endif
        auto glooOptions = c10d::ProcessGroupGloo::Options::create();
        // Bind where rank 0 is reachable from: the loopback for a local run, the machine's address otherwise.
        const bool local = env.masterAddr == "127.0.0.1" || env.masterAddr == "localhost";
        glooOptions->devices.push_back(local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                             : c10d::ProcessGroupGloo::createDefaultDevice());
        impl->backend = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank, env.worldSize, glooOptions);
    } catch (const c10::Error& e) {
        throw Error(rendezvousProblem(env, e.what_without_backtrace()));
    } catch (const std::exception& e) {
        throw Error(rendezvousProblem(env, e.what()));
    }
    return std::shared_ptr<ProcessGroup>(new ProcessGroup(std::move(impl)));
}

}  // namespace lora
