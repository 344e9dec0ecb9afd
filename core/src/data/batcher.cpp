#include "data/rng.h"
#include "lora/dataset.h"
#include "lora/error.h"

#include <algorithm>
#include <numeric>

namespace lora {

namespace {

std::vector<size_t> allIndices(size_t count)
{
    std::vector<size_t> indices(count);
    std::iota(indices.begin(), indices.end(), size_t{0});
    return indices;
}

TaskKind taskOf(const Example& example)
{
    return example.labels.empty() && example.classId >= 0 ? TaskKind::Classification : TaskKind::CausalLM;
}

// FNV-1a over 64-bit words: stable across platforms, which std::hash is not.
class Fingerprint {
public:
    void add(uint64_t value)
    {
        for (int i = 0; i < 8; ++i) {
            hash_ ^= (value >> (8 * i)) & 0xFF;
            hash_ *= 0x100000001B3ull;
        }
    }
    uint64_t value() const { return hash_; }

private:
    uint64_t hash_ = 0xCBF29CE484222325ull;
};

}  // namespace

Batcher::Batcher(std::span<const Example> examples, const BatcherOptions& options)
    : Batcher(examples, allIndices(examples.size()), options)
{
}

Batcher::Batcher(std::span<const Example> examples, std::vector<size_t> subset, const BatcherOptions& options)
    : examples_(examples), subset_(std::move(subset)), options_(options)
{
    if (options_.batchSize == 0) throw Error("batcher: batch size must be at least 1");
    if (options_.padToMultipleOf == 0) throw Error("batcher: padToMultipleOf must be at least 1");
    if (subset_.empty()) throw Error("batcher: no examples to make batches from");
    for (size_t index : subset_) {
        if (index >= examples_.size()) {
            throw Error("batcher: example index " + std::to_string(index) + " is out of range (" +
                        std::to_string(examples_.size()) + " examples)");
        }
    }
    task_ = taskOf(examples_[subset_.front()]);
    for (size_t index : subset_) {
        const Example& example = examples_[index];
        if (taskOf(example) != task_) throw Error("batcher: the examples mix causal LM and classification");
        if (example.inputIds.empty()) throw Error("batcher: example " + std::to_string(index) + " has no tokens");
        if (task_ == TaskKind::CausalLM && example.labels.size() != example.inputIds.size()) {
            throw Error("batcher: example " + std::to_string(index) + " has " + std::to_string(example.labels.size()) +
                        " labels for " + std::to_string(example.inputIds.size()) + " tokens");
        }
    }
    if (batchesPerEpoch() == 0) {
        throw Error("batcher: " + std::to_string(subset_.size()) + " examples make no full batch of " +
                    std::to_string(options_.batchSize) + " (dropLast is on)");
    }
}

uint64_t Batcher::batchesPerEpoch() const
{
    const uint64_t n = subset_.size(), b = options_.batchSize;
    return options_.dropLast ? n / b : (n + b - 1) / b;
}

void Batcher::seek(DataPosition position)
{
    if (position.batch >= batchesPerEpoch()) {
        throw Error("batcher: cannot resume at batch " + std::to_string(position.batch) + " of epoch " +
                    std::to_string(position.epoch) + ": an epoch has " + std::to_string(batchesPerEpoch()) +
                    " batches (was the checkpoint made with other data or batch size?)");
    }
    position_ = position;
}

std::vector<size_t> Batcher::epochOrder(uint64_t epoch) const
{
    std::vector<size_t> order = subset_;
    if (options_.shuffle) data::shuffleInPlace(order, data::mixSeed(options_.seed, epoch));
    return order;
}

const std::vector<size_t>& Batcher::orderFor(uint64_t epoch)
{
    if (cachedEpoch_ != epoch) {
        cachedOrder_ = epochOrder(epoch);
        cachedEpoch_ = epoch;
    }
    return cachedOrder_;
}

Batch Batcher::next()
{
    const std::vector<size_t>& order = orderFor(position_.epoch);
    const size_t begin = static_cast<size_t>(position_.batch) * options_.batchSize;
    const size_t end = std::min(begin + options_.batchSize, order.size());

    Batch batch;
    batch.task = task_;
    batch.position = position_;
    batch.exampleIndices.assign(order.begin() + static_cast<ptrdiff_t>(begin), order.begin() + static_cast<ptrdiff_t>(end));
    size_t longest = 0;
    for (size_t index : batch.exampleIndices) longest = std::max(longest, examples_[index].inputIds.size());
    const size_t multiple = options_.padToMultipleOf;
    const size_t columns = (longest + multiple - 1) / multiple * multiple;

    batch.rows = static_cast<int64_t>(batch.exampleIndices.size());
    batch.columns = static_cast<int64_t>(columns);
    const size_t cells = batch.exampleIndices.size() * columns;
    batch.inputIds.assign(cells, options_.padId);
    batch.attentionMask.assign(cells, 0);
    if (task_ == TaskKind::CausalLM) batch.labels.assign(cells, kIgnoreIndex);
    for (size_t row = 0; row < batch.exampleIndices.size(); ++row) {
        const Example& example = examples_[batch.exampleIndices[row]];
        const size_t offset = row * columns;
        std::copy(example.inputIds.begin(), example.inputIds.end(), batch.inputIds.begin() + static_cast<ptrdiff_t>(offset));
        std::fill_n(batch.attentionMask.begin() + static_cast<ptrdiff_t>(offset), example.inputIds.size(), 1);
        if (task_ == TaskKind::CausalLM) {
            std::copy(example.labels.begin(), example.labels.end(), batch.labels.begin() + static_cast<ptrdiff_t>(offset));
        } else {
            batch.classIds.push_back(example.classId);
        }
    }

    if (++position_.batch >= batchesPerEpoch()) {
        position_.batch = 0;
        ++position_.epoch;
    }
    return batch;
}

uint64_t Batcher::fingerprint() const
{
    Fingerprint f;
    f.add(options_.batchSize);
    f.add(options_.seed);
    f.add(options_.shuffle);
    f.add(options_.dropLast);
    f.add(static_cast<uint64_t>(static_cast<int64_t>(options_.padId)));
    f.add(options_.padToMultipleOf);
    f.add(subset_.size());
    for (size_t index : subset_) {
        f.add(index);
        f.add(examples_[index].inputIds.size());
    }
    return f.value();
}

}  // namespace lora
