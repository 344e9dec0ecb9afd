#pragma once
// What decoder attention layers share: the masks, and the call into scaled_dot_product_attention.
#include <torch/torch.h>

#include <optional>

namespace lora::model {

class KvCache;

// Per-forward inputs of every decoder attention layer. Queries start at positionOffset; keys span
// [0, positionOffset + T). Without a cache (training, scoring) the offset is 0 and the keys are this call's
// tokens; with one (generation) each layer appends its keys/values to the cache and attends to all of them.
struct AttentionContext {
    int64_t positionOffset = 0;
    torch::Tensor fullMask;     // bool [B|1, 1, T, S], true = may attend; undefined = plain causal
    torch::Tensor slidingMask;  // the same with the sliding window applied (layers that use one)
    torch::Tensor cos, sin;     // RoPE tables [T, headDim] (llama family)
    KvCache* cache = nullptr;   // generation only; null keeps the training path exactly as it was
    // With a cache: the first key any query of this call can see through the sliding window. Sliding layers
    // skip the cached keys before it, so a long generation does not attend over keys the mask hides anyway.
    int64_t slidingKeyStart = 0;
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
