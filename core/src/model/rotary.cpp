#include "model/rotary.h"

#include "model/cpu_fused_ops.h"

#include <cmath>

namespace lora::model {
namespace {

// transformers' _compute_llama3_parameters, step for step, so the fp32 rounding matches.
torch::Tensor llama3Scaling(const torch::Tensor& invFreq, const RopeConfig& rope)
{
    const double oldContext = static_cast<double>(rope.originalMaxPositionEmbeddings);
    const double lowFreqWavelen = oldContext / rope.lowFreqFactor;
    const double highFreqWavelen = oldContext / rope.highFreqFactor;
    const auto wavelen = 2 * M_PI / invFreq;
    auto scaled = torch::where(wavelen > lowFreqWavelen, invFreq / rope.factor, invFreq);
    const auto smooth = (oldContext / wavelen - rope.lowFreqFactor) / (rope.highFreqFactor - rope.lowFreqFactor);
    const auto smoothed = (1 - smooth) * scaled / rope.factor + smooth * scaled;
    const auto medium = (wavelen < highFreqWavelen).logical_not() & (wavelen > lowFreqWavelen).logical_not();
    return torch::where(medium, smoothed, scaled);
}

}  // namespace

RotaryEmbedding::RotaryEmbedding(int64_t headDim, const RopeConfig& rope)
{
    const auto exponents = torch::arange(0, headDim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(headDim);
    invFreq_ = 1.0 / torch::pow(rope.theta, exponents);
    if (rope.type == "linear")
        invFreq_ = invFreq_ / rope.factor;
    else if (rope.type == "llama3")
        invFreq_ = llama3Scaling(invFreq_, rope);
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::tables(const torch::Tensor& positions,
                                                                 torch::ScalarType dtype) const
{
    const auto inv = invFreq_.to(positions.device());
    const auto freqs = positions.to(torch::kFloat32).unsqueeze(1) * inv.unsqueeze(0);
    const auto emb = torch::cat({freqs, freqs}, -1);
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    if (fused::takesFusedCpu(x) && fused::takesFusedCpu(cos) && fused::takesFusedCpu(sin) && x.dim() == 4 &&
        x.size(3) % 2 == 0 && cos.sizes() == sin.sizes() && cos.dim() == 2 && cos.size(0) == x.size(2) &&
        cos.size(1) == x.size(3))
        return fused::applyRotary(x, cos, sin);
    const int64_t half = x.size(-1) / 2;
    const auto x1 = x.narrow(-1, 0, half);
    const auto x2 = x.narrow(-1, half, half);
    const auto rotated = torch::cat({-x2, x1}, -1);
    return x * cos + rotated * sin;
}

}  // namespace lora::model
