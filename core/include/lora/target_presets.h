#pragma once
// Common recipes for which modules of a model LoRA adapts (the Adapter page's presets, a sweep's target axis),
// computed from a model's description alone. Torch-free.
#include "lora/lora_config.h"
#include "lora/model.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lora {

enum class TargetPreset {
    QueryValue,  // the LoRA paper's choice (Hu et al. 2021): query and value projections
    Attention,   // every projection of the attention block
    Mlp,         // every projection of the feed-forward block
    AllLinear,   // every Linear/Conv1D except the output head (PEFT's "all-linear")
};

// Stable ids, as a sweep's grid and lora-cli spell them: "qv", "attention", "mlp", "all-linear".
std::string targetPresetId(TargetPreset preset);
// Accepts the ids above and "q+v", "attn", "all"; nullopt for anything else.
std::optional<TargetPreset> parseTargetPreset(const std::string& id);
std::vector<TargetPreset> allTargetPresets();

// True for a module kind (lora::moduleKind) that belongs to the attention / feed-forward part of a block.
bool isAttentionKind(const std::string& kind);
bool isMlpKind(const std::string& kind);
// True for the projections the paper adapts: q and v; GPT-2 fuses q, k and v into one c_attn, so it is that.
bool isQueryValueKind(const std::string& kind);

// Full names of the modules the preset adapts. `lastLayers` > 0 keeps only modules in the last that many
// blocks (and, as PEFT's layers_to_transform does, drops modules outside the blocks).
std::set<std::string> presetModules(const ModelDescription& model, TargetPreset preset, int lastLayers = 0);

// Sets config's target_modules to the preset, spelt so PEFT matches the same modules: "all-linear" as is,
// else the module kinds ("self_attn.q_proj", "attn.c_attn"), which PEFT matches as name suffixes.
// Throws lora::Error when the model has no module of that preset.
void applyTargetPreset(LoraConfig& config, const ModelDescription& model, TargetPreset preset);

}  // namespace lora
