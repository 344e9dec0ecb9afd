#pragma once
// A LoRA adapter on a loaded lora::Model: made fresh from a configuration, or read from a Hugging Face PEFT
// folder; saved as a PEFT folder, or merged into a full Hugging Face model folder.
// Torch-free public view: the tensors stay inside core.
#include "lora/lora_config.h"
#include "lora/lora_targets.h"
#include "lora/model.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace lora {

class Adapter {
public:
    // A fresh adapter for `model`: targets chosen as PEFT chooses them (selectTargets), weights initialised as
    // PEFT does for config.init, deterministic for `seed`. modules_to_save (and, for SEQ_CLS, the
    // classifier/score head) start as copies of the model's. PiSSA REPLACES the model's target weights by their
    // residuals (the model then holds a different base; its description gains a warning saying so).
    // Throws lora::Error when the configuration does not fit the model.
    static std::shared_ptr<Adapter> create(Model& model, const LoraConfig& config, uint64_t seed);

    // A PEFT adapter folder (adapter_config.json + adapter_model.safetensors) for `model`, or a training
    // checkpoint folder (its adapter/ is read). Throws lora::Error
    // naming the file: missing files, a pickle adapter_model.bin, an adapter for another base model or rank
    // (the first mismatching tensor and both shapes), tensors the config does not explain.
    static std::shared_ptr<Adapter> load(Model& model, const std::filesystem::path& peftDir);

    ~Adapter();

    // A PEFT folder that PeftModel.from_pretrained reads (F32 tensors, "base_model.model." keys).
    // A PiSSA adapter is written converted to plain LoRA of twice the rank, valid on the ORIGINAL base model.
    void save(const std::filesystem::path& dir) const;

    // A full Hugging Face model folder with this adapter merged in: the base checkpoint's tensor names and
    // dtypes, tied weights once, config.json and tokenizer files copied; transformers loads it directly.
    void saveMerged(const std::filesystem::path& outDir) const;

    const LoraConfig& config() const;
    const std::vector<LoraTarget>& targets() const;
    const ParameterBudget& budget() const;
    std::vector<std::string> modulesToSave() const;  // full names of the trained head copies
    int64_t parameterCount() const;                   // what the adapter trains (and saves)
    bool modifiesBase() const;                        // PiSSA: the base weights were replaced by residuals
    const std::filesystem::path& source() const;      // the folder it was loaded from; empty when created

    // core's internals (the trainer) reach the adapter's tensors through this.
    struct Impl;
    Impl& impl() const { return *impl_; }

private:
    explicit Adapter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace lora
