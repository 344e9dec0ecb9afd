#include "model/gpt2.h"

#include "model/kv_cache.h"

#include <cmath>

namespace lora::model {

GPT2AttentionImpl::GPT2AttentionImpl(const ModelConfig& c, int64_t layerIndex, const torch::TensorOptions& options)
    : torch::nn::Module("GPT2Attention"), heads_(c.numHeads), headDim_(c.headDim), layerIndex_(layerIndex)
{
    c_attn = register_module("c_attn", Linear(c.hiddenSize, 3 * c.hiddenSize, true, true, options));
    c_proj = register_module("c_proj", Linear(c.hiddenSize, c.hiddenSize, true, true, options));
    scale_ = c.scaleAttnWeights ? 1.0 / std::sqrt(static_cast<double>(headDim_)) : 1.0;
    if (c.scaleAttnByInverseLayerIdx)
        scale_ /= static_cast<double>(layerIndex + 1);
}

torch::Tensor GPT2AttentionImpl::forward(const torch::Tensor& x, const AttentionContext& context)
{
    const int64_t b = x.size(0), t = x.size(1);
    const auto qkv = c_attn->forward(x).split(heads_ * headDim_, -1);
    auto heads = [&](const torch::Tensor& y) { return y.view({b, t, heads_, headDim_}).transpose(1, 2); };
    auto k = heads(qkv[1]);
    auto v = heads(qkv[2]);
    if (context.cache)
        std::tie(k, v) = context.cache->store(static_cast<size_t>(layerIndex_), context.positionOffset, k, v);
    const auto out = decoderAttention(heads(qkv[0]), k, v, context.fullMask, scale_);
    return c_proj->forward(out.transpose(1, 2).reshape({b, t, heads_ * headDim_}));
}

GPT2MLPImpl::GPT2MLPImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("GPT2MLP"), act_(activationByName(c.hiddenAct, c.file))
{
    c_fc = register_module("c_fc", Linear(c.hiddenSize, c.intermediateSize, true, true, options));
    c_proj = register_module("c_proj", Linear(c.intermediateSize, c.hiddenSize, true, true, options));
}

torch::Tensor GPT2MLPImpl::forward(const torch::Tensor& x) { return c_proj->forward(act_(c_fc->forward(x))); }

GPT2BlockImpl::GPT2BlockImpl(const ModelConfig& c, int64_t layerIndex, const torch::TensorOptions& options)
    : torch::nn::Module("GPT2Block")
{
    ln_1 = register_module("ln_1", LayerNorm(c.hiddenSize, c.normEps, options));
    attn = register_module("attn", GPT2Attention(c, layerIndex, options));
    ln_2 = register_module("ln_2", LayerNorm(c.hiddenSize, c.normEps, options));
    mlp = register_module("mlp", GPT2MLP(c, options));
}

torch::Tensor GPT2BlockImpl::forward(const torch::Tensor& x, const AttentionContext& context)
{
    const auto h = x + attn->forward(ln_1->forward(x), context);
    return h + mlp->forward(ln_2->forward(h));
}

GPT2ModelImpl::GPT2ModelImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("GPT2Model")
{
    wte = register_module("wte", Embedding(c.vocabSize, c.hiddenSize, options));
    wpe = register_module("wpe", Embedding(c.maxPositionEmbeddings, c.hiddenSize, options));
    h = register_module("h", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i)
        h->push_back(GPT2Block(c, i, options));
    ln_f = register_module("ln_f", LayerNorm(c.hiddenSize, c.normEps, options));
}

torch::Tensor GPT2ModelImpl::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                                     int64_t positionOffset)
{
    return run(inputIds, attentionMask, positionOffset, nullptr);
}

torch::Tensor GPT2ModelImpl::forward(const torch::Tensor& inputIds, KvCache& cache)
{
    auto out = run(inputIds, {}, cache.length(), &cache);
    cache.advance(inputIds.size(1));
    return out;
}

torch::Tensor GPT2ModelImpl::run(const torch::Tensor& inputIds, const torch::Tensor& attentionMask,
                                 int64_t positionOffset, KvCache* cache)
{
    const int64_t t = inputIds.size(1);
    const auto positions = torch::arange(positionOffset, positionOffset + t,
                                         torch::TensorOptions().dtype(torch::kInt64).device(inputIds.device()));
    AttentionContext context;
    context.positionOffset = positionOffset;
    context.cache = cache;
    context.fullMask = decoderMask(t, positionOffset, std::nullopt, attentionMask, inputIds.device());
    auto x = wte->forward(inputIds) + wpe->forward(positions).unsqueeze(0);
    for (const auto& block : *h)
        x = block->as<GPT2BlockImpl>()->forward(x, context);
    return ln_f->forward(x);
}

GPT2LMHeadModel::GPT2LMHeadModel(const ModelConfig& c, const torch::TensorOptions& options)
    : LanguageModel("GPT2LMHeadModel", c)
{
    transformer = register_module("transformer", GPT2Model(c, options));
    // The LM head is nn.Linear (weight [vocab, hidden]) even though the blocks use Conv1D.
    lm_head = register_module("lm_head", c.tieWordEmbeddings ? Linear(transformer->wte->weight, false)
                                                             : Linear(c.hiddenSize, c.vocabSize, false, false, options));
}

torch::Tensor GPT2LMHeadModel::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    return lm_head->forward(forwardHidden(inputIds, attentionMask));
}

torch::Tensor GPT2LMHeadModel::forwardHidden(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    checkInputs(inputIds, attentionMask);
    return transformer->forward(inputIds, attentionMask);
}

torch::Tensor GPT2LMHeadModel::forwardCached(const torch::Tensor& inputIds, KvCache& cache, bool lastOnly)
{
    checkCachedInputs(inputIds, cache.length());
    const auto hidden = transformer->forward(inputIds, cache);
    return lm_head->forward(lastOnly ? hidden.narrow(1, hidden.size(1) - 1, 1) : hidden);
}

bool GPT2LMHeadModel::isKnownBuffer(const std::string& tensor) const
{
    auto endsWith = [&](const std::string& suffix) {
        return tensor.size() >= suffix.size() && tensor.compare(tensor.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    // Older transformers saved the causal mask and its fill value as buffers.
    return endsWith(".attn.bias") || endsWith(".attn.masked_bias");
}

}  // namespace lora::model
