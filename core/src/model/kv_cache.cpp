#include "model/kv_cache.h"

#include "lora/error.h"

#include <algorithm>

namespace lora::model {

std::pair<torch::Tensor, torch::Tensor> KvCache::store(size_t layer, int64_t offset, const torch::Tensor& k,
                                                       const torch::Tensor& v)
{
    // Every layer of one forward writes at the same offset; a different one means the model and the cache
    // disagree about what has been seen, which would silently attend to stale or missing keys.
    if (offset != length_)
        throw Error("KV cache holds " + std::to_string(length_) + " tokens but the forward starts at position " +
                    std::to_string(offset));
    if (layers_.size() <= layer)
        layers_.resize(layer + 1);
    auto& l = layers_[layer];
    const int64_t t = k.size(2);
    const int64_t needed = offset + t;
    if (!l.keys.defined() || l.keys.size(0) != k.size(0) || l.keys.size(1) != k.size(1) ||
        l.keys.size(3) != k.size(3) || l.keys.scalar_type() != k.scalar_type() || l.keys.device() != k.device()) {
        if (offset != 0)
            throw Error("KV cache layer " + std::to_string(layer) + " does not match the keys of a continued sequence");
        const auto size = std::max(capacity_, needed);
        l.keys = torch::empty({k.size(0), k.size(1), size, k.size(3)}, k.options());
        l.values = torch::empty({v.size(0), v.size(1), size, v.size(3)}, v.options());
    } else if (needed > l.keys.size(2)) {
        // Doubling keeps the number of regrowths logarithmic in the sequence length.
        const auto size = std::max(needed, 2 * l.keys.size(2));
        auto keys = torch::empty({k.size(0), k.size(1), size, k.size(3)}, k.options());
        auto values = torch::empty({v.size(0), v.size(1), size, v.size(3)}, v.options());
        keys.narrow(2, 0, offset).copy_(l.keys.narrow(2, 0, offset));
        values.narrow(2, 0, offset).copy_(l.values.narrow(2, 0, offset));
        l.keys = std::move(keys);
        l.values = std::move(values);
    }
    l.keys.narrow(2, offset, t).copy_(k);
    l.values.narrow(2, offset, t).copy_(v);
    return {l.keys.narrow(2, 0, needed), l.values.narrow(2, 0, needed)};
}

}  // namespace lora::model
