#pragma once
// What a run trains, by name: the branches of a LoRA adapter (the base frozen), or every parameter of the
// base model (full fine-tuning, tied tensors once). Checkpoints and the optimizer see only this list.
#include "adapter/lora_adapter.h"
#include "lora/training.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lora {
class Model;
}

namespace lora::train {

class Trainable {
public:
    // LoRA: freezes the base, creates the adapter with PEFT's initialisation (seeded) and attaches it.
    static std::unique_ptr<Trainable> lora(Model& model, const LoraConfig& config, uint64_t seed);
    // Full fine-tuning: every base parameter requires grad.
    static std::unique_ptr<Trainable> full(Model& model);
    ~Trainable();

    const std::vector<std::pair<std::string, torch::Tensor>>& named() const { return named_; }
    std::vector<torch::Tensor> tensors() const;
    int64_t parameterCount() const;
    TrainingMode mode() const { return adapter_ ? TrainingMode::Lora : TrainingMode::Full; }

    // Train mode (LoRA dropout on) or eval mode, for the network and the adapter together.
    void setTraining(bool training);

    // Overwrites every trainable tensor from `tensors` (same names and shapes); throws lora::Error naming the
    // first missing or mismatched one, with `source` (a checkpoint folder) in the message.
    void load(const std::map<std::string, torch::Tensor>& tensors, const std::string& source);

    // LoRA: a PEFT adapter folder. Full: a Hugging Face model folder (model.safetensors + the base's
    // config.json and tokenizer files) that Model::load and transformers read.
    void save(const std::filesystem::path& dir) const;

private:
    explicit Trainable(Model& model) : model_(model) {}

    Model& model_;
    std::shared_ptr<adapter::LoraAdapter> adapter_;
    std::vector<std::pair<std::string, torch::Tensor>> named_;
};

}  // namespace lora::train
