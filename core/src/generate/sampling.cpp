#include "generate/sampling.h"

#include "lora/error.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>

namespace lora::generation {
namespace {

constexpr float kRemoved = -std::numeric_limits<float>::infinity();

}  // namespace

void validateOptions(const GenerationOptions& o)
{
    if (o.maxNewTokens < 0)
        throw Error("max new tokens must be 0 or more, got " + std::to_string(o.maxNewTokens));
    if (o.repetitionPenalty <= 0)
        throw Error("repetition penalty must be greater than 0, got " + std::to_string(o.repetitionPenalty));
    if (o.greedy)
        return;  // the sampling settings below are not used
    if (!(o.temperature > 0))
        throw Error("temperature must be greater than 0 when sampling (use greedy decoding for 0), got " +
                    std::to_string(o.temperature));
    if (o.topK < 0)
        throw Error("top-k must be 0 (off) or more, got " + std::to_string(o.topK));
    if (!(o.topP > 0 && o.topP <= 1))
        throw Error("top-p must be in (0, 1], got " + std::to_string(o.topP));
}

torch::Tensor applyRepetitionPenalty(const torch::Tensor& logits, const std::vector<int64_t>& seenIds, double penalty)
{
    if (penalty == 1.0 || seenIds.empty())
        return logits;
    auto shape = logits.sizes().vec();
    shape.back() = static_cast<int64_t>(seenIds.size());
    const auto ids =
        torch::tensor(seenIds, torch::TensorOptions().dtype(torch::kInt64).device(logits.device())).expand(shape);
    // CTRL: a seen token's logit moves towards "less likely" whatever its sign.
    const auto seen = logits.gather(-1, ids);
    const auto penalised = torch::where(seen < 0, seen * penalty, seen / penalty);
    return logits.scatter(-1, ids, penalised);
}

torch::Tensor topKFilter(const torch::Tensor& logits, int64_t k)
{
    const int64_t vocab = logits.size(-1);
    if (k <= 0 || k >= vocab)
        return logits;
    // Everything below the k-th largest value goes; tokens tied with it stay, as in TopKLogitsWarper.
    const auto kth = std::get<0>(logits.topk(k, -1)).narrow(-1, k - 1, 1);
    return logits.masked_fill(logits < kth, kRemoved);
}

torch::Tensor topPFilter(const torch::Tensor& logits, double p)
{
    if (p >= 1.0)
        return logits;
    // TopPLogitsWarper: sort ascending and drop the low tail whose total probability is at most 1 - p, so what
    // remains is the smallest top set reaching p. The most likely token always stays.
    const auto [sorted, order] = logits.sort(-1, /*descending=*/false);
    const auto cumulative = sorted.softmax(-1).cumsum(-1);
    auto removeSorted = cumulative <= (1.0 - p);
    removeSorted.narrow(-1, logits.size(-1) - 1, 1).fill_(false);
    const auto remove = removeSorted.scatter(-1, order, removeSorted);
    return logits.masked_fill(remove, kRemoved);
}

Sampler::Sampler(const GenerationOptions& o, uint64_t seed)
    : greedy_(o.greedy), temperature_(o.temperature), topP_(o.topP), repetitionPenalty_(o.repetitionPenalty),
      topK_(o.topK), generator_(at::make_generator<at::CPUGeneratorImpl>(seed))
{
}

int64_t Sampler::next(const torch::Tensor& logits, const std::vector<int64_t>& history)
{
    // fp32 on the CPU: bf16 logits would make near-ties arbitrary, and the CPU generator makes a seed's tokens
    // independent of the device the model runs on.
    auto scores = logits.to(torch::kCPU, torch::kFloat32).reshape({-1});
    scores = applyRepetitionPenalty(scores, history, repetitionPenalty_);
    if (greedy_)
        return scores.argmax().item<int64_t>();
    if (temperature_ != 1.0)
        scores = scores / temperature_;
    scores = topKFilter(scores, topK_);
    scores = topPFilter(scores, topP_);
    const auto probs = scores.softmax(-1);
    return torch::multinomial(probs, 1, /*replacement=*/false, generator_).item<int64_t>();
}

}  // namespace lora::generation
