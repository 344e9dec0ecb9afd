#pragma once
// The arithmetic of one optimizer step (see training.h): forward and backward over the micro-batches, the
// gradient norm and clipping, the AdamW update. Trainer::step wraps it with data, schedule and progress;
// bench/train_step.cpp times it directly, so the benchmark measures exactly what a training run computes.
#include "model/language_model.h"
#include "train/adamw.h"
#include "train/batch_tensors.h"

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lora::train {

struct StepSettings {
    double learningRate = 0;
    double maxGradNorm = 1.0;  // 0: no clipping (the norm is still measured)
    bool bf16Autocast = false;
    int64_t stepNumber = 1;    // 1-based, for the messages
    // Data-parallel (distributed/gradient_all_reduce.h): the loss items of the whole global batch, which every
    // rank divides by, and the collective that sums the gradients and the loss over the ranks before clipping.
    // Without it the step is one process's.
    int64_t globalLossItems = 0;
    std::function<double(const std::vector<torch::Tensor>& params, double localLossSum)> allReduce;
};

struct StepResult {
    std::optional<std::string> error;  // a non-finite loss or gradient norm, or out of memory: nothing was updated
    bool outOfMemory = false;          // error is the allocator's; the state before the step is intact
    double loss = 0;                   // the step's loss: summed over its micro-batches / their items
    double gradNorm = 0;               // before clipping
};

// The micro-batches' loss items are summed first, so the step equals one batch holding all of them.
StepResult trainStep(model::LanguageModel& network, AdamW& optimizer, const std::vector<BatchTensors>& micro,
                     const StepSettings& settings);

// The summed loss of one batch (eval mode is the caller's business); no gradient.
double summedLossNoGrad(model::LanguageModel& network, const BatchTensors& batch, bool bf16Autocast);

}  // namespace lora::train
