#pragma once
// A data Batch (flat int64 vectors) as tensors on the training device.
#include "lora/dataset.h"

#include <torch/torch.h>

namespace lora::train {

struct BatchTensors {
    torch::Tensor inputIds;       // int64 [B, T]
    torch::Tensor attentionMask;  // int64 [B, T]
    torch::Tensor labels;         // causal LM: int64 [B, T]; undefined for classification
    torch::Tensor classIds;       // classification: int64 [B]; undefined for causal LM
    int64_t realTokens = 0;       // attention-mask ones: the tokens reported as trained on
    int64_t lossItems = 0;        // what the loss averages over: shifted labels that count, or rows
};

BatchTensors toTensors(const Batch& batch, const torch::Device& device);

}  // namespace lora::train
