#include "train/batch_tensors.h"

#include <algorithm>

namespace lora::train {

namespace {

torch::Tensor tensorOf(const std::vector<int64_t>& values, at::IntArrayRef shape, const torch::Device& device)
{
    // from_blob does not copy; clone() owns the data before the vector can go away.
    auto t = torch::from_blob(const_cast<int64_t*>(values.data()), shape, torch::kInt64).clone();
    return t.to(device);
}

}  // namespace

BatchTensors toTensors(const Batch& batch, const torch::Device& device)
{
    BatchTensors t;
    const std::vector<int64_t> shape = {batch.rows, batch.columns};
    t.inputIds = tensorOf(batch.inputIds, shape, device);
    t.attentionMask = tensorOf(batch.attentionMask, shape, device);
    t.realTokens = std::count(batch.attentionMask.begin(), batch.attentionMask.end(), int64_t{1});
    if (batch.task == TaskKind::CausalLM) {
        t.labels = tensorOf(batch.labels, shape, device);
        // The loss compares position i's logits with label i+1: label 0 of each row never counts.
        for (int64_t r = 0; r < batch.rows; ++r)
            for (int64_t c = 1; c < batch.columns; ++c)
                t.lossItems += batch.labels[r * batch.columns + c] != kIgnoreIndex;
    } else {
        t.classIds = tensorOf(batch.classIds, {batch.rows}, device);
        t.lossItems = batch.rows;
    }
    return t;
}

}  // namespace lora::train
