#pragma once
// Keys and values of the tokens a causal LM has already seen, per decoder layer, so that generation runs each
// new token through the network once instead of re-running the whole sequence.
//
// Buffers are allocated once per layer at the capacity asked for (prompt + new tokens) and written in place;
// a forward that would overflow them grows them (doubling), so a wrong estimate costs a copy, not an error.
// Inference only: writes are in place, so no autograd graph may flow through a cache.
#include <torch/torch.h>

#include <utility>
#include <vector>

namespace lora::model {

class KvCache {
public:
    // capacity: token positions to allocate per layer on first use (at least what the first forward needs).
    explicit KvCache(int64_t capacity = 0) : capacity_(capacity) {}

    // Tokens stored in every layer: the position of the next token the model will see.
    int64_t length() const { return length_; }
    // Positions allocated per layer (0 before the first forward).
    int64_t capacity() const { return layers_.empty() ? 0 : layers_.front().keys.size(2); }

    // Writes one layer's k/v [B, Hkv, T, D] at positions [offset, offset + T) and returns views over positions
    // [0, offset + T): the keys and values this call's queries attend to. offset is the cache length the
    // current forward started from (AttentionContext::positionOffset).
    std::pair<torch::Tensor, torch::Tensor> store(size_t layer, int64_t offset, const torch::Tensor& k,
                                                  const torch::Tensor& v);

    // Called by the model once every layer has stored this forward's tokens.
    void advance(int64_t tokens) { length_ += tokens; }

    // Forgets every token (buffers are kept for the next sequence).
    void clear() { length_ = 0; }

private:
    struct Layer {
        torch::Tensor keys, values;  // [B, Hkv, capacity, D]
    };
    std::vector<Layer> layers_;
    int64_t capacity_ = 0;
    int64_t length_ = 0;
};

}  // namespace lora::model
