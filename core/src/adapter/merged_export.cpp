#include "adapter/merged_export.h"

#include "adapter/merge.h"
#include "engine/tensor_io.h"
#include "lora/atomic_file.h"
#include "lora/error.h"
#include "lora/safetensors.h"
#include "model/language_model.h"
#include "model/linear.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace lora::adapter {
namespace {

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The checkpoint names a parameter may have been loaded from, as model_loader accepts them: the HF name,
// the name without the base-model prefix (bare-base checkpoints), and early BERT's LayerNorm gamma/beta.
std::vector<std::string> checkpointNames(const std::string& name, const std::string& basePrefix)
{
    std::vector<std::string> names{name};
    if (!basePrefix.empty() && name.rfind(basePrefix, 0) == 0)
        names.push_back(name.substr(basePrefix.size()));
    const size_t n = names.size();
    for (size_t i = 0; i < n; ++i) {
        if (endsWith(names[i], "LayerNorm.weight"))
            names.push_back(names[i].substr(0, names[i].size() - 6) + "gamma");
        else if (endsWith(names[i], "LayerNorm.bias"))
            names.push_back(names[i].substr(0, names[i].size() - 4) + "beta");
    }
    return names;
}

bool isWeightsFile(const std::filesystem::path& p)
{
    const auto name = p.filename().string();
    return endsWith(name, ".safetensors") || name == "model.safetensors.index.json" || endsWith(name, ".bin") ||
           endsWith(name, ".pt") || endsWith(name, ".pth") || endsWith(name, ".ckpt") || endsWith(name, ".h5") ||
           endsWith(name, ".msgpack");
}

std::string readFile(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be read");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Refuses to mix our model.safetensors with another weights file left in the folder, which transformers could
// prefer (an index) or which would contradict it.
void checkOutputFolder(const std::filesystem::path& outDir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(outDir, ec))
        return;
    for (const auto& entry : std::filesystem::directory_iterator(outDir))
        if (isWeightsFile(entry.path()) && entry.path().filename() != "model.safetensors")
            throwFileError(entry.path(), "already in the output folder; write the merged model to an empty folder");
}

}  // namespace

void exportMergedModel(model::LanguageModel& network, const LoraAdapter& adapter,
                       const std::filesystem::path& sourceDir, const std::filesystem::path& outDir)
{
    std::error_code ec;
    if (std::filesystem::exists(outDir, ec) && std::filesystem::equivalent(outDir, sourceDir, ec))
        throwFileError(outDir, "is the base model's own folder; write the merged model to a new folder");
    checkOutputFolder(outDir);
    const auto checkpoint = SafetensorsCheckpoint::open(sourceDir);
    const auto prefix = network.basePrefix();
    auto findInCheckpoint = [&](const std::string& parameter) -> std::string {
        for (const auto& candidate : checkpointNames(parameter, prefix))
            if (checkpoint.find(candidate))
                return candidate;
        return {};
    };

    // Tensors that differ from the source, by HF parameter name.
    std::map<std::string, torch::Tensor> changed;
    for (const auto& t : adapter.targets()) {
        auto& base = findLinear(network, t.name);
        if (weightIsShared(network, base))
            throw Error("cannot merge into '" + t.name + "': its weight is tied to another module, and the merged "
                        "model stores the tied tensor once");
        // The checkpoint's tensor, not the loaded one: a model loaded in bf16 still merges at the source's
        // precision. PiSSA replaced the loaded base by its residual, so that one is merged instead.
        torch::Tensor stored;
        const auto name = findInCheckpoint(t.name + ".weight");
        if (!name.empty() && !adapter.modifiesBase()) {
            const auto* entry = checkpoint.find(name);
            stored = readTensor(*entry->file, *entry->info);
        }
        changed[t.name + ".weight"] = mergedWeight(*adapter.branch(t.name), base, stored);
    }
    for (const auto& copy : adapter.savedModules()) {
        changed[copy.name + ".weight"] = copy.weight.detach();
        if (copy.bias.defined())
            changed[copy.name + ".bias"] = copy.bias.detach();
    }

    // Which checkpoint tensor holds which parameter; parameters found nowhere are written under their HF name.
    std::map<std::string, torch::Tensor> replaced;  // checkpoint name -> new value
    std::vector<std::pair<std::string, torch::Tensor>> added;
    std::set<const void*> seen;
    for (const auto& item : network.named_parameters(/*recurse=*/true)) {
        if (!seen.insert(item.value().unsafeGetTensorImpl()).second)
            continue;  // a tied name of a parameter already placed
        const auto it = changed.find(item.key());
        const torch::Tensor value = it != changed.end() ? it->second : item.value().detach();
        const std::string found = findInCheckpoint(item.key());
        if (found.empty())
            added.emplace_back(item.key(), value);
        else if (it != changed.end())
            replaced[found] = value;
    }

    // Converted tensors live here while their bytes are written; unchanged ones are views of the source's map.
    std::vector<torch::Tensor> keep;
    std::vector<TensorToWrite> out;
    auto addTensor = [&](const std::string& name, torch::Tensor t, DType dtype) {
        t = t.to(torch::kCPU, torchDtype(dtype)).contiguous();
        keep.push_back(t);
        out.push_back({name, dtype, t.sizes().vec(),
                       std::span(static_cast<const std::byte*>(t.data_ptr()), t.nbytes())});
    };
    for (const auto& name : checkpoint.names()) {
        const auto* entry = checkpoint.find(name);
        const auto it = replaced.find(name);
        if (it != replaced.end())
            addTensor(name, it->second, entry->info->dtype);
        else
            out.push_back({name, entry->info->dtype, entry->info->shape, entry->file->bytes(*entry->info)});
    }
    for (const auto& [name, value] : added)
        addTensor(name, value, safetensorsDtype(value.scalar_type()));

    std::filesystem::create_directories(outDir, ec);
    if (ec)
        throwFileError(outDir, "cannot create the output folder: " + ec.message());
    writeSafetensors(outDir / "model.safetensors", out, {{"format", "pt"}});
    for (const auto& entry : std::filesystem::directory_iterator(sourceDir)) {
        const auto& p = entry.path();
        if (entry.is_regular_file() && !isWeightsFile(p) && p.filename() != "config.json")
            writeFileAtomically(outDir / p.filename(), readFile(p));
    }
    // config.json last: a folder that transformers recognises as a model is complete.
    writeFileAtomically(outDir / "config.json", readFile(sourceDir / "config.json"));
}

}  // namespace lora::adapter
