#pragma once
// The Adapter page's presets: which modules of a model each common recipe adapts.
#include "lora/model.h"

#include <QString>

#include <set>
#include <string>

enum class TargetPreset {
    Custom,      // whatever the user ticked
    QueryValue,  // the LoRA paper's choice (Hu et al. 2021): query and value projections
    Attention,   // every projection of the attention block
    Mlp,         // every projection of the feed-forward block
    AllLinear,   // every Linear/Conv1D except the output head (PEFT's "all-linear")
};

QString presetId(TargetPreset preset);  // stable ids for QSettings: "custom", "q+v", "attention", "mlp", "all-linear"
TargetPreset presetFromId(const QString& id);  // unknown ids: QueryValue, the paper's default

// True for a module kind (lora::moduleKind) that belongs to the attention / feed-forward part of a block.
bool isAttentionKind(const std::string& kind);
bool isMlpKind(const std::string& kind);
// True for the projections the paper adapts: q and v; GPT-2 fuses q, k and v into one c_attn, so it is that.
bool isQueryValueKind(const std::string& kind);

// Full names of the modules the preset adapts. `lastLayers` > 0 keeps only modules in the last that many
// blocks (and, as PEFT's layers_to_transform does, drops modules outside the blocks).
std::set<std::string> presetModules(const lora::ModelDescription& model, TargetPreset preset, int lastLayers = 0);
