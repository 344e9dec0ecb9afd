#pragma once
// The activation functions config.json names (hidden_act / activation_function), as transformers' ACT2FN.
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>

namespace lora::model {

using Activation = std::function<torch::Tensor(const torch::Tensor&)>;

// Throws lora::Error "<configFile>: activation '<name>' is not supported; supported: ..." for unknown names.
Activation activationByName(const std::string& name, const std::filesystem::path& configFile);

}  // namespace lora::model
