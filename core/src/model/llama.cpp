#include "model/llama.h"

#include "model/cpu_fused_ops.h"
#include "model/kv_cache.h"

#include <algorithm>
#include <cmath>

namespace lora::model {

LlamaAttentionImpl::LlamaAttentionImpl(const std::string& family, const ModelConfig& c, int64_t layerIndex,
                                       bool sliding, const torch::TensorOptions& options)
    : torch::nn::Module(family + "Attention"), heads_(c.numHeads), kvHeads_(c.numKeyValueHeads), headDim_(c.headDim),
      layerIndex_(layerIndex), sliding_(sliding)
{
    const int64_t q = heads_ * headDim_, kv = kvHeads_ * headDim_;
    q_proj = register_module("q_proj", Linear(c.hiddenSize, q, c.qkvBias, false, options));
    k_proj = register_module("k_proj", Linear(c.hiddenSize, kv, c.qkvBias, false, options));
    v_proj = register_module("v_proj", Linear(c.hiddenSize, kv, c.qkvBias, false, options));
    o_proj = register_module("o_proj", Linear(q, c.hiddenSize, c.attentionBias, false, options));
}

torch::Tensor LlamaAttentionImpl::forward(const torch::Tensor& x, const AttentionContext& context)
{
    const int64_t b = x.size(0), t = x.size(1);
    auto q = q_proj->forward(x).view({b, t, heads_, headDim_}).transpose(1, 2);
    auto k = k_proj->forward(x).view({b, t, kvHeads_, headDim_}).transpose(1, 2);
    auto v = v_proj->forward(x).view({b, t, kvHeads_, headDim_}).transpose(1, 2);
    q = applyRotary(q, context.cos, context.sin);
    k = applyRotary(k, context.cos, context.sin);
    auto mask = sliding_ ? context.slidingMask : context.fullMask;
    if (context.cache) {
        // Keys are cached after RoPE, as transformers does: a key's rotation depends only on its own position.
        std::tie(k, v) = context.cache->store(static_cast<size_t>(layerIndex_), context.positionOffset, k, v);
        const int64_t skip = sliding_ ? context.slidingKeyStart : 0;
        if (skip > 0) {
            const int64_t kept = k.size(2) - skip;
            k = k.narrow(2, skip, kept);
            v = v.narrow(2, skip, kept);
            mask = mask.narrow(-1, skip, kept);
        }
    }
    const auto out = decoderAttention(q, k, v, mask, 1.0 / std::sqrt(static_cast<double>(headDim_)));
    return o_proj->forward(out.transpose(1, 2).reshape({b, t, heads_ * headDim_}));
}

LlamaMLPImpl::LlamaMLPImpl(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module(family + "MLP"), act_(activationByName(c.hiddenAct, c.file)),
      siluGate_(c.hiddenAct == "silu" || c.hiddenAct == "swish")
{
    gate_proj = register_module("gate_proj", Linear(c.hiddenSize, c.intermediateSize, c.mlpBias, false, options));
    up_proj = register_module("up_proj", Linear(c.hiddenSize, c.intermediateSize, c.mlpBias, false, options));
    down_proj = register_module("down_proj", Linear(c.intermediateSize, c.hiddenSize, c.mlpBias, false, options));
}

torch::Tensor LlamaMLPImpl::forward(const torch::Tensor& x)
{
    const auto gate = gate_proj->forward(x);
    const auto up = up_proj->forward(x);
    if (siluGate_ && fused::takesFusedCpu(gate) && fused::takesFusedCpu(up) && gate.sizes() == up.sizes())
        return down_proj->forward(fused::swiglu(gate, up));
    return down_proj->forward(act_(gate) * up);
}

LlamaDecoderLayerImpl::LlamaDecoderLayerImpl(const std::string& family, const ModelConfig& c, int64_t layerIndex,
                                             const torch::TensorOptions& options)
    : torch::nn::Module(family + "DecoderLayer")
{
    const bool sliding = c.slidingLayers.at(static_cast<size_t>(layerIndex));
    self_attn = register_module("self_attn", LlamaAttention(family, c, layerIndex, sliding, options));
    mlp = register_module("mlp", LlamaMLP(family, c, options));
    input_layernorm = register_module("input_layernorm", RMSNorm(c.hiddenSize, c.normEps, options));
    post_attention_layernorm = register_module("post_attention_layernorm", RMSNorm(c.hiddenSize, c.normEps, options));
}

torch::Tensor LlamaDecoderLayerImpl::forward(const torch::Tensor& x, const AttentionContext& context)
{
    const auto h = x + self_attn->forward(input_layernorm->forward(x), context);
    return h + mlp->forward(post_attention_layernorm->forward(h));
}

LlamaModelImpl::LlamaModelImpl(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module(family + "Model"), rotary_(c.headDim, c.rope), window_(c.slidingWindow)
{
    embed_tokens = register_module("embed_tokens", Embedding(c.vocabSize, c.hiddenSize, options));
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i)
        layers->push_back(LlamaDecoderLayer(family, c, i, options));
    norm = register_module("norm", RMSNorm(c.hiddenSize, c.normEps, options));
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                                      int64_t positionOffset)
{
    return run(inputIds, attentionMask, positionOffset, nullptr);
}

torch::Tensor LlamaModelImpl::forward(const torch::Tensor& inputIds, KvCache& cache)
{
    auto out = run(inputIds, {}, cache.length(), &cache);
    cache.advance(inputIds.size(1));
    return out;
}

torch::Tensor LlamaModelImpl::run(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                                  int64_t positionOffset, KvCache* cache)
{
    const int64_t t = inputIds.size(1);
    const auto device = inputIds.device();
    auto x = embed_tokens->forward(inputIds);

    AttentionContext context;
    context.positionOffset = positionOffset;
    const auto positions =
        torch::arange(positionOffset, positionOffset + t, torch::TensorOptions().dtype(torch::kInt64).device(device));
    std::tie(context.cos, context.sin) = rotary_.tables(positions, x.scalar_type());
    context.fullMask = decoderMask(t, positionOffset, std::nullopt, attentionMask, device);
    if (window_)
        context.slidingMask = decoderMask(t, positionOffset, window_, attentionMask, device);
    context.cache = cache;
    // The first query (position positionOffset) sees keys after positionOffset - window; later queries see less.
    if (cache && window_)
        context.slidingKeyStart = std::max<int64_t>(0, positionOffset - *window_ + 1);

    for (const auto& layer : *layers)
        x = layer->as<LlamaDecoderLayerImpl>()->forward(x, context);
    return norm->forward(x);
}

LlamaForCausalLM::LlamaForCausalLM(const std::string& family, const ModelConfig& c, const torch::TensorOptions& options)
    : LanguageModel(family + "ForCausalLM", c)
{
    model = register_module("model", LlamaModel(family, c, options));
    lm_head = register_module("lm_head", c.tieWordEmbeddings ? Linear(model->embed_tokens->weight, false)
                                                             : Linear(c.hiddenSize, c.vocabSize, false, false, options));
}

torch::Tensor LlamaForCausalLM::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    return lm_head->forward(forwardHidden(inputIds, attentionMask));
}

torch::Tensor LlamaForCausalLM::forwardHidden(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    checkInputs(inputIds, attentionMask);
    return model->forward(inputIds, attentionMask);
}

torch::Tensor LlamaForCausalLM::forwardCached(const torch::Tensor& inputIds, KvCache& cache, bool lastOnly)
{
    checkCachedInputs(inputIds, cache.length());
    const auto hidden = model->forward(inputIds, cache);
    return lm_head->forward(lastOnly ? hidden.narrow(1, hidden.size(1) - 1, 1) : hidden);
}

bool LlamaForCausalLM::isKnownBuffer(const std::string& tensor) const
{
    // Checkpoints saved by transformers < 4.31 include the rotary inverse frequencies.
    const std::string suffix = ".rotary_emb.inv_freq";
    return tensor.size() >= suffix.size() && tensor.compare(tensor.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace lora::model
