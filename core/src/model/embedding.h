#pragma once
// nn.Embedding with HF's parameter name ("weight") and no random init: the loader fills it.
#include <torch/torch.h>

namespace lora::model {

class EmbeddingImpl : public torch::nn::Module {
public:
    EmbeddingImpl(int64_t count, int64_t dim, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& ids);
    torch::Tensor weight;  // [count, dim]
};
TORCH_MODULE(Embedding);

}  // namespace lora::model
