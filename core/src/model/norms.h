#pragma once
// The two normalisations of the supported architectures, with HF parameter names.
#include <torch/torch.h>

namespace lora::model {

// nn.LayerNorm with elementwise affine weight and bias.
class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(int64_t dim, double eps, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;
    torch::Tensor bias;

private:
    int64_t dim_;
    double eps_;
};
TORCH_MODULE(LayerNorm);

// LlamaRMSNorm: normalised in fp32 whatever the model dtype, cast back before the weight multiplies, as
// transformers does (the order matters for bf16/fp16 parity).
class RMSNormImpl : public torch::nn::Module {
public:
    RMSNormImpl(int64_t dim, double eps, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight;

private:
    double eps_;
};
TORCH_MODULE(RMSNorm);

}  // namespace lora::model
