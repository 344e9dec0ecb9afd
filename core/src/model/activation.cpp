#include "model/activation.h"

#include "lora/error.h"

#include <map>

namespace lora::model {

Activation activationByName(const std::string& name, const std::filesystem::path& configFile)
{
    // gelu_new, gelu_fast and gelu_pytorch_tanh are all the tanh approximation; they differ from it only by
    // rounding in how transformers spells the formula.
    static const std::map<std::string, Activation> table = {
        {"gelu", [](const torch::Tensor& x) { return torch::gelu(x); }},
        {"gelu_new", [](const torch::Tensor& x) { return torch::gelu(x, "tanh"); }},
        {"gelu_fast", [](const torch::Tensor& x) { return torch::gelu(x, "tanh"); }},
        {"gelu_pytorch_tanh", [](const torch::Tensor& x) { return torch::gelu(x, "tanh"); }},
        {"quick_gelu", [](const torch::Tensor& x) { return x * torch::sigmoid(1.702 * x); }},
        {"relu", [](const torch::Tensor& x) { return torch::relu(x); }},
        {"silu", [](const torch::Tensor& x) { return torch::silu(x); }},
        {"swish", [](const torch::Tensor& x) { return torch::silu(x); }},
        {"tanh", [](const torch::Tensor& x) { return torch::tanh(x); }},
    };
    const auto it = table.find(name);
    if (it != table.end())
        return it->second;
    std::string supported;
    for (const auto& [key, fn] : table)
        supported += (supported.empty() ? "" : ", ") + key;
    throwFileError(configFile, "activation '" + name + "' is not supported; supported: " + supported);
}

}  // namespace lora::model
