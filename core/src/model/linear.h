#pragma once
// The one projection module every architecture uses, so that LoRA can attach to a single place: it will add its
// low-rank branch to forward() here. Parameters are registered as "weight" and "bias", matching HF names.
#include <torch/torch.h>

#include <memory>
#include <optional>

namespace lora::adapter {
class LoraBranchImpl;
}

namespace lora::model {

class LinearImpl : public torch::nn::Module {
public:
    // fanInFanOut: GPT-2's Conv1D, which stores the weight [in, out] and computes x @ W + b;
    // otherwise nn.Linear, weight [out, in], x @ W^T + b. Tensors are left uninitialised: the loader fills them.
    LinearImpl(int64_t inFeatures, int64_t outFeatures, bool bias, bool fanInFanOut, const torch::TensorOptions& options);
    // A projection sharing an existing weight (an LM head tied to the input embedding).
    LinearImpl(const torch::Tensor& sharedWeight, bool fanInFanOut);

    // The projection plus the attached LoRA branch, if any.
    torch::Tensor forward(const torch::Tensor& x);
    // The frozen projection alone.
    torch::Tensor forwardBase(const torch::Tensor& x);

    // LoRA attaches here; the branch's tensors are owned by its adapter, never registered with this module,
    // so the base model's parameters stay exactly the checkpoint's and adapters swap without touching them.
    void attachLora(std::shared_ptr<adapter::LoraBranchImpl> branch) { lora_ = std::move(branch); }
    void detachLora() { lora_.reset(); }
    const std::shared_ptr<adapter::LoraBranchImpl>& lora() const { return lora_; }

    int64_t inFeatures() const { return in_; }
    int64_t outFeatures() const { return out_; }
    bool fanInFanOut() const { return fanInFanOut_; }
    bool hasBias() const { return bias.defined(); }

    torch::Tensor weight;
    torch::Tensor bias;  // undefined when the layer has none

private:
    std::shared_ptr<adapter::LoraBranchImpl> lora_;
    int64_t in_ = 0;
    int64_t out_ = 0;
    bool fanInFanOut_ = false;
};
TORCH_MODULE(Linear);

}  // namespace lora::model
