#include "commands.h"

#include "lora/device.h"
#include "lora/distributed.h"

#include <iomanip>
#include <iostream>

namespace lora::cli {

void addDevicesCommand(CLI::App& app, Action& selected)
{
    auto* cmd = app.add_subcommand("devices", "List the compute devices LibTorch sees, the data-parallel backends, and its BLAS/thread setup");
    auto verbose = std::make_shared<bool>(false);
    cmd->add_flag("-v,--verbose", *verbose, "Also print LibTorch's parallel info (BLAS, OpenMP, threads)");
    cmd->callback([&selected, verbose] {
        selected = [verbose] {
            for (const auto& d : availableDevices()) {
                std::cout << std::left << std::setw(8) << d.id << "  " << d.name;
                if (d.memoryBytes > 0)
                    std::cout << "  (" << std::fixed << std::setprecision(1) << d.memoryBytes / double(1ull << 30)
                              << " GiB)";
                std::cout << "\n";
            }
            std::cout << "data-parallel: gloo (CPU)"
                      << (ProcessGroup::hasNccl() ? ", nccl (GPUs)" : "; no NCCL in this build: GPU ranks all-reduce "
                                                                      "through gloo on the host")
                      << "\n";
            if (*verbose)
                std::cout << parallelInfo();
            return 0;
        };
    });
}

}  // namespace lora::cli
