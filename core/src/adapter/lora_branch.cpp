#include "adapter/lora_branch.h"

#include "adapter/lora_fused_linear.h"
#include "model/cpu_fused_ops.h"
#include "model/linear.h"

namespace lora::adapter {

torch::Tensor linearLayoutWeight(const model::LinearImpl& base)
{
    return base.fanInFanOut() ? base.weight.t() : base.weight;
}

LoraBranchImpl::LoraBranchImpl(int64_t inFeatures, int64_t outFeatures, int rank, double scaling, double dropout,
                               bool dora, const torch::TensorOptions& options)
    : torch::nn::Module("LoraBranch"), rank_(rank), scaling_(scaling)
{
    A = register_parameter("lora_A", torch::zeros({rank, inFeatures}, options));
    B = register_parameter("lora_B", torch::zeros({outFeatures, rank}, options));
    if (dora)
        magnitude = register_parameter("lora_magnitude_vector", torch::ones({outFeatures}, options));
    if (dropout > 0.0)
        dropout_ = register_module("lora_dropout", torch::nn::Dropout(dropout));
}

std::vector<std::pair<std::string, torch::Tensor>> LoraBranchImpl::peftTensors() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out{{"lora_A.weight", A}, {"lora_B.weight", B}};
    if (magnitude.defined())
        out.emplace_back("lora_magnitude_vector", magnitude);
    return out;
}

torch::Tensor LoraBranchImpl::deltaWeight(const model::LinearImpl& base) const
{
    const auto delta = torch::mm(B, A) * scaling_;  // [out, in]
    return base.fanInFanOut() ? delta.t() : delta;
}

torch::Tensor LoraBranchImpl::weightNorm(const model::LinearImpl& base) const
{
    const auto w = linearLayoutWeight(base) + torch::mm(B, A) * scaling_;
    return torch::linalg_vector_norm(w, 2, /*dim=*/1, /*keepdim=*/false, std::nullopt);
}

bool LoraBranchImpl::takesFusedLinear(const torch::Tensor& x, const model::LinearImpl& base) const
{
    using model::fused::takesFusedCpu;
    const bool frozenBias = !base.bias.defined() || (takesFusedCpu(base.bias) && !base.bias.requires_grad());
    return !magnitude.defined() && takesFusedCpu(x) && takesFusedCpu(A) &&
           takesFusedCpu(B) && takesFusedCpu(base.weight) && !base.weight.requires_grad() && frozenBias;
}

torch::Tensor LoraBranchImpl::forward(const torch::Tensor& x, model::LinearImpl& base)
{
    const bool dropping = dropout_ && is_training();
    if (takesFusedLinear(x, base))
        return fusedLoraLinear(x, base.weight, base.bias, base.fanInFanOut(), A, B, scaling_,
                               dropping ? dropout_->options.p() : 0.0);
    auto result = base.forwardBase(x);
    const auto dropped = dropping ? dropout_->forward(x) : x;
    // Right to left: x·Aᵀ is [.., r], so B·A is never formed.
    const auto down = torch::matmul(dropped, A.t());
    if (!magnitude.defined()) {
        // result + s·(x·Aᵀ)·Bᵀ as one GEMM (addmm's beta = 1, alpha = s): the [.., out] LoRA output is never a
        // tensor of its own to scale and add, forward or backward (a LoRA step's largest elementwise cost).
        const auto outFeatures = result.size(-1);
        return torch::addmm(result.reshape({-1, outFeatures}), down.reshape({-1, rank_}), B.t(), 1.0, scaling_)
            .view(result.sizes());
    }
    const auto lora = torch::matmul(down, B.t());

    // DoRA (peft/tuners/lora/dora.py): the norm is detached so its gradient does not flow (paper §4.3).
    const auto norm = weightNorm(base).detach();
    const auto scale = (magnitude / norm).view({-1});
    // PEFT reuses the base output when there is no dropout; with dropout it recomputes x·Wᵀ on the dropped input.
    torch::Tensor baseNoBias;
    if (dropped.is_same(x)) {
        baseNoBias = base.hasBias() ? result - base.bias : result;
    } else {
        baseNoBias = torch::matmul(dropped, linearLayoutWeight(base).t());
    }
    return result + (scale - 1) * baseNoBias + scale * lora * scaling_;
}

}  // namespace lora::adapter
