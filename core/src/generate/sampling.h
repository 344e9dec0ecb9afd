#pragma once
// Choosing the next token from a logits vector, as transformers' logits processors and warpers do
// (RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper), with a
// seeded CPU generator so a seed gives the same tokens on any device.
#include "lora/generation.h"

#include <torch/torch.h>

#include <vector>

namespace lora::generation {

// Throws lora::Error naming the first invalid option (temperature <= 0 when sampling, top-p outside (0, 1], ...).
void validateOptions(const GenerationOptions& options);

// Each takes logits [..., vocab] and returns filtered logits of the same shape; removed tokens become -inf.
torch::Tensor applyRepetitionPenalty(const torch::Tensor& logits, const std::vector<int64_t>& seenIds, double penalty);
torch::Tensor topKFilter(const torch::Tensor& logits, int64_t k);
// Keeps the smallest set of most likely tokens whose probability reaches p (always at least one token).
torch::Tensor topPFilter(const torch::Tensor& logits, double p);

class Sampler {
public:
    Sampler(const GenerationOptions& options, uint64_t seed);

    // logits [vocab] (any dtype/device); history: the prompt and the tokens generated so far.
    int64_t next(const torch::Tensor& logits, const std::vector<int64_t>& history);

private:
    bool greedy_;
    double temperature_, topP_, repetitionPenalty_;
    int64_t topK_;
    at::Generator generator_;
};

}  // namespace lora::generation
