#pragma once
// A LoRA layer, y = base(x) + s·(x·Aᵀ)·Bᵀ, as one autograd function: the fast path for fp32 CPU training with a
// frozen base, no dropout and no DoRA (lora_branch.cpp takes the composite form otherwise). Against autograd's
// graph of the same products it saves, per layer and step, the copy of the base output that an out-of-place
// addmm makes (the LoRA product is added in place), the [tokens, in] sum of the base's and the branch's input
// gradients (the branch's is added into the base's by the same GEMM, beta = 1), and five graph nodes. The GEMMs
// are the same products; results agree with the composite form to float rounding.
#include <torch/torch.h>

namespace lora::adapter {

// weight in the base's own layout: [out, in], or [in, out] when fanInFanOut (GPT-2's Conv1D); bias may be
// undefined. A [r, in], B [out, r]. Gradients flow to x, A and B only.
torch::Tensor fusedLoraLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                              bool fanInFanOut, const torch::Tensor& A, const torch::Tensor& B, double scaling);

}  // namespace lora::adapter
