#include "adapter/peft_folder.h"

#include "engine/tensor_io.h"
#include "lora/atomic_file.h"
#include "lora/error.h"

#include <cmath>

namespace lora::adapter {
namespace {

// PEFT's subtract_mutated_init: ΔW = s·(B·A − B0·A0) = s·[B | −B0]·[A ; A0], a rank-2r LoRA on the original W.
std::vector<std::pair<std::string, torch::Tensor>> convertedPissaTensors(const LoraAdapter& adapter)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& t : adapter.targets()) {
        const auto& branch = adapter.branch(t.name);
        const auto& [a0, b0] = adapter.pissaInitial().at(t.name);
        out.emplace_back(t.name + ".lora_A.weight", torch::cat({branch->A.detach(), a0}, 0));
        out.emplace_back(t.name + ".lora_B.weight", torch::cat({branch->B.detach(), -b0}, 1));
    }
    for (const auto& copy : adapter.savedModules()) {
        out.emplace_back(copy.name + ".weight", copy.weight);
        if (copy.bias.defined())
            out.emplace_back(copy.name + ".bias", copy.bias);
    }
    return out;
}

LoraConfig convertedPissaConfig(LoraConfig c)
{
    c.init = LoraInit::Default;
    c.r *= 2;
    // The scaling must not change: α/r with r doubled needs α doubled; α/√r needs α×√2.
    const double alphaFactor = c.useRslora ? std::sqrt(2.0) : 2.0;
    c.alpha *= alphaFactor;
    for (auto& [key, rank] : c.rankPattern)
        rank *= 2;
    // PEFT doubles alpha_pattern values even with rsLoRA, which changes those modules' scaling; keep it exact.
    for (auto& [key, alpha] : c.alphaPattern)
        alpha *= alphaFactor;
    return c;
}

}  // namespace

PeftTensors peftTensors(const LoraAdapter& adapter, bool convertPissa)
{
    const bool pissa = adapter.modifiesBase() && convertPissa;
    return {pissa ? convertedPissaConfig(adapter.config()) : adapter.config(),
            pissa ? convertedPissaTensors(adapter) : adapter.namedTensors()};
}

void savePeftFolder(const LoraAdapter& adapter, const std::filesystem::path& dir, bool convertPissa)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throwFileError(dir, "cannot create the adapter folder: " + ec.message());
    if (adapter.targets().empty())
        throwFileError(dir, "refusing to save an adapter with no LoRA modules");

    const auto peft = peftTensors(adapter, convertPissa);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [name, tensor] : peft.tensors)
        tensors.emplace_back(kPeftKeyPrefix + name, tensor.detach().to(torch::kFloat32));
    const bool fanInFanOut = adapter.targets().front().fanInFanOut;
    const LoraConfig& config = peft.config;
    // Tensors first, config last: a folder with a config always has its weights.
    writeTensors(dir / "adapter_model.safetensors", tensors);
    writeFileAtomically(dir / "adapter_config.json", toAdapterConfigJson(config, fanInFanOut));
}

}  // namespace lora::adapter
