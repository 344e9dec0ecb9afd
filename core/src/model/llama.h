#pragma once
// LlamaForCausalLM and the architectures that share its layout (MistralForCausalLM, Qwen2ForCausalLM):
// model.{embed_tokens, layers.N.{self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj, input_layernorm,
// post_attention_layernorm}, norm}, lm_head. RMSNorm, RoPE, grouped-query attention, SwiGLU MLP.
// They differ only in config: Qwen2 has q/k/v biases, Mistral (and Qwen2 optionally) a sliding window.
#include "model/activation.h"
#include "model/attention.h"
#include "model/embedding.h"
#include "model/language_model.h"
#include "model/linear.h"
#include "model/norms.h"
#include "model/rotary.h"

namespace lora::model {

class LlamaAttentionImpl : public torch::nn::Module {
public:
    LlamaAttentionImpl(const std::string& family, const ModelConfig& c, int64_t layerIndex, bool sliding,
                       const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);
    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};

private:
    int64_t heads_, kvHeads_, headDim_, layerIndex_;
    bool sliding_;
};
TORCH_MODULE(LlamaAttention);

class LlamaMLPImpl : public torch::nn::Module {
public:
    LlamaMLPImpl(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};

private:
    Activation act_;
    bool siluGate_;  // hidden_act silu/swish: the gate can take the fused CPU kernel
};
TORCH_MODULE(LlamaMLP);

class LlamaDecoderLayerImpl : public torch::nn::Module {
public:
    LlamaDecoderLayerImpl(const std::string& family, const ModelConfig& c, int64_t layerIndex,
                          const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const AttentionContext& context);
    LlamaAttention self_attn{nullptr};
    LlamaMLP mlp{nullptr};
    RMSNorm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
};
TORCH_MODULE(LlamaDecoderLayer);

class LlamaModelImpl : public torch::nn::Module {
public:
    LlamaModelImpl(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options);
    // Final hidden states [B, T, hidden] for tokens at positions positionOffset...
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask, int64_t positionOffset = 0);
    // The same continuing the sequence in `cache` (positions from cache.length()), which it extends.
    // No attention mask: generation runs one unpadded sequence.
    torch::Tensor forward(const torch::Tensor& inputIds, KvCache& cache);
    Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers;
    RMSNorm norm{nullptr};

private:
    torch::Tensor run(const torch::Tensor& inputIds, const torch::Tensor& attentionMask, int64_t positionOffset,
                      KvCache* cache);
    RotaryEmbedding rotary_;
    std::optional<int64_t> window_;
};
TORCH_MODULE(LlamaModel);

class LlamaForCausalLM : public LanguageModel {
public:
    // family: "Llama", "Mistral", "Qwen2" — the class-name prefix transformers uses.
    LlamaForCausalLM(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) override;
    torch::Tensor forwardCached(const torch::Tensor& inputIds, KvCache& cache, bool lastOnly) override;
    torch::Tensor forwardHidden(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) override;
    LinearImpl* outputHead() override { return lm_head.get(); }
    Task task() const override { return Task::CausalLM; }
    std::string basePrefix() const override { return "model."; }
    bool isKnownBuffer(const std::string& tensor) const override;

    LlamaModel model{nullptr};
    Linear lm_head{nullptr};
};

}  // namespace lora::model
