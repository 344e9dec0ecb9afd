#pragma once
// The compute devices LibTorch can see, for the device choice in the UI and --device in the CLI.
#include <cstdint>
#include <string>
#include <vector>

namespace lora {

struct DeviceInfo {
    std::string id;       // "cpu", "cuda:0", ...
    std::string name;     // "CPU (2 threads)", "NVIDIA H200"
    int64_t memoryBytes = 0;  // total device memory; 0 for the CPU
};

// The CPU first, then each CUDA device LibTorch sees (none on a machine without a GPU or driver).
std::vector<DeviceInfo> availableDevices();

// Validates "cpu", "cuda" or "cuda:N" against what is available; throws lora::Error saying which devices exist.
std::string normalizeDevice(const std::string& device);

// The BLAS/OpenMP/thread summary LibTorch reports (at::get_parallel_info), for logs and bug reports.
std::string parallelInfo();

// Sets the intra-op thread count for torch work started from the calling thread; 0 keeps the default.
void setComputeThreads(int threads);

}  // namespace lora
