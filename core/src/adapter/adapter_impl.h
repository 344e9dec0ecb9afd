#pragma once
// What lora::Adapter holds, for core's torch code (the trainer) that needs the adapter's tensors.
#include "adapter/lora_adapter.h"
#include "lora/adapter.h"

#include <filesystem>
#include <memory>

namespace lora {

struct Adapter::Impl {
    std::shared_ptr<adapter::LoraAdapter> lora;
    // The network it was made for: setAdapter checks it, saveMerged reads it (kept alive with the adapter).
    std::shared_ptr<model::LanguageModel> network;
    std::filesystem::path modelDirectory;  // the base checkpoint, for merged export
    ParameterBudget budget;
    std::filesystem::path source;
};

}  // namespace lora
