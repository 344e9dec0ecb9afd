#include "lora/device.h"
#include "lora/memory_estimate.h"

#include <fstream>
#include <sstream>

namespace lora {

int64_t availableMemoryBytes(const std::string& device)
{
    if (device.rfind("cuda", 0) == 0) {
        // Total device memory: what a run on an otherwise idle GPU can use ("cuda" is device 0).
        const std::string id = device == "cuda" ? "cuda:0" : device;
        for (const auto& d : availableDevices())
            if (d.id == id)
                return d.memoryBytes;
        return 0;
    }
    // MemAvailable: what the kernel can hand out without swapping (free memory plus reclaimable caches).
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::istringstream fields(line.substr(13));
        int64_t kib = 0;
        fields >> kib;
        return kib * 1024;
    }
    return 0;
}

}  // namespace lora
