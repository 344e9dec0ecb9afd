#pragma once
// Merging an adapter into its base weights, as PEFT's merge()/unmerge() do (peft/tuners/lora/layer.py, and
// variants.py for DoRA), for inference without the LoRA branch or for a merged model export.
#include "adapter/lora_adapter.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace lora::adapter {

// The merged weight of one target, computed in float32 and returned in the layout and dtype of `weight`
// (default: base.weight; an export passes the checkpoint's own tensor so a bf16-loaded model merges at full
// precision):
//   LoRA: W + s·B·A (transposed for Conv1D);
//   DoRA: (m / ‖W + s·B·A‖) ⊙ (W + s·B·A), one factor per output row, the norm taken before merging.
torch::Tensor mergedWeight(const LoraBranchImpl& branch, const model::LinearImpl& base, torch::Tensor weight = {});

// The exact original weights of the merged targets; give it back to unmergeAdapter.
struct MergeBackup {
    std::vector<std::pair<std::string, torch::Tensor>> originals;
};

// Detaches the adapter's branches, writes each target's merged weight into the network, and points
// modules_to_save at the adapter's copies. Keeps a copy of every original target weight (memory: the targets'
// weights once more) so that unmerging restores the base bitwise instead of subtracting ΔW with rounding error
// (and, for DoRA, dividing by the factor). Targets whose weight is tied to another module are refused: merging
// into them would change the tied module too.
MergeBackup mergeAdapter(const LoraAdapter& adapter, model::LanguageModel& network);

// Restores the original weights and the base's own modules_to_save; the adapter is left detached.
void unmergeAdapter(model::LanguageModel& network, const MergeBackup& backup);

}  // namespace lora::adapter
