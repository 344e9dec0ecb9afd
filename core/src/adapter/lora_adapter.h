#pragma once
// A LoRA adapter: one branch per target projection of one base model. The adapter owns its tensors; attaching
// it points the model's Linear modules at its branches, detaching removes them, so several adapters can be
// switched on one loaded base whose weights never change.
#include "adapter/lora_branch.h"
#include "adapter/saved_modules.h"
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
    // Pissa = top-r SVD of W in A and B, and the base weight REPLACED by the residual W − s·B·A (see
    // modifiesBase()). Deterministic for a seed. Tensors take the dtype and device of each target's base weight.
    // modules_to_save (with SEQ_CLS: the classifier/score head, as PEFT adds it) start as copies of the base.
    static std::shared_ptr<LoraAdapter> create(model::LanguageModel& network, const LoraConfig& config,
                                               const std::vector<LoraTarget>& targets, uint64_t seed);

    // An adapter whose branches (and modules_to_save copies) are filled from named tensors (PEFT keys without
    // "base_model.model."). Throws lora::Error naming the first missing tensor or the first shape that does not
    // match the base. Tensors not used are ignored here; peft_folder_load reports them.
    static std::shared_ptr<LoraAdapter> fromTensors(model::LanguageModel& network, const LoraConfig& config,
                                                    const std::vector<LoraTarget>& targets,
                                                    const std::map<std::string, torch::Tensor>& tensors,
                                                    const std::string& source);

    const LoraConfig& config() const { return config_; }
    const std::vector<LoraTarget>& targets() const { return targets_; }

    // "<module>.lora_A.weight", "<module>.lora_B.weight" (and "<module>.lora_magnitude_vector"), in target order,
    // then the modules_to_save copies as "<module>.weight" / "<module>.bias" (PEFT's saved names).
    std::vector<std::pair<std::string, torch::Tensor>> namedTensors() const;
    std::vector<torch::Tensor> parameters() const;
    int64_t parameterCount() const;
    const LoraBranch& branch(const std::string& moduleName) const;

    const std::vector<SavedLinear>& savedModules() const { return saved_; }

    // PiSSA: the base weights were replaced by residuals when this adapter was created; the initial A0/B0 are
    // kept so the adapter can be exported as plain LoRA for the original base (pissaInitial()).
    bool modifiesBase() const { return !pissaInitial_.empty(); }
    const std::map<std::string, std::pair<torch::Tensor, torch::Tensor>>& pissaInitial() const { return pissaInitial_; }

    // Branches and modules_to_save copies. attach() detaches whatever was attached first.
    void attach(model::LanguageModel& network) const;
    // The modules_to_save copies only (a merged adapter still needs its trained head).
    void attachSavedModules(model::LanguageModel& network) const;
    // Removes every branch and points every projection back at its own registered weights.
    static void detach(model::LanguageModel& network);
    void setTraining(bool training);
    // Every branch's scaling becomes its trained scaling (the target's) times `multiplier` (inference only).
    void setScale(double multiplier);

private:
    LoraConfig config_;
    std::vector<LoraTarget> targets_;
    std::map<std::string, LoraBranch> branches_;
    std::vector<SavedLinear> saved_;
    std::map<std::string, std::pair<torch::Tensor, torch::Tensor>> pissaInitial_;  // module -> (A0, B0)
};

// The modules_to_save entries this adapter copies: PEFT's effective list (SEQ_CLS adds classifier/score).
std::vector<std::string> savedModuleEntries(model::LanguageModel& network, const LoraConfig& config);

// The projection called `name` in the network; throws lora::Error when there is none.
model::LinearImpl& findLinear(model::LanguageModel& network, const std::string& name);

// True when the projection's weight is also another module's (an LM head tied to the embedding).
bool weightIsShared(model::LanguageModel& network, const model::LinearImpl& linear);

// Frozen base weights have requires_grad = false, so backward computes no weight gradients for them.
void setBaseTrainable(model::LanguageModel& network, bool trainable);

}  // namespace lora::adapter
