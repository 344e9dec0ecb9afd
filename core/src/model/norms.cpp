#include "model/norms.h"

#include "model/cpu_fused_ops.h"

namespace lora::model {

LayerNormImpl::LayerNormImpl(int64_t dim, double eps, const torch::TensorOptions& options)
    : torch::nn::Module("LayerNorm"), dim_(dim), eps_(eps)
{
    weight = register_parameter("weight", torch::empty({dim}, options));
    bias = register_parameter("bias", torch::empty({dim}, options));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) { return torch::layer_norm(x, {dim_}, weight, bias, eps_); }

RMSNormImpl::RMSNormImpl(int64_t dim, double eps, const torch::TensorOptions& options)
    : torch::nn::Module("RMSNorm"), eps_(eps)
{
    weight = register_parameter("weight", torch::empty({dim}, options));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x)
{
    if (fused::takesFusedCpu(x) && fused::takesFusedCpu(weight) && weight.size(0) == x.size(-1))
        return fused::rmsNorm(x, weight, eps_);
    const auto h = x.to(torch::kFloat32);
    const auto variance = h.pow(2).mean(-1, /*keepdim=*/true);
    return weight * (h * torch::rsqrt(variance + eps_)).to(x.scalar_type());
}

}  // namespace lora::model
