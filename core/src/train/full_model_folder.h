#pragma once
// A fully fine-tuned model written as a Hugging Face model folder.
#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace lora {
class Model;
namespace model {
class LanguageModel;
}
}  // namespace lora

namespace lora::train {

// named_parameters() with each tensor once under its first name: a tied LM head is the input embedding,
// which transformers saves once, under the embedding's name.
std::vector<std::pair<std::string, torch::Tensor>> uniqueNamedParameters(model::LanguageModel& network);

// model.safetensors (the model's dtype, names as transformers uses them) plus the base folder's other files
// (config.json, tokenizer files, generation_config.json), so Model::load and from_pretrained read it.
void saveFullModelFolder(const Model& model, const std::filesystem::path& dir);

}  // namespace lora::train
