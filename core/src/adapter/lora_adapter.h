#pragma once
// A LoRA adapter: one branch per target projection of one base model. The adapter owns its tensors; attaching
// it points the model's Linear modules at its branches, detaching removes them, so several adapters can be
// switched on one loaded base whose weights never change.
#include "adapter/lora_branch.h"
#include "lora/lora_config.h"
#include "lora/lora_targets.h"

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lora::model {
class LanguageModel;
class LinearImpl;
}  // namespace lora::model

namespace lora::adapter {

class LoraAdapter {
public:
    // A fresh adapter with PEFT's initialisation: Default = A ~ kaiming_uniform(a=√5) = U(±1/√in), B = 0;
    // Gaussian = A ~ N(0, 1/r), B = 0; Zero = A = B = 0. DoRA magnitudes start at ‖W‖ per output row (B = 0).
    // Deterministic for a seed. Tensors take the dtype and device of each target's base weight.
    static std::shared_ptr<LoraAdapter> create(model::LanguageModel& network, const LoraConfig& config,
                                               const std::vector<LoraTarget>& targets, uint64_t seed);

    // An adapter whose branches are filled from named tensors (PEFT keys without "base_model.model.").
    // Throws lora::Error naming the first missing tensor or the first shape that does not match the base.
    static std::shared_ptr<LoraAdapter> fromTensors(model::LanguageModel& network, const LoraConfig& config,
                                                    const std::vector<LoraTarget>& targets,
                                                    const std::map<std::string, torch::Tensor>& tensors,
                                                    const std::string& source);

    const LoraConfig& config() const { return config_; }
    const std::vector<LoraTarget>& targets() const { return targets_; }

    // "<module>.lora_A.weight", "<module>.lora_B.weight" (and "<module>.lora_magnitude_vector"), in target order.
    std::vector<std::pair<std::string, torch::Tensor>> namedTensors() const;
    std::vector<torch::Tensor> parameters() const;
    int64_t parameterCount() const;
    const LoraBranch& branch(const std::string& moduleName) const;

    void attach(model::LanguageModel& network) const;
    static void detach(model::LanguageModel& network);
    void setTraining(bool training);

private:
    LoraConfig config_;
    std::vector<LoraTarget> targets_;
    std::map<std::string, LoraBranch> branches_;
};

// The projection called `name` in the network; throws lora::Error when there is none.
model::LinearImpl& findLinear(model::LanguageModel& network, const std::string& name);

// Frozen base weights have requires_grad = false, so backward computes no weight gradients for them.
void setBaseTrainable(model::LanguageModel& network, bool trainable);

}  // namespace lora::adapter
