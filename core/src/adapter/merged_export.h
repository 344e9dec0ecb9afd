#pragma once
// A merged full model written as a Hugging Face folder that transformers loads like the source model.
#include "adapter/lora_adapter.h"

#include <filesystem>

namespace lora::adapter {

// Writes `outDir`/model.safetensors with every tensor the source checkpoint in `sourceDir` has, under the same
// names and dtypes (tied weights therefore once, as transformers saved them; old BERT gamma/beta or bare-base
// names stay as they were): adapted targets hold their merged weight (mergedWeight, float32 math, rounded once
// to the source dtype), modules_to_save hold the adapter's trained copies, every other tensor is the source's
// bytes unchanged. Parameters the source lacked (a freshly initialised head) are added under their HF names.
// Then every other file of the source folder (config.json, tokenizer files, generation_config.json) is copied,
// config.json last. Every file is written atomically. The network is not modified.
// Throws lora::Error when outDir is the source folder or a target's weight is tied to another module.
void exportMergedModel(model::LanguageModel& network, const LoraAdapter& adapter,
                       const std::filesystem::path& sourceDir, const std::filesystem::path& outDir);

}  // namespace lora::adapter
