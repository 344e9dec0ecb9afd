#pragma once
// Which modules a LoRA configuration adapts, and what that costs — computed from a model's description
// alone, before any tensor is built, so the UI can update counts live as choices change.
#include "lora/lora_config.h"
#include "lora/model.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lora {

struct LoraTarget {
    std::string name;  // full HF module name
    std::string type;  // "Linear" or "Conv1D"
    int64_t inFeatures = 0;
    int64_t outFeatures = 0;
    int rank = 0;
    double alpha = 0;
    double scaling = 0;
    int layer = -1;  // transformer block index, -1 outside the blocks
    bool fanInFanOut = false;  // GPT-2 Conv1D stores its weight [in, out]

    int64_t loraParameters(bool dora) const { return rank * (inFeatures + outFeatures) + (dora ? outFeatures : 0); }
};

// PEFT's matching: list entries match a full name or a ".entry" suffix, a string is a full-match regex,
// "all-linear" is every Linear/Conv1D except the output head (lm_head; a SEQ_CLS classifier/score),
// then exclude_modules and layers_to_transform/layers_pattern; rank/alpha from rank_pattern/alpha_pattern.
// A match on a module LoRA cannot wrap (an Embedding, a whole block) is an error naming it, as in PEFT.
// Matching nothing is an error that lists the model's adaptable module names.
std::vector<LoraTarget> selectTargets(const ModelDescription& model, const LoraConfig& config);

// Modules LoRA can wrap (Linear, Conv1D), in model order.
std::vector<const ModuleInfo*> adaptableModules(const ModelDescription& model);

// The block index in a name ("model.layers.3.self_attn.q_proj" -> 3), as PEFT finds it; -1 if none.
int layerIndexOf(const std::string& moduleName);
// The name inside its block ("self_attn.q_proj", "attn.c_attn", "attention.self.query"); the full name
// outside the blocks. The columns of the UI's layer × module grid.
std::string moduleKind(const std::string& moduleName);

struct ParameterBudget {
    int64_t trainable = 0;      // LoRA A and B (+ DoRA magnitudes) + modules_to_save copies
    int64_t total = 0;          // as PEFT's print_trainable_parameters counts: base + adapter parameters
    int64_t baseParameters = 0;
    int64_t fullFineTuneParameters = 0;  // what full fine-tuning would train: every base parameter
    int64_t adapterBytes = 0;   // the adapter's tensors saved as float32
    double trainablePercent = 0;
    std::vector<std::pair<std::string, int64_t>> perModule;  // in model order
    std::map<int, int64_t> perLayer;                          // block index -> trainable parameters (-1: outside)

    // "trainable params: 294,912 || all params: 124,734,720 || trainable%: 0.2364", as PEFT prints it.
    std::string peftSummary() const;
};

ParameterBudget computeBudget(const ModelDescription& model, const std::vector<LoraTarget>& targets,
                              const LoraConfig& config);

// modules_to_save that PEFT adds on its own: the classification head for SEQ_CLS ("classifier" or "score").
std::vector<std::string> effectiveModulesToSave(const ModelDescription& model, const LoraConfig& config);

}  // namespace lora
