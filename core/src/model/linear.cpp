#include "model/linear.h"

#include "adapter/lora_branch.h"

namespace lora::model {

LinearImpl::LinearImpl(int64_t inFeatures, int64_t outFeatures, bool withBias, bool fanInFanOut,
                       const torch::TensorOptions& options)
    : torch::nn::Module(fanInFanOut ? "Conv1D" : "Linear"), in_(inFeatures), out_(outFeatures), fanInFanOut_(fanInFanOut)
{
    weight = register_parameter("weight", fanInFanOut ? torch::empty({inFeatures, outFeatures}, options)
                                                      : torch::empty({outFeatures, inFeatures}, options));
    if (withBias)
        bias = register_parameter("bias", torch::empty({outFeatures}, options));
}

LinearImpl::LinearImpl(const torch::Tensor& sharedWeight, bool fanInFanOut)
    : torch::nn::Module(fanInFanOut ? "Conv1D" : "Linear"), fanInFanOut_(fanInFanOut)
{
    in_ = sharedWeight.size(fanInFanOut ? 0 : 1);
    out_ = sharedWeight.size(fanInFanOut ? 1 : 0);
    weight = register_parameter("weight", sharedWeight);
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x)
{
    return lora_ ? lora_->forward(x, *this) : forwardBase(x);
}

torch::Tensor LinearImpl::forwardBase(const torch::Tensor& x)
{
    if (!fanInFanOut_)
        return torch::linear(x, weight, bias);
    // transformers' Conv1D: addmm over the flattened leading dimensions.
    auto shape = x.sizes().vec();
    shape.back() = out_;
    const auto flat = x.reshape({-1, in_});
    const auto y = bias.defined() ? torch::addmm(bias, flat, weight) : torch::mm(flat, weight);
    return y.view(shape);
}

}  // namespace lora::model
