#include "distributed/batch_shard.h"

#include "lora/dataset.h"

#include <algorithm>

namespace lora::train {

BatchTensors shardOf(const BatchTensors& global, int rank, int worldSize)
{
    const int64_t rows = global.inputIds.size(0);
    const int64_t begin = rows * rank / worldSize;
    const int64_t count = rows * (rank + 1) / worldSize - begin;
    BatchTensors shard;
    shard.inputIds = global.inputIds.narrow(0, begin, count);
    shard.attentionMask = global.attentionMask.narrow(0, begin, count);
    shard.realTokens = shard.attentionMask.sum().item<int64_t>();
    if (global.labels.defined()) {
        shard.labels = global.labels.narrow(0, begin, count);
        // As toTensors counts: label 0 of each row never counts (the loss compares logits i with label i+1).
        shard.lossItems = shard.labels.narrow(1, 1, std::max<int64_t>(0, shard.labels.size(1) - 1))
                              .ne(kIgnoreIndex)
                              .sum()
                              .item<int64_t>();
    } else {
        shard.classIds = global.classIds.narrow(0, begin, count);
        shard.lossItems = count;
    }
    return shard;
}

}  // namespace lora::train
