#pragma once
// One LoRA branch on one projection, exactly as PEFT computes it (peft/tuners/lora/layer.py):
//   y = base(x) + scaling · B(A(dropout(x)))            A [r, in], B [out, r]
// and with DoRA a learned magnitude m [out] per output row:
//   y = base(x) + (m/‖W + s·BA‖ − 1)·(x Wᵀ) + (m/‖W + s·BA‖)·s·B(A(dropout(x))),  the norm detached.
// A and B keep nn.Linear's layout for every projection, GPT-2's Conv1D included (PEFT: fan_in_fan_out only
// changes how the update is merged into the weight).
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace lora::model {
class LinearImpl;
}

namespace lora::adapter {

class LoraBranchImpl : public torch::nn::Module {
public:
    LoraBranchImpl(int64_t inFeatures, int64_t outFeatures, int rank, double scaling, double dropout, bool dora,
                   const torch::TensorOptions& options);

    // The whole layer's output: the base projection plus this branch.
    torch::Tensor forward(const torch::Tensor& x, model::LinearImpl& base);

    // ΔW = scaling · B·A in the base weight's layout ([out, in], or [in, out] for Conv1D).
    torch::Tensor deltaWeight(const model::LinearImpl& base) const;
    // DoRA: ‖W + s·BA‖ per output row, W in [out, in] layout.
    torch::Tensor weightNorm(const model::LinearImpl& base) const;

    // The branch's tensors under PEFT's names: "lora_A.weight", "lora_B.weight" (and "lora_magnitude_vector").
    // LibTorch forbids dots in registered names, so these are not the registered ones.
    std::vector<std::pair<std::string, torch::Tensor>> peftTensors() const;

    int rank() const { return rank_; }
    double scaling() const { return scaling_; }
    void setScaling(double s) { scaling_ = s; }
    bool dora() const { return magnitude.defined(); }

    torch::Tensor A;          // PEFT "lora_A.weight" [r, in]
    torch::Tensor B;          // PEFT "lora_B.weight" [out, r]
    torch::Tensor magnitude;  // "lora_magnitude_vector" [out], DoRA only

private:
    // fp32 CPU, frozen base, no DoRA: adapter/lora_fused_linear.h's one autograd function.
    bool takesFusedLinear(const torch::Tensor& x, const model::LinearImpl& base) const;

    int rank_;
    double scaling_;
    torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(LoraBranch);

// The base weight in nn.Linear's [out, in] layout (a view; Conv1D stores [in, out]).
torch::Tensor linearLayoutWeight(const model::LinearImpl& base);

}  // namespace lora::adapter
