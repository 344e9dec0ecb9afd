#pragma once
// Fills a freshly built LanguageModel from a safetensors checkpoint: every parameter must be there with exactly
// the shape config.json implies, in F32/F16/BF16/F64, converted to the model's dtype and device.
#include "model/language_model.h"

#include <filesystem>
#include <string>
#include <vector>

namespace lora {
class SafetensorsCheckpoint;
}

namespace lora::model {

// Throws lora::Error "<file>: missing tensor 'x'" or "<file>: tensor 'x' has shape [a, b] but config.json implies
// [c, d]". Returns warnings for the description: parameters initialised because the checkpoint lacked them
// (only those model.mayInitialize() allows) and checkpoint tensors the model does not use.
std::vector<std::string> loadWeights(LanguageModel& model, const SafetensorsCheckpoint& checkpoint,
                                     const std::filesystem::path& modelDir);

}  // namespace lora::model
