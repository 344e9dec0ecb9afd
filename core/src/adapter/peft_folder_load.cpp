#include "adapter/peft_folder.h"

#include "common/name_list.h"
#include "engine/tensor_io.h"
#include "lora/error.h"

#include <set>

namespace lora::adapter {
namespace {

constexpr const char* kConfigName = "adapter_config.json";
constexpr const char* kWeightsName = "adapter_model.safetensors";

std::filesystem::path requireWeights(const std::filesystem::path& dir)
{
    std::error_code ec;
    const auto file = dir / kWeightsName;
    if (std::filesystem::is_regular_file(file, ec))
        return file;
    if (std::filesystem::exists(dir / "adapter_model.bin", ec))
        throwFileError(dir / "adapter_model.bin",
                       "is a pickle file, which can run arbitrary code when loaded, so LoRA Studio does not read it. "
                       "Convert it to safetensors in Python: PeftModel.from_pretrained(base, dir).save_pretrained(dir, "
                       "safe_serialization=True)");
    throwFileError(file, "missing (a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors)");
}

// PEFT's save strips the adapter name and prefixes "base_model.model."; its load expects exactly that, so a
// key without the prefix is taken as written (older or hand-made files) and nothing else is rewritten.
std::map<std::string, torch::Tensor> stripPrefix(std::map<std::string, torch::Tensor> tensors)
{
    const std::string prefix = kPeftKeyPrefix;
    std::map<std::string, torch::Tensor> out;
    for (auto& [key, value] : tensors)
        out[key.rfind(prefix, 0) == 0 ? key.substr(prefix.size()) : key] = std::move(value);
    return out;
}

}  // namespace

std::shared_ptr<LoraAdapter> loadPeftFolder(model::LanguageModel& network, const ModelDescription& description,
                                            const std::filesystem::path& folder)
{
    std::error_code ec;
    // A training checkpoint (OUT/checkpoints/step-N) keeps its adapter in adapter/: accept the checkpoint itself.
    const bool isCheckpoint = !std::filesystem::exists(folder / kConfigName, ec) &&
                              std::filesystem::is_regular_file(folder / "adapter" / kConfigName, ec);
    const auto dir = isCheckpoint ? folder / "adapter" : folder;
    if (!std::filesystem::is_directory(dir, ec))
        throwFileError(dir, "not found or not a folder; expected a PEFT adapter folder");
    const auto configFile = dir / kConfigName;
    if (!std::filesystem::is_regular_file(configFile, ec))
        throwFileError(configFile, "missing: this is not a PEFT adapter folder");
    const auto weightsFile = requireWeights(dir);

    const LoraConfig config = readAdapterConfig(configFile);
    if (config.init == LoraInit::Pissa)
        throwFileError(configFile,
                       "init_lora_weights is \"pissa\": these weights only fit the residual base model PEFT made "
                       "while initialising, not the original. Convert the adapter to plain LoRA with PEFT "
                       "(save_pretrained(..., path_initial_model_for_weight_conversion=...)), or set "
                       "init_lora_weights to true if the model you load is that residual model");
    std::vector<LoraTarget> targets;
    try {
        targets = selectTargets(description, config);
    } catch (const Error& e) {
        throwFileError(configFile, std::string("does not fit this ") + description.architecture +
                                       " model (is the adapter for another base model?): " + e.what());
    }

    const auto tensors = stripPrefix(readAllTensors(weightsFile));
    auto adapter = LoraAdapter::fromTensors(network, config, targets, tensors, weightsFile.string());

    std::set<std::string> used;
    for (const auto& [name, tensor] : adapter->namedTensors())
        used.insert(name);
    std::vector<std::string> extra;
    for (const auto& [name, tensor] : tensors)
        if (!used.count(name))
            extra.push_back(name);
    if (!extra.empty())
        throwFileError(weightsFile, std::to_string(extra.size()) + " tensor(s) that " + kConfigName +
                                        " does not explain on this model: " + listNames(extra, 6) +
                                        ". The adapter was made for a different base model or configuration");
    adapter->setTraining(false);
    return adapter;
}

}  // namespace lora::adapter
