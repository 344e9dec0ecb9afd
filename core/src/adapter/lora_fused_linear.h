#pragma once
// A LoRA layer, y = base(x) + s·(dropout(x)·Aᵀ)·Bᵀ, as one autograd function: the fast path for fp32 CPU training
// with a frozen base and no DoRA (lora_branch.cpp takes the composite form otherwise). Against autograd's graph of
// the same products it saves, per layer and step, the copy of the base output that an out-of-place addmm makes
// (the LoRA product is added in place), the [tokens, in] sum of the base's and the branch's input gradients, and
// five graph nodes. Dropout draws its mask with adapter/lora_dropout_mask.h rather than torch::dropout's
// element-at-a-time bernoulli_, and keeps it as one byte per input element where the composite form keeps two float
// tensors (dropout's noise and the dropped input); backward rebuilds the dropped input from the input, which the
// projections of one block share. The GEMMs are the same products; with the same mask, results agree with the
// composite form to float rounding.
#include <torch/torch.h>

namespace lora::adapter {

// weight in the base's own layout: [out, in], or [in, out] when fanInFanOut (GPT-2's Conv1D); bias may be
// undefined. A [r, in], B [out, r]. dropout: the probability of zeroing an input element of the branch (0: none).
// Gradients flow to x, A and B only.
torch::Tensor fusedLoraLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              bool fanInFanOut, const torch::Tensor& A, const torch::Tensor& B, double scaling,
                              double dropout = 0.0);

}  // namespace lora::adapter
