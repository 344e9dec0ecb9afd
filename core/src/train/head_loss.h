#pragma once
// The causal-LM loss straight from the final hidden states, a chunk of positions at a time, with its gradient
// with respect to those hidden states computed in the same pass.
//
// Why: the plain path (logits = head(hidden), then cross_entropy, then autograd) holds [B, T, vocab] fp32
// logits, their log-softmax and their gradient at once: three times 206 MB for GPT-2 at 4 x 256 tokens, more
// than the adapter's whole activation memory. The LM head is frozen in LoRA training, so the only gradient
// the head needs to pass back is dL/dhidden = (softmax - onehot) · W / divisor, which each chunk can form from
// its own logits and drop. Nothing is recomputed; positions whose label is ignored (padding) are skipped.
// Same arithmetic as transformers' ForCausalLMLoss up to summation order (~1e-7 relative).
#include <torch/torch.h>

namespace lora::train {

struct HeadLoss {
    torch::Tensor summed;      // 0-dim float32: summed cross-entropy over the counted positions
    torch::Tensor hiddenGrad;  // like hidden: the gradient of summed * gradScale; undefined without withGrad
};

// hidden [B, T, H] (no autograd needed; read only), headWeight [vocab, H] (nn.Linear layout, no bias),
// labels int64 [B, T]: logits at position t are scored against labels[:, t + 1], kIgnoreIndex left out.
// Logits are formed in the weight's dtype and scored in float32, as transformers does.
HeadLoss causalLmHeadLoss(const torch::Tensor& hidden, const torch::Tensor& headWeight, const torch::Tensor& labels,
                          double gradScale, bool withGrad);

}  // namespace lora::train
