// The adapter's PEFT tensors, renamed, permuted and rescaled into what llama.cpp's LoRA loader pairs with its
// base GGUF (llama-adapter.cpp): checks first, so a refused export writes nothing.
#include "lora/gguf_export.h"

#include "adapter/adapter_impl.h"
#include "adapter/peft_folder.h"
#include "export/gguf_lora_layout.h"
#include "export/gguf_lora_scale.h"
#include "export/gguf_writer.h"
#include "lora/error.h"
#include "model/language_model.h"

#include <cmath>
#include <map>

namespace lora {
namespace {

void refuseWhatLlamaCppCannotExpress(const LoraConfig& config, const std::vector<std::string>& savedModules,
                                     const std::filesystem::path& file)
{
    if (config.useDora)
        throwFileError(file, "DoRA cannot be exported for llama.cpp: it rescales every output row by a learned "
                             "magnitude over ‖W + s·BA‖, and llama.cpp's LoRA only adds s·BA·x — export the merged "
                             "model (lora-cli export --format merged) and convert that with convert_hf_to_gguf.py");
    if (config.taskType != "CAUSAL_LM")
        throwFileError(file, "only causal language-model adapters can be exported for llama.cpp (this one is " +
                                 config.taskType + ")");
    if (!savedModules.empty())
        throwFileError(file, "the adapter trains whole modules (modules_to_save: " + savedModules.front() +
                                 "), which a llama.cpp LoRA file cannot carry — export the merged model instead");
}

std::vector<float> floatValues(const torch::Tensor& t)
{
    const auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// LlamaModel.permute on B's rows (B·A's rows are W's rows): reshape(heads, 2, rows/heads/2, r).swapaxes(1, 2).
torch::Tensor permuteRows(const torch::Tensor& b, int64_t heads, const std::filesystem::path& file)
{
    const int64_t rows = b.size(0);
    if (heads <= 0 || rows % (2 * heads) != 0)
        throwFileError(file, "cannot lay out a " + std::to_string(rows) + "-row projection in " +
                                 std::to_string(heads) + " RoPE heads as llama.cpp does");
    return b.reshape({heads, 2, rows / heads / 2, b.size(1)}).transpose(1, 2).reshape({rows, b.size(1)});
}

}  // namespace

GgufExportSummary exportGguf(const Adapter& adapter, const std::filesystem::path& file,
                             const GgufExportOptions& options)
{
    const auto& impl = adapter.impl();
    const auto& modelConfig = impl.network->config();
    const gguf::BaseModelFacts base{modelConfig.modelType, modelConfig.numHeads, modelConfig.numKeyValueHeads,
                                    modelConfig.tieWordEmbeddings};
    GgufExportSummary summary;
    summary.architecture = gguf::ggufArchitecture(base, file);
    refuseWhatLlamaCppCannotExpress(adapter.config(), adapter.modulesToSave(), file);

    const auto peft = adapter::peftTensors(*impl.lora);
    std::map<std::string, torch::Tensor> byName(peft.tensors.begin(), peft.tensors.end());
    summary.alpha = peft.config.alpha;

    std::vector<gguf::Tensor> tensors;
    for (const auto& target : adapter.targets()) {
        const auto where = gguf::ggufTarget(base, target.name, file);
        const auto a = byName.at(target.name + ".lora_A.weight");
        auto b = byName.at(target.name + ".lora_B.weight").to(torch::kFloat32);
        const int64_t rank = a.size(0);
        const double factor = gguf::loraBFactor(target.scaling, summary.alpha, rank);
        // Exact when the scales agree; a relative tolerance spares plain LoRA a needless rounding.
        if (std::abs(factor - 1.0) > 1e-12) {
            b = b * factor;
            ++summary.rescaledPairs;
        }
        if (where.permuteRows)
            b = permuteRows(b, where.permuteRows->heads, file);
        tensors.push_back({where.tensorName + ".lora_a", {a.size(0), a.size(1)}, floatValues(a)});
        tensors.push_back({where.tensorName + ".lora_b", {b.size(0), b.size(1)}, floatValues(b)});
        ++summary.pairs;
    }
    if (tensors.empty())
        throwFileError(file, "the adapter has no LoRA modules to export");

    const std::vector<gguf::KeyValue> metadata = {
        {"general.architecture", summary.architecture},
        {"general.type", std::string("adapter")},
        {"general.name", file.stem().string()},
        {"general.file_type", static_cast<uint32_t>(options.f16 ? 1 : 0)},  // LLAMA_FTYPE_ALL_F32 / MOSTLY_F16
        {"adapter.type", std::string("lora")},
        {"adapter.lora.alpha", static_cast<float>(summary.alpha)},
    };
    gguf::writeGguf(file, metadata, tensors, options.f16 ? gguf::TensorType::F16 : gguf::TensorType::F32);
    return summary;
}

}  // namespace lora
