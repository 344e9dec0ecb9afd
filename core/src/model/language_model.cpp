#include "model/language_model.h"

#include "lora/error.h"

namespace lora::model {

const char* taskName(Task task)
{
    switch (task) {
    case Task::CausalLM:
        return "causal-lm";
    case Task::SequenceClassification:
        return "sequence-classification";
    }
    return "unknown";
}

torch::Tensor LanguageModel::forwardCached(const torch::Tensor& /*inputIds*/, KvCache& /*cache*/, bool /*lastOnly*/)
{
    throw Error(architecture() + " cannot generate text: it is not a causal language model with a KV cache");
}

torch::Tensor LanguageModel::forwardHidden(const torch::Tensor& /*inputIds*/, const torch::Tensor& /*attentionMask*/)
{
    throw Error(architecture() + " has no LM head: it is not a causal language model");
}

void LanguageModel::checkCachedInputs(const torch::Tensor& inputIds, int64_t cachedTokens) const
{
    if (inputIds.dim() != 2 || inputIds.numel() == 0)
        throw Error("input ids must be a non-empty [batch, tokens] tensor, got " + std::to_string(inputIds.dim()) +
                    " dimensions");
    const int64_t total = cachedTokens + inputIds.size(1);
    if (maxPositions() > 0 && total > maxPositions())
        throw Error(std::to_string(total) + " tokens exceed the " + std::to_string(maxPositions()) +
                    " positions this model can embed (" + config_.file.string() + ")");
    // One reduction, so a generation step costs a single device sync for this check.
    if (((inputIds < 0) | (inputIds >= config_.vocabSize)).any().item<bool>())
        throw Error("a token id is outside the vocabulary of " + std::to_string(config_.vocabSize) + " tokens (" +
                    config_.file.string() + ")");
}

void LanguageModel::checkInputs(const torch::Tensor& inputIds, const torch::Tensor& attentionMask) const
{
    if (inputIds.dim() != 2 || inputIds.numel() == 0)
        throw Error("input ids must be a non-empty [batch, tokens] tensor, got " + std::to_string(inputIds.dim()) +
                    " dimensions");
    if (attentionMask.defined() && attentionMask.sizes() != inputIds.sizes())
        throw Error("attention mask must have the shape of the input ids");
    const int64_t tokens = inputIds.size(1);
    if (maxPositions() > 0 && tokens > maxPositions())
        throw Error(std::to_string(tokens) + " tokens exceed the " + std::to_string(maxPositions()) +
                    " positions this model can embed (" + config_.file.string() + ")");
    const auto lo = inputIds.min().item<int64_t>();
    const auto hi = inputIds.max().item<int64_t>();
    if (lo < 0 || hi >= config_.vocabSize)
        throw Error("token id " + std::to_string(lo < 0 ? lo : hi) + " is outside the vocabulary of " +
                    std::to_string(config_.vocabSize) + " tokens (" + config_.file.string() + ")");
}

}  // namespace lora::model
