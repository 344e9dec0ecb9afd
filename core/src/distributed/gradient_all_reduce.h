#pragma once
// The data-parallel step's one collective: every trainable gradient and the step's summed loss, flattened into
// one float32 buffer, summed over the ranks, and written back. Each rank's loss was divided by the item count
// of the whole global batch, so the sum is exactly the gradient (and loss) one process computes on that batch:
// the mean over ranks of world_size × the local gradient, as DistributedDataParallel averages it, but exact
// also when ranks hold different numbers of tokens.
#include "distributed/process_group_impl.h"

#include <torch/torch.h>

#include <vector>

namespace lora::train {

// Returns the loss summed over the ranks. A parameter without a gradient (a rank with an empty shard)
// contributes zeros and receives the sum.
double allReduceGradients(ProcessGroup::Impl& group, const std::vector<torch::Tensor>& params, double localLossSum);

}  // namespace lora::train
