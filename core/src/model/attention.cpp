#include "model/attention.h"

namespace lora::model {

torch::Tensor decoderMask(int64_t queryLength, int64_t positionOffset, std::optional<int64_t> window,
                          const torch::Tensor& paddingMask, const torch::Device& device)
{
    const int64_t keyLength = positionOffset + queryLength;
    const bool windowBites = window && keyLength > *window;
    // A padding mask of all ones (a batch without padding: every training batch of equal-length rows) hides
    // nothing; dropping it lets SDPA take its faster is_causal path, as transformers does.
    const bool padding = paddingMask.defined() && !paddingMask.to(torch::kBool).all().item<bool>();
    if (!padding && !windowBites && positionOffset == 0)
        return {};
    const auto longOpts = torch::TensorOptions().dtype(torch::kInt64).device(device);
    const auto q = torch::arange(positionOffset, keyLength, longOpts).unsqueeze(1);
    const auto k = torch::arange(0, keyLength, longOpts).unsqueeze(0);
    auto allowed = k <= q;
    if (windowBites)
        allowed = allowed & (k > q - *window);
    allowed = allowed.view({1, 1, queryLength, keyLength});
    if (padding) {
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
    const bool causal = !mask.defined();
    const auto attnMask = causal ? std::optional<torch::Tensor>{} : std::optional<torch::Tensor>{mask};
    // Grouped-query attention: each key/value head serves numHeads / numKvHeads consecutive query heads
    // (transformers' repeat_kv). SDPA's enable_gqa does that without copying the repeated keys/values; a
    // backend that rejects it gets them repeated, as before.
    const int64_t groups = q.size(1) / k.size(1);
    if (groups > 1) {
        try {
            return at::scaled_dot_product_attention(q, k, v, attnMask, 0.0, causal, scale, /*enable_gqa=*/true);
        } catch (const c10::Error&) {
            return at::scaled_dot_product_attention(q, k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1),
                                                    attnMask, 0.0, causal, scale);
        }
    }
    return at::scaled_dot_product_attention(q, k, v, attnMask, 0.0, causal, scale);
}

}  // namespace lora::model
