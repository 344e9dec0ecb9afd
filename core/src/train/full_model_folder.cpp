#include "train/full_model_folder.h"

#include "engine/model_impl.h"
#include "engine/tensor_io.h"
#include "lora/error.h"

#include <set>

namespace lora::train {

std::vector<std::pair<std::string, torch::Tensor>> uniqueNamedParameters(model::LanguageModel& network)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    std::set<const void*> seen;
    for (const auto& item : network.named_parameters(/*recurse=*/true))
        if (seen.insert(item.value().unsafeGetTensorImpl()).second)
            out.emplace_back(item.key(), item.value());
    return out;
}

namespace {

// The base's weights are replaced by model.safetensors: its shards and their index must not come along.
bool isWeightFile(const std::filesystem::path& file)
{
    const auto name = file.filename().string();
    return file.extension() == ".safetensors" || file.extension() == ".bin" || file.extension() == ".pt" ||
           name.find(".safetensors.index.json") != std::string::npos || name.find(".bin.index.json") != std::string::npos;
}

}  // namespace

void saveFullModelFolder(const Model& model, const std::filesystem::path& dir)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throwFileError(dir, "cannot create the model folder: " + ec.message());
    if (std::filesystem::equivalent(dir, model.directory(), ec))
        throwFileError(dir, "is the base model's own folder; choose another output folder");
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [name, tensor] : uniqueNamedParameters(*model.impl().network))
        tensors.emplace_back(name, tensor.detach());
    writeTensors(dir / "model.safetensors", tensors);

    for (const auto& entry : std::filesystem::directory_iterator(model.directory(), ec)) {
        if (!entry.is_regular_file() || isWeightFile(entry.path()))
            continue;
        std::filesystem::copy_file(entry.path(), dir / entry.path().filename(),
                                   std::filesystem::copy_options::overwrite_existing, ec);
        if (ec)
            throwFileError(dir / entry.path().filename(), "cannot copy from the base model: " + ec.message());
    }
}

}  // namespace lora::train
