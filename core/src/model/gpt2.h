#pragma once
// GPT2LMHeadModel: transformer.{wte, wpe, h.N.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f},
// lm_head (tied to wte unless tie_word_embeddings is false). Projections are Conv1D (weight [in, out]).
#include "model/activation.h"
#include "model/attention.h"
#include "model/embedding.h"
#include "model/language_model.h"
#include "model/linear.h"
#include "model/norms.h"

namespace lora::model {

class GPT2AttentionImpl : public torch::nn::Module {
public:
    GPT2AttentionImpl(const ModelConfig& c, int64_t layerIndex, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);
    Linear c_attn{nullptr}, c_proj{nullptr};

private:
    int64_t heads_, headDim_, layerIndex_;
    double scale_;
};
TORCH_MODULE(GPT2Attention);

class GPT2MLPImpl : public torch::nn::Module {
public:
    GPT2MLPImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    Linear c_fc{nullptr}, c_proj{nullptr};

private:
    Activation act_;
};
TORCH_MODULE(GPT2MLP);

class GPT2BlockImpl : public torch::nn::Module {
public:
    GPT2BlockImpl(const ModelConfig& c, int64_t layerIndex, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);
    LayerNorm ln_1{nullptr}, ln_2{nullptr};
    GPT2Attention attn{nullptr};
    GPT2MLP mlp{nullptr};
};
TORCH_MODULE(GPT2Block);

class GPT2ModelImpl : public torch::nn::Module {
public:
    GPT2ModelImpl(const ModelConfig& c, const torch::TensorOptions& options);
    // Final hidden states [B, T, hidden] for tokens at positions positionOffset...
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask, int64_t positionOffset = 0);
    // The same continuing the sequence in `cache` (positions from cache.length()), which it extends.
    // No attention mask: generation runs one unpadded sequence.
    torch::Tensor forward(const torch::Tensor& inputIds, KvCache& cache);
    Embedding wte{nullptr}, wpe{nullptr};
    torch::nn::ModuleList h;
    LayerNorm ln_f{nullptr};

private:
    torch::Tensor run(const torch::Tensor& inputIds, const torch::Tensor& attentionMask, int64_t positionOffset,
                      KvCache* cache);
};
TORCH_MODULE(GPT2Model);

class GPT2LMHeadModel : public LanguageModel {
public:
    GPT2LMHeadModel(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) override;
    torch::Tensor forwardCached(const torch::Tensor& inputIds, KvCache& cache, bool lastOnly) override;
    torch::Tensor forwardHidden(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) override;
    LinearImpl* outputHead() override { return lm_head.get(); }
    Task task() const override { return Task::CausalLM; }
    std::string basePrefix() const override { return "transformer."; }
    bool isKnownBuffer(const std::string& tensor) const override;

    GPT2Model transformer{nullptr};
    Linear lm_head{nullptr};
};

}  // namespace lora::model
