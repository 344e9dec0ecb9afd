#pragma once
// A rank's share of a global batch: rows [rank*n/world, (rank+1)*n/world) of it, padding unchanged, so the
// ranks together compute exactly what one process computes on the whole batch.
#include "train/batch_tensors.h"

namespace lora::train {

// lossItems and realTokens are the shard's own. A short last batch can leave a rank no rows (an empty shard).
BatchTensors shardOf(const BatchTensors& global, int rank, int worldSize);

}  // namespace lora::train
