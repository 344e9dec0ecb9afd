#include "model/model_loader.h"

#include "common/name_list.h"
#include "lora/error.h"
#include "lora/safetensors.h"

#include <ATen/CPUGeneratorImpl.h>

#include <bit>
#include <cstring>
#include <map>
#include <set>

namespace lora::model {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; so is every supported host");

std::string shapeText(c10::IntArrayRef shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::optional<torch::ScalarType> torchType(DType d)
{
    switch (d) {
    case DType::F32:
        return torch::kFloat32;
    case DType::F16:
        return torch::kFloat16;
    case DType::BF16:
        return torch::kBFloat16;
    case DType::F64:
        return torch::kFloat64;
    default:
        return std::nullopt;
    }
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

bool endsWith(const std::string& s, const std::string& suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Checkpoint names that may hold a parameter, best first: the HF name; without the base-model prefix
// (checkpoints of the bare base model); and the gamma/beta LayerNorm names of early BERT conversions.
std::vector<std::string> candidateNames(const std::string& name, const std::string& basePrefix)
{
    std::vector<std::string> names{name};
    if (!basePrefix.empty() && startsWith(name, basePrefix))
        names.push_back(name.substr(basePrefix.size()));
    const size_t n = names.size();
    for (size_t i = 0; i < n; ++i) {
        const auto& c = names[i];
        if (endsWith(c, "LayerNorm.weight"))
            names.push_back(c.substr(0, c.size() - 6) + "gamma");
        else if (endsWith(c, "LayerNorm.bias"))
            names.push_back(c.substr(0, c.size() - 4) + "beta");
    }
    return names;
}

// Copies straight from the memory map into the parameter: memcpy when the dtype already matches, else one
// converting copy_ from a tensor viewing the mapped bytes. Safetensors does not promise aligned data; an
// unaligned view is staged through an aligned buffer first.
void copyInto(torch::Tensor& param, std::span<const std::byte> bytes, torch::ScalarType source)
{
    const size_t elementSize = c10::elementSize(source);
    if (param.numel() == 0)
        return;
    if (param.scalar_type() == source && param.device().is_cpu() && param.is_contiguous()) {
        std::memcpy(param.data_ptr(), bytes.data(), bytes.size());
        return;
    }
    const auto options = torch::TensorOptions().dtype(source);
    if (reinterpret_cast<uintptr_t>(bytes.data()) % elementSize == 0) {
        param.copy_(torch::from_blob(const_cast<std::byte*>(bytes.data()), param.sizes(), options));
        return;
    }
    auto staged = torch::empty(param.sizes(), options);
    std::memcpy(staged.data_ptr(), bytes.data(), bytes.size());
    param.copy_(staged);
}

// transformers' _init_weights for a Linear: weight ~ N(0, initializer_range), bias 0. Seeded so two loads of
// the same folder agree.
void initializeLikeTransformers(torch::Tensor& param, const std::string& name, double initializerRange)
{
    if (endsWith(name, ".bias")) {
        param.zero_();
        return;
    }
    auto generator = at::detail::createCPUGenerator(0x10a4);
    param.copy_(torch::randn(param.sizes(), generator, torch::TensorOptions().dtype(torch::kFloat32)) * initializerRange);
}

std::filesystem::path checkpointFile(const SafetensorsCheckpoint& checkpoint, const std::filesystem::path& modelDir)
{
    if (checkpoint.files().size() == 1)
        return checkpoint.files().front()->path();
    return modelDir / "model.safetensors.index.json";
}

}  // namespace

std::vector<std::string> loadWeights(LanguageModel& model, const SafetensorsCheckpoint& checkpoint,
                                     const std::filesystem::path& modelDir)
{
    torch::NoGradGuard noGrad;
    const auto configFile = model.config().file.filename().string();
    const auto prefix = model.basePrefix();

    // Tied parameters are one tensor under several names; it is loaded once, from whichever name the
    // checkpoint has (transformers saves only the first).
    std::vector<std::pair<std::vector<std::string>, torch::Tensor>> groups;
    std::map<const void*, size_t> groupOf;
    for (const auto& item : model.named_parameters(/*recurse=*/true)) {
        const void* key = item.value().unsafeGetTensorImpl();
        const auto it = groupOf.find(key);
        if (it != groupOf.end()) {
            groups[it->second].first.push_back(item.key());
            continue;
        }
        groupOf.emplace(key, groups.size());
        groups.push_back({{item.key()}, item.value()});
    }

    std::set<std::string> used;
    std::vector<std::string> initialized;
    for (auto& [names, param] : groups) {
        const SafetensorsCheckpoint::Entry* entry = nullptr;
        std::string found;
        for (const auto& name : names) {
            for (const auto& candidate : candidateNames(name, prefix)) {
                entry = checkpoint.find(candidate);
                if (entry) {
                    found = candidate;
                    break;
                }
            }
            if (entry)
                break;
        }
        if (!entry) {
            bool optional = true;
            for (const auto& name : names)
                optional = optional && model.mayInitialize(name);
            if (!optional)
                throwFileError(checkpointFile(checkpoint, modelDir),
                               "missing tensor '" + names.front() + "' (a " + model.architecture() + " with this " +
                                   configFile + " needs it)");
            initializeLikeTransformers(param, names.front(), model.config().initializerRange);
            initialized.push_back(names.front());
            continue;
        }
        used.insert(found);
        // A tied tensor saved under its other names too is the same weight, not an unused tensor.
        for (const auto& name : names)
            for (const auto& candidate : candidateNames(name, prefix))
                if (checkpoint.find(candidate))
                    used.insert(candidate);
        const auto& info = *entry->info;
        const auto file = entry->file->path();
        if (c10::IntArrayRef(info.shape) != param.sizes())
            throwFileError(file, "tensor '" + found + "' has shape " + shapeText(info.shape) + " but " + configFile +
                                     " implies " + shapeText(param.sizes()));
        const auto source = torchType(info.dtype);
        if (!source)
            throwFileError(file, "tensor '" + found + "' has dtype " + dtypeName(info.dtype) +
                                     "; weights must be F32, F16, BF16 or F64");
        const auto bytes = entry->file->bytes(info);
        if (bytes.size() != static_cast<size_t>(param.numel()) * c10::elementSize(*source))
            throwFileError(file, "tensor '" + found + "' holds " + std::to_string(bytes.size()) +
                                     " bytes, not what its shape and dtype need");
        copyInto(param, bytes, *source);
        entry->file->release(info);
    }

    std::vector<std::string> warnings;
    if (!initialized.empty())
        warnings.push_back("not in the checkpoint, newly initialised (train before use): " + listNames(initialized, 8));
    std::vector<std::string> unused;
    for (const auto& name : checkpoint.names())
        if (!used.count(name) && !model.isKnownBuffer(name))
            unused.push_back(name);
    if (!unused.empty())
        warnings.push_back(std::to_string(unused.size()) + " checkpoint tensors not used by " + model.architecture() +
                           ": " + listNames(unused, 8));
    return warnings;
}

}  // namespace lora::model
