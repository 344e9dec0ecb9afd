#include "train/loss.h"

#include "lora/dataset.h"

namespace lora::train {

torch::Tensor summedLoss(const torch::Tensor& logits, const BatchTensors& batch)
{
    namespace F = torch::nn::functional;
    const auto options = F::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum);
    if (batch.labels.defined()) {
        const int64_t t = logits.size(1);
        const int64_t vocab = logits.size(2);
        const auto shifted = logits.slice(1, 0, t - 1).to(torch::kFloat32).reshape({-1, vocab});
        const auto targets = batch.labels.slice(1, 1, t).reshape({-1});
        return F::cross_entropy(shifted, targets, options);
    }
    return F::cross_entropy(logits.to(torch::kFloat32), batch.classIds, options);
}

}  // namespace lora::train
