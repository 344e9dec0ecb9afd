#pragma once
// The base of every architecture core builds from config.json. Submodules are registered under exactly the
// names transformers uses, so named_parameters() are the checkpoint's tensor names.
#include "model/config.h"
#include "model/linear.h"

#include <torch/torch.h>

#include <string>

namespace lora::model {

class KvCache;

enum class Task { CausalLM, SequenceClassification };

const char* taskName(Task);  // "causal-lm", "sequence-classification"

class LanguageModel : public torch::nn::Module {
public:
    LanguageModel(const std::string& architecture, ModelConfig config)
        : torch::nn::Module(architecture), config_(std::move(config))
    {
    }

    // inputIds int64 [B, T]; attentionMask [B, T] (1 = token, 0 = padding) or undefined for none.
    // Causal LM: logits [B, T, vocab]; sequence classification: [B, numLabels].
    virtual torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) = 0;

    // Generation (causal LMs): logits for inputIds [B, T] continuing the sequence held in `cache`, at positions
    // cache.length()..., which the call appends to the cache. lastOnly: logits of the last position only
    // ([B, 1, vocab]), which is all sampling needs and spares a [T, vocab] projection of a long prompt.
    // Throws lora::Error for architectures without a cache and when the sequence would outgrow maxPositions().
    virtual torch::Tensor forwardCached(const torch::Tensor& inputIds, KvCache& cache, bool lastOnly);

    // Causal LMs: what forward() computes before its LM head, the final hidden states [B, T, hidden], and that
    // head. The trainer uses them to compute the loss a chunk of positions at a time, never holding all
    // [B, T, vocab] logits (train/head_loss.h). Other tasks: forwardHidden throws, outputHead is null.
    virtual torch::Tensor forwardHidden(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {});
    virtual LinearImpl* outputHead() { return nullptr; }

    const ModelConfig& config() const { return config_; }
    virtual Task task() const = 0;
    std::string architecture() const { return name(); }

    // The base model's prefix ("transformer." for GPT2LMHeadModel): checkpoints of the bare base model
    // (old GPT-2, a plain BertModel) store its tensors without it.
    virtual std::string basePrefix() const = 0;

    // Parameters that may be absent from a checkpoint and are then initialised as transformers does
    // (a classification head on a base-model checkpoint).
    virtual bool mayInitialize(const std::string& /*parameter*/) const { return false; }

    // Checkpoint tensors that are known non-parameters (GPT-2's attn.bias causal mask, rotary inv_freq), so
    // their presence is not reported as unused.
    virtual bool isKnownBuffer(const std::string& /*tensor*/) const { return false; }

    // Token positions this architecture can embed; 0 when unlimited (RoPE).
    int64_t maxPositions() const { return config_.maxPositionEmbeddings; }

protected:
    // Throws lora::Error when inputIds/attentionMask have the wrong rank or do not fit the model.
    void checkInputs(const torch::Tensor& inputIds, const torch::Tensor& attentionMask) const;
    // The same for a forward continuing `cachedTokens` already in a KV cache.
    void checkCachedInputs(const torch::Tensor& inputIds, int64_t cachedTokens) const;

private:
    ModelConfig config_;
};

}  // namespace lora::model
