#include "model/model_registry.h"

#include "lora/error.h"
#include "lora/model.h"
#include "model/bert.h"
#include "model/gpt2.h"
#include "model/llama.h"

#include <functional>
#include <map>

namespace lora {
namespace {

using Factory = std::function<std::shared_ptr<model::LanguageModel>(const model::ModelConfig&, const torch::TensorOptions&)>;

const std::map<std::string, Factory>& factories()
{
    static const std::map<std::string, Factory> table = {
        {"gpt2", [](const auto& c, const auto& o) { return std::make_shared<model::GPT2LMHeadModel>(c, o); }},
        {"llama", [](const auto& c, const auto& o) { return std::make_shared<model::LlamaForCausalLM>("Llama", c, o); }},
        {"mistral",
         [](const auto& c, const auto& o) { return std::make_shared<model::LlamaForCausalLM>("Mistral", c, o); }},
        {"qwen2", [](const auto& c, const auto& o) { return std::make_shared<model::LlamaForCausalLM>("Qwen2", c, o); }},
        {"bert",
         [](const auto& c, const auto& o) { return std::make_shared<model::BertForSequenceClassification>(c, o); }},
    };
    return table;
}

}  // namespace

namespace model {

std::shared_ptr<LanguageModel> createModel(const ModelConfig& config, const torch::TensorOptions& options)
{
    const auto it = factories().find(config.modelType);
    if (it == factories().end())
        throwFileError(config.file, "model_type '" + config.modelType + "' is not supported");
    return it->second(config, options);
}

}  // namespace model
}  // namespace lora
