#pragma once
// What decoder attention layers share: the masks, and the call into scaled_dot_product_attention.
#include <torch/torch.h>

#include <optional>

namespace lora::model {

// Per-forward inputs of every decoder attention layer. Queries start at positionOffset; keys span
// [0, positionOffset + T). A KV cache for generation will add the past keys/values here; today the
// offset is 0 and keys are this call's tokens.
struct AttentionContext {
    int64_t positionOffset = 0;
    torch::Tensor fullMask;     // bool [B|1, 1, T, S], true = may attend; undefined = plain causal
    torch::Tensor slidingMask;  // the same with the sliding window applied (layers that use one)
    torch::Tensor cos, sin;     // RoPE tables [T, headDim] (llama family)
};

// The decoder mask: causal, optionally limited to the last `window` keys (a query sees keys k with
// q - window < k <= q, as transformers' sliding_window_overlay), and with padded keys hidden.
// Returns an undefined tensor when plain causal attention is exact, so SDPA can take its is_causal path.
// paddingMask: [B, S] (1/true = token, 0/false = padding) or undefined.
torch::Tensor decoderMask(int64_t queryLength, int64_t positionOffset, std::optional<int64_t> window,
                          const torch::Tensor& paddingMask, const torch::Device& device);

// q [B, H, T, D], k/v [B, Hkv, S, D] (Hkv divides H). mask undefined: causal. scale multiplies q·k.
torch::Tensor decoderAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask, double scale);

}  // namespace lora::model
