#pragma once
// Fused CPU kernels for the Llama family's elementwise work: RMSNorm, rotary embeddings (rotate_half) and the SwiGLU
// gate, each one pass over its rows forward and one backward, as custom autograd functions. The composite forms
// (model/norms.cpp, model/rotary.cpp, model/llama.cpp) run 5-8 separate ATen ops each way, every one a pass over
// memory and a tensor of its own; on a SmolLM-shaped LoRA step on 2 cores that was ~10% of the step.
//
// They compute the same formulas as transformers, in the same order, so results agree with the composite forms to
// float rounding (the row reductions sum in another order). They take fp32 CPU tensors only; callers check
// takesFusedCpu() and keep the composite form for everything else (CUDA, bf16, autocast), where it is already fast.
#include <torch/torch.h>

namespace lora::model::fused {

// fp32, on the CPU, not empty, innermost dimension contiguous. (Also the fused LoRA layer's test: one predicate
// for every fused CPU path, so they agree on what they take.)
inline bool takesFusedCpu(const torch::Tensor& t)
{
    return t.defined() && t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.numel() > 0 &&
           t.stride(-1) == 1;
}

// LlamaRMSNorm: weight * (x * rsqrt(mean(x², -1) + eps)). x [..., n], weight [n].
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Rotary embedding, rotate_half convention: x * cos + cat(-x2, x1) * sin. x [B, H, T, D] (any strides but the
// last), cos and sin [T, D].
torch::Tensor applyRotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// silu(gate) * up, gate and up contiguous and of one shape. Keeps only gate and up for backward (the composite
// also keeps silu(gate)); sigmoid(gate) is recomputed there.
torch::Tensor swiglu(const torch::Tensor& gate, const torch::Tensor& up);

}  // namespace lora::model::fused
