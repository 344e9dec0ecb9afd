#include "distributed/nccl_backend.h"

#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

namespace lora {

c10::intrusive_ptr<c10d::Backend> makeNcclBackend(const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                  int worldSize, int cudaDevice, std::chrono::milliseconds timeout)
{
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(cudaDevice));
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, worldSize, options);
}

}  // namespace lora
