#pragma once
// BertForSequenceClassification: bert.{embeddings.{word,position,token_type}_embeddings + LayerNorm,
// encoder.layer.N.{attention.{self.{query,key,value}, output.{dense, LayerNorm}}, intermediate.dense,
// output.{dense, LayerNorm}}, pooler.dense}, classifier. Post-norm encoder, bidirectional attention.
//
// A checkpoint of a bare BertModel (no "bert." prefix, no classifier) or of BertForPreTraining / MaskedLM
// loads too: the classifier (and a missing pooler) is initialised as transformers does (normal with
// initializer_range, zero bias) and the description's warnings say so, because such a head must be trained.
#include "model/activation.h"
#include "model/embedding.h"
#include "model/language_model.h"
#include "model/linear.h"
#include "model/norms.h"

namespace lora::model {

class BertEmbeddingsImpl : public torch::nn::Module {
public:
    BertEmbeddingsImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& inputIds);
    Embedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
    LayerNorm LayerNorm_{nullptr};
};
TORCH_MODULE(BertEmbeddings);

class BertSelfAttentionImpl : public torch::nn::Module {
public:
    BertSelfAttentionImpl(const ModelConfig& c, const torch::TensorOptions& options);
    // mask: bool [B, 1, 1, T], true = a real token; undefined = attend everywhere.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
    Linear query{nullptr}, key{nullptr}, value{nullptr};

private:
    int64_t heads_, headDim_;
};
TORCH_MODULE(BertSelfAttention);

// BertSelfOutput and BertOutput: dense, then LayerNorm of (result + residual).
class BertResidualOutputImpl : public torch::nn::Module {
public:
    BertResidualOutputImpl(const std::string& type, int64_t in, const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual);
    Linear dense{nullptr};
    LayerNorm LayerNorm_{nullptr};
};
TORCH_MODULE(BertResidualOutput);

class BertAttentionImpl : public torch::nn::Module {
public:
    BertAttentionImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
    BertSelfAttention self{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertAttention);

class BertIntermediateImpl : public torch::nn::Module {
public:
    BertIntermediateImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x);
    Linear dense{nullptr};

private:
    Activation act_;
};
TORCH_MODULE(BertIntermediate);

class BertLayerImpl : public torch::nn::Module {
public:
    BertLayerImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
    BertAttention attention{nullptr};
    BertIntermediate intermediate{nullptr};
    BertResidualOutput output{nullptr};
};
TORCH_MODULE(BertLayer);

class BertEncoderImpl : public torch::nn::Module {
public:
    BertEncoderImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);
    torch::nn::ModuleList layer;
};
TORCH_MODULE(BertEncoder);

class BertPoolerImpl : public torch::nn::Module {
public:
    BertPoolerImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& hidden);  // tanh(dense(first token))
    Linear dense{nullptr};
};
TORCH_MODULE(BertPooler);

class BertModelImpl : public torch::nn::Module {
public:
    BertModelImpl(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask);  // pooled [B, hidden]
    BertEmbeddings embeddings{nullptr};
    BertEncoder encoder{nullptr};
    BertPooler pooler{nullptr};
};
TORCH_MODULE(BertModel);

class BertForSequenceClassification : public LanguageModel {
public:
    BertForSequenceClassification(const ModelConfig& c, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& attentionMask = {}) override;
    Task task() const override { return Task::SequenceClassification; }
    std::string basePrefix() const override { return "bert."; }
    bool mayInitialize(const std::string& parameter) const override;
    bool isKnownBuffer(const std::string& tensor) const override;

    BertModel bert{nullptr};
    Linear classifier{nullptr};
};

}  // namespace lora::model
