#pragma once
// Builds the architecture a config.json describes (by model_type), with uninitialised tensors of the given
// dtype on the given device, ready for the loader.
#include "model/language_model.h"

#include <memory>

namespace lora::model {

std::shared_ptr<LanguageModel> createModel(const ModelConfig& config, const torch::TensorOptions& options);

}  // namespace lora::model
