#include "adapter/peft_folder.h"

#include "engine/tensor_io.h"
#include "lora/atomic_file.h"
#include "lora/error.h"

namespace lora::adapter {

void savePeftFolder(const LoraAdapter& adapter, const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throwFileError(dir, "cannot create the adapter folder: " + ec.message());
    if (adapter.targets().empty())
        throwFileError(dir, "refusing to save an adapter with no LoRA modules");

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [name, tensor] : adapter.namedTensors())
        tensors.emplace_back(kPeftKeyPrefix + name, tensor.detach().to(torch::kFloat32));
    const bool fanInFanOut = adapter.targets().front().fanInFanOut;
    // Tensors first, config last: a folder with a config always has its weights.
    writeTensors(dir / "adapter_model.safetensors", tensors);
    writeFileAtomically(dir / "adapter_config.json", toAdapterConfigJson(adapter.config(), fanInFanOut));
}

}  // namespace lora::adapter
