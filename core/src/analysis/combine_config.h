#pragma once
// The configuration PEFT's add_weighted_adapter gives a combined adapter, and the rank it needs.
#include "lora/analysis.h"
#include "lora/lora_config.h"

#include <vector>

namespace lora::analysis {

// PEFT's adapters_ranks: r, or the largest rank_pattern value when that is larger.
int peftRank(const LoraConfig& config);

// The first input's config with r = lora_alpha = newRank, rank/alpha patterns and use_rslora cleared, and
// target_modules the union of the inputs' (regexes as "(a)|(b)"). lora::Error for mixed list/regex targets.
LoraConfig combinedConfig(const std::vector<WeightedAdapter>& inputs, int newRank);

}  // namespace lora::analysis
