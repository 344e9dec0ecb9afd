#include "model/attention.h"

namespace lora::model {

torch::Tensor decoderMask(int64_t queryLength, int64_t positionOffset, std::optional<int64_t> window,
                          const torch::Tensor& paddingMask, const torch::Device& device)
{
    const int64_t keyLength = positionOffset + queryLength;
    const bool windowBites = window && keyLength > *window;
    if (!paddingMask.defined() && !windowBites && positionOffset == 0)
        return {};
    const auto longOpts = torch::TensorOptions().dtype(torch::kInt64).device(device);
    const auto q = torch::arange(positionOffset, keyLength, longOpts).unsqueeze(1);
    const auto k = torch::arange(0, keyLength, longOpts).unsqueeze(0);
    auto allowed = k <= q;
    if (windowBites)
        allowed = allowed & (k > q - *window);
    allowed = allowed.view({1, 1, queryLength, keyLength});
    if (paddingMask.defined()) {
        allowed = allowed & paddingMask.to(device).to(torch::kBool).view({paddingMask.size(0), 1, 1, keyLength});
        // A padded query whose every key is hidden would turn softmax into NaN; letting it see itself keeps
        // padding rows finite (their values are never used).
        allowed = allowed | (k == q).view({1, 1, queryLength, keyLength});
    }
    return allowed;
}

torch::Tensor decoderAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask, double scale)
{
    // Grouped-query attention: each key/value head serves numHeads / numKvHeads consecutive query heads
    // (transformers' repeat_kv).
    auto key = k;
    auto value = v;
    const int64_t groups = q.size(1) / k.size(1);
    if (groups > 1) {
        key = k.repeat_interleave(groups, 1);
        value = v.repeat_interleave(groups, 1);
    }
    if (!mask.defined())
        return at::scaled_dot_product_attention(q, key, value, std::nullopt, 0.0, /*is_causal=*/true, scale);
    return at::scaled_dot_product_attention(q, key, value, mask, 0.0, /*is_causal=*/false, scale);
}

}  // namespace lora::model
