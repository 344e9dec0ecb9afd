#pragma once
// PEFT adapter folders: adapter_config.json + adapter_model.safetensors, keys as PEFT writes them
// ("base_model.model.<module>.lora_A.weight", no adapter name), F32 tensors, metadata {"format": "pt"}.
#include "adapter/lora_adapter.h"

#include <filesystem>
#include <memory>

namespace lora::adapter {

inline constexpr const char* kPeftKeyPrefix = "base_model.model.";

// What savePeftFolder writes, before the key prefix: the configuration and the tensors under PEFT's names
// ("<module>.lora_A.weight", ...). convertPissa as below. Other exporters (GGUF) start from this.
struct PeftTensors {
    LoraConfig config;
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
};
PeftTensors peftTensors(const LoraAdapter& adapter, bool convertPissa = true);

// Writes both files atomically into `dir` (created if needed). The config records the base model's folder.
// modules_to_save copies are saved under the module's names ("base_model.model.classifier.weight"), as PEFT does.
// A PiSSA adapter (modifiesBase()) is written converted to plain LoRA for the ORIGINAL base, as PEFT's
// save_pretrained(path_initial_model_for_weight_conversion=...) does: A' = [A; A0], B' = [B, −B0], r and
// alpha doubled (alpha ×√2 with rsLoRA) so the scaling stays, init_lora_weights true. Anyone can then apply
// it to the published base model; the residual base never needs to be shared. convertPissa = false writes the
// raw A/B with init_lora_weights "pissa" (a training checkpoint for the same residual base in memory).
void savePeftFolder(const LoraAdapter& adapter, const std::filesystem::path& dir, bool convertPissa = true);

// Reads a PEFT adapter folder for `network` (described by `description`): adapter_config.json, then targets
// selected on this model exactly as PEFT selects them, then adapter_model.safetensors. Plain LoRA, rsLoRA,
// DoRA, rank_pattern/alpha_pattern and modules_to_save. Throws lora::Error naming the file and the problem:
// a missing file; a pickle adapter_model.bin (refused: unpickling can run code); a config whose targets this
// model lacks; a missing tensor or one whose shape differs from what this base and rank need (both shapes);
// tensors the configuration does not explain (listed: the adapter belongs to another base or configuration);
// a PiSSA config (its weights are only valid on the residual base PEFT made from the original).
// The adapter is returned detached and in eval mode. `folder` may also be a training checkpoint
// (OUT/checkpoints/step-N), whose adapter/ subfolder is then read.
std::shared_ptr<LoraAdapter> loadPeftFolder(model::LanguageModel& network, const ModelDescription& description,
                                            const std::filesystem::path& folder);

}  // namespace lora::adapter
