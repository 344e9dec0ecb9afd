#pragma once
// What lora::Model holds, for core's torch code (LoRA, trainer) that needs the network itself.
#include "lora/model.h"
#include "model/language_model.h"

#include <memory>

namespace lora {

struct Model::Impl {
    std::filesystem::path directory;
    LoadOptions options;  // normalised device, canonical dtype name
    torch::Device device = torch::kCPU;
    torch::ScalarType dtype = torch::kFloat32;
    std::shared_ptr<model::LanguageModel> network;
    ModelDescription description;
    std::shared_ptr<Adapter> adapter;  // attached to network, or null
    double adapterScale = 1.0;         // multiplies the attached adapter's scalings
};

// "float32"/"fp32", "bfloat16"/"bf16", "float16"/"fp16"/"half"; throws lora::Error listing these otherwise.
torch::ScalarType modelDtype(const std::string& name);

}  // namespace lora
