#pragma once
// The training losses as sums, so a step can divide by the items of all its micro-batches (see training.h).
#include "train/batch_tensors.h"

#include <torch/torch.h>

namespace lora::train {

// Causal LM: summed cross-entropy of logits[:, :-1] (computed in float32, as transformers does) against
// labels[:, 1:], kIgnoreIndex positions left out. Classification: summed cross-entropy of [B, C] logits
// against the class ids. A 0-dim float32 tensor.
torch::Tensor summedLoss(const torch::Tensor& logits, const BatchTensors& batch);

}  // namespace lora::train
