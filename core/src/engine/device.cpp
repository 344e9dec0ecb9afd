#include "lora/device.h"

#include "lora/error.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cstring>
#include <dlfcn.h>

namespace lora {
namespace {

// Any LibTorch must work, CPU-only builds included, so core does not compile against CUDA headers. When
// LibTorch's CUDA library is loaded, the CUDA runtime is too; its device query is looked up at run time.
// cudaDeviceProp starts with char name[256], a 16-byte uuid, char luid[8], unsigned luidDeviceNodeMask,
// then size_t totalGlobalMem: a layout stable from CUDA 10 to 13.
struct CudaProps {
    std::string name;
    int64_t memory = 0;
};

CudaProps cudaProperties(int index)
{
    using Query = int (*)(void*, int);
    auto query = reinterpret_cast<Query>(dlsym(RTLD_DEFAULT, "cudaGetDeviceProperties_v2"));
    if (!query)
        query = reinterpret_cast<Query>(dlsym(RTLD_DEFAULT, "cudaGetDeviceProperties"));
    alignas(8) unsigned char buffer[8192] = {};
    CudaProps props{"CUDA device " + std::to_string(index), 0};
    if (query && query(buffer, index) == 0) {
        props.name.assign(reinterpret_cast<const char*>(buffer), strnlen(reinterpret_cast<const char*>(buffer), 256));
        size_t memory = 0;
        std::memcpy(&memory, buffer + 288, sizeof memory);
        props.memory = static_cast<int64_t>(memory);
    }
    return props;
}

}  // namespace

std::vector<DeviceInfo> availableDevices()
{
    std::vector<DeviceInfo> devices;
    devices.push_back({"cpu", "CPU (" + std::to_string(at::get_num_threads()) + " threads)", 0});
    if (torch::cuda::is_available()) {
        const int n = static_cast<int>(torch::cuda::device_count());
        for (int i = 0; i < n; ++i) {
            const auto props = cudaProperties(i);
            devices.push_back({"cuda:" + std::to_string(i), props.name, props.memory});
        }
    }
    return devices;
}

std::string normalizeDevice(const std::string& device)
{
    if (device.empty() || device == "cpu")
        return "cpu";
    const auto devices = availableDevices();
    std::string wanted = device == "cuda" ? "cuda:0" : device;
    for (const auto& d : devices)
        if (d.id == wanted)
            return wanted;
    std::string list;
    for (const auto& d : devices)
        list += (list.empty() ? "" : ", ") + d.id;
    throw Error("device '" + device + "' is not available; this machine has: " + list);
}

std::string parallelInfo() { return at::get_parallel_info(); }

void setComputeThreads(int threads)
{
    at::init_num_threads();
    if (threads > 0)
        at::set_num_threads(threads);
}

}  // namespace lora
