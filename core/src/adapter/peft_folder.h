#pragma once
// PEFT adapter folders: adapter_config.json + adapter_model.safetensors, keys as PEFT writes them
// ("base_model.model.<module>.lora_A.weight", no adapter name), F32 tensors, metadata {"format": "pt"}.
#include "adapter/lora_adapter.h"

#include <filesystem>
#include <memory>

namespace lora::adapter {

inline constexpr const char* kPeftKeyPrefix = "base_model.model.";

// Writes both files atomically into `dir` (created if needed). The config records the base model's folder.
void savePeftFolder(const LoraAdapter& adapter, const std::filesystem::path& dir);

}  // namespace lora::adapter
