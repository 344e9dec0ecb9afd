#include "train/adamw.h"

#include <cmath>

namespace lora::train {

AdamW::AdamW(std::vector<torch::Tensor> params, AdamWOptions options)
    : params_(std::move(params)), state_(params_.size()), options_(options)
{
}

void AdamW::zeroGrad()
{
    for (auto& p : params_)
        if (p.grad().defined())
            p.mutable_grad().reset();
}

void AdamW::step(double lr)
{
    torch::NoGradGuard noGrad;
    const double beta1 = options_.beta1;
    const double beta2 = options_.beta2;
    for (size_t i = 0; i < params_.size(); ++i) {
        auto& param = params_[i];
        const auto& grad = param.grad();
        if (!grad.defined())
            continue;  // Python skips parameters whose .grad is None
        auto& s = state_[i];
        if (!s.expAvg.defined()) {
            s.expAvg = torch::zeros_like(param, torch::MemoryFormat::Preserve);
            s.expAvgSq = torch::zeros_like(param, torch::MemoryFormat::Preserve);
        }
        s.step += 1;
        // The same operations, in the same order, as _single_tensor_adam (non-capturable, non-amsgrad).
        if (options_.weightDecay != 0)
            param.mul_(1 - lr * options_.weightDecay);
        s.expAvg.lerp_(grad, 1 - beta1);
        s.expAvgSq.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
        const double step = static_cast<double>(s.step);
        const double biasCorrection1 = 1 - std::pow(beta1, step);
        const double biasCorrection2 = 1 - std::pow(beta2, step);
        const double stepSize = lr / biasCorrection1;
        const double biasCorrection2Sqrt = std::pow(biasCorrection2, 0.5);  // Python: bias_correction2**0.5
        const auto denom = (s.expAvgSq.sqrt() / biasCorrection2Sqrt).add_(options_.epsilon);
        param.addcdiv_(s.expAvg, denom, -stepSize);
    }
}

}  // namespace lora::train
