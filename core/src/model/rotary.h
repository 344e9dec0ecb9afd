#pragma once
// Rotary position embeddings as transformers' Llama computes them (rotate_half convention), with the
// "linear" and "llama3" frequency scalings.
#include "model/config.h"

#include <torch/torch.h>

#include <utility>

namespace lora::model {

class RotaryEmbedding {
public:
    RotaryEmbedding(int64_t headDim, const RopeConfig& rope);

    // cos and sin [T, headDim] for the given positions (int64 [T]), computed in fp32, returned in `dtype`.
    std::pair<torch::Tensor, torch::Tensor> tables(const torch::Tensor& positions, torch::ScalarType dtype) const;

    const torch::Tensor& inverseFrequencies() const { return invFreq_; }

private:
    torch::Tensor invFreq_;  // fp32 [headDim / 2] on the CPU; moved to the positions' device per call
};

// x [B, H, T, D] rotated by cos/sin [T, D].
torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

}  // namespace lora::model
