#include "model/bert.h"

#include <cmath>

namespace lora::model {

BertEmbeddingsImpl::BertEmbeddingsImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("BertEmbeddings")
{
    word_embeddings = register_module("word_embeddings", Embedding(c.vocabSize, c.hiddenSize, options));
    position_embeddings = register_module("position_embeddings", Embedding(c.maxPositionEmbeddings, c.hiddenSize, options));
    token_type_embeddings = register_module("token_type_embeddings", Embedding(c.typeVocabSize, c.hiddenSize, options));
    LayerNorm_ = register_module("LayerNorm", LayerNorm(c.hiddenSize, c.normEps, options));
}

torch::Tensor BertEmbeddingsImpl::forward(const torch::Tensor& inputIds)
{
    const int64_t t = inputIds.size(1);
    const auto longs = torch::TensorOptions().dtype(torch::kInt64).device(inputIds.device());
    // Single-segment input: every token has token type 0, as transformers assumes without token_type_ids.
    const auto x = word_embeddings->forward(inputIds) + token_type_embeddings->forward(torch::zeros({1, t}, longs)) +
                   position_embeddings->forward(torch::arange(t, longs).unsqueeze(0));
    return LayerNorm_->forward(x);
}

BertSelfAttentionImpl::BertSelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("BertSelfAttention"), heads_(c.numHeads), headDim_(c.headDim)
{
    query = register_module("query", Linear(c.hiddenSize, c.hiddenSize, true, false, options));
    key = register_module("key", Linear(c.hiddenSize, c.hiddenSize, true, false, options));
    value = register_module("value", Linear(c.hiddenSize, c.hiddenSize, true, false, options));
}

torch::Tensor BertSelfAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask)
{
    const int64_t b = x.size(0), t = x.size(1);
    auto heads = [&](const torch::Tensor& y) { return y.view({b, t, heads_, headDim_}).transpose(1, 2); };
    const auto q = heads(query->forward(x)), k = heads(key->forward(x)), v = heads(value->forward(x));
    const double scale = 1.0 / std::sqrt(static_cast<double>(headDim_));
    const auto out = mask.defined() ? at::scaled_dot_product_attention(q, k, v, mask, 0.0, false, scale)
                                    : at::scaled_dot_product_attention(q, k, v, std::nullopt, 0.0, false, scale);
    return out.transpose(1, 2).reshape({b, t, heads_ * headDim_});
}

BertResidualOutputImpl::BertResidualOutputImpl(const std::string& type, int64_t in, const ModelConfig& c,
                                               const torch::TensorOptions& options)
    : torch::nn::Module(type)
{
    dense = register_module("dense", Linear(in, c.hiddenSize, true, false, options));
    LayerNorm_ = register_module("LayerNorm", LayerNorm(c.hiddenSize, c.normEps, options));
}

torch::Tensor BertResidualOutputImpl::forward(const torch::Tensor& x, const torch::Tensor& residual)
{
    return LayerNorm_->forward(dense->forward(x) + residual);
}

BertAttentionImpl::BertAttentionImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("BertAttention")
{
    self = register_module("self", BertSelfAttention(c, options));
    output = register_module("output", BertResidualOutput("BertSelfOutput", c.hiddenSize, c, options));
}

torch::Tensor BertAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& mask)
{
    return output->forward(self->forward(x, mask), x);
}

BertIntermediateImpl::BertIntermediateImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("BertIntermediate"), act_(activationByName(c.hiddenAct, c.file))
{
    dense = register_module("dense", Linear(c.hiddenSize, c.intermediateSize, true, false, options));
}

torch::Tensor BertIntermediateImpl::forward(const torch::Tensor& x) { return act_(dense->forward(x)); }

BertLayerImpl::BertLayerImpl(const ModelConfig& c, const torch::TensorOptions& options) : torch::nn::Module("BertLayer")
{
    attention = register_module("attention", BertAttention(c, options));
    intermediate = register_module("intermediate", BertIntermediate(c, options));
    output = register_module("output", BertResidualOutput("BertOutput", c.intermediateSize, c, options));
}

torch::Tensor BertLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask)
{
    const auto a = attention->forward(x, mask);
    return output->forward(intermediate->forward(a), a);
}

BertEncoderImpl::BertEncoderImpl(const ModelConfig& c, const torch::TensorOptions& options)
    : torch::nn::Module("BertEncoder")
{
    layer = register_module("layer", torch::nn::ModuleList());
    for (int64_t i = 0; i < c.numLayers; ++i)
        layer->push_back(BertLayer(c, options));
}

torch::Tensor BertEncoderImpl::forward(const torch::Tensor& x, const torch::Tensor& mask)
{
    auto h = x;
    for (const auto& l : *layer)
        h = l->as<BertLayerImpl>()->forward(h, mask);
    return h;
}

BertPoolerImpl::BertPoolerImpl(const ModelConfig& c, const torch::TensorOptions& options) : torch::nn::Module("BertPooler")
{
    dense = register_module("dense", Linear(c.hiddenSize, c.hiddenSize, true, false, options));
}

torch::Tensor BertPoolerImpl::forward(const torch::Tensor& hidden)
{
    return torch::tanh(dense->forward(hidden.select(1, 0)));
}

BertModelImpl::BertModelImpl(const ModelConfig& c, const torch::TensorOptions& options) : torch::nn::Module("BertModel")
{
    embeddings = register_module("embeddings", BertEmbeddings(c, options));
    encoder = register_module("encoder", BertEncoder(c, options));
    pooler = register_module("pooler", BertPooler(c, options));
}

torch::Tensor BertModelImpl::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    torch::Tensor mask;
    if (attentionMask.defined())
        mask = attentionMask.to(torch::kBool).view({attentionMask.size(0), 1, 1, attentionMask.size(1)});
    return pooler->forward(encoder->forward(embeddings->forward(inputIds), mask));
}

BertForSequenceClassification::BertForSequenceClassification(const ModelConfig& c, const torch::TensorOptions& options)
    : LanguageModel("BertForSequenceClassification", c)
{
    bert = register_module("bert", BertModel(c, options));
    classifier = register_module("classifier", Linear(c.hiddenSize, c.numLabels, true, false, options));
}

torch::Tensor BertForSequenceClassification::forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask)
{
    checkInputs(inputIds, attentionMask);
    return classifier->forward(bert->forward(inputIds, attentionMask));
}

bool BertForSequenceClassification::mayInitialize(const std::string& parameter) const
{
    return parameter.rfind("classifier.", 0) == 0 || parameter.rfind("bert.pooler.", 0) == 0;
}

bool BertForSequenceClassification::isKnownBuffer(const std::string& tensor) const
{
    const std::string suffix = "embeddings.position_ids";
    return tensor.size() >= suffix.size() && tensor.compare(tensor.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace lora::model
