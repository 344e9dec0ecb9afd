#pragma once
// The one projection module every architecture uses, so that LoRA can attach to a single place: it will add its
// low-rank branch to forward() here. Parameters are registered as "weight" and "bias", matching HF names.
#include <torch/torch.h>

#include <optional>

namespace lora::model {

class LinearImpl : public torch::nn::Module {
public:
    // fanInFanOut: GPT-2's Conv1D, which stores the weight [in, out] and computes x @ W + b;
    // otherwise nn.Linear, weight [out, in], x @ W^T + b. Tensors are left uninitialised: the loader fills them.
    LinearImpl(int64_t inFeatures, int64_t outFeatures, bool bias, bool fanInFanOut, const torch::TensorOptions& options);
    // A projection sharing an existing weight (an LM head tied to the input embedding).
    LinearImpl(const torch::Tensor& sharedWeight, bool fanInFanOut);

    torch::Tensor forward(const torch::Tensor& x);

    int64_t inFeatures() const { return in_; }
    int64_t outFeatures() const { return out_; }
    bool fanInFanOut() const { return fanInFanOut_; }
    bool hasBias() const { return bias.defined(); }

    torch::Tensor weight;
    torch::Tensor bias;  // undefined when the layer has none

private:
    int64_t in_ = 0;
    int64_t out_ = 0;
    bool fanInFanOut_ = false;
};
TORCH_MODULE(Linear);

}  // namespace lora::model
