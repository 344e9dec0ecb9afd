// The optimizer step and the evaluation pass of Trainer (see training.h for what they compute).
#include "train/trainer.h"

#include "engine/model_impl.h"
#include "distributed/batch_shard.h"
#include "distributed/gradient_all_reduce.h"
#include "train/batch_tensors.h"
#include "train/train_step.h"

namespace lora::train {

Trainer::StepOutcome Trainer::step()
{
    const int64_t total = data_->totalSteps;
    const int64_t stepNumber = state_.step + 1;  // 1-based, as the user counts
    // transformers' LambdaLR: optimizer step k runs with the factor of scheduler step k-1.
    const double lr = config_.learningRate *
                      learningRateFactor(config_.schedule, state_.step, config_.warmupSteps, total);

    // All micro-batches first: the loss of the step is averaged over the items of all of them.
    std::vector<BatchTensors> micro;
    int64_t items = 0;
    int64_t tokens = 0;
    for (int64_t i = 0; i < config_.gradientAccumulation; ++i) {
        auto batch = toTensors(data_->train->next(), device_);
        items += batch.lossItems;  // the global batch's: what every rank divides its loss by
        tokens += batch.realTokens;
        micro.push_back(group_ ? shardOf(batch, group_->rank(), worldSize()) : std::move(batch));
    }
    if (items == 0)
        log("step " + std::to_string(stepNumber) + ": no token of this step's batch is learned (all labels masked)");

    StepOutcome outcome;
    StepSettings settings{lr, config_.maxGradNorm, config_.bf16Autocast, stepNumber};
    if (group_) {
        settings.globalLossItems = items;
        settings.allReduce = [this](const std::vector<torch::Tensor>& params, double lossSum) {
            return allReduceGradients(group_->impl(), params, lossSum);
        };
    }
    const auto result = trainStep(*model_->impl().network, *optimizer_, micro, settings);
    if (result.error) {
        outcome.error = result.error;
        outcome.outOfMemory = result.outOfMemory;
        return outcome;
    }

    state_.step = stepNumber;
    state_.tokens += tokens;
    state_.data = data_->train->position();
    state_.lastLoss = result.loss;
    ++sessionSteps_;
    sessionTokens_ += tokens;

    auto& p = outcome.progress;
    p.step = state_.step;
    p.totalSteps = total;
    p.epoch = data_->epochAt(state_.data);
    p.tokens = state_.tokens;
    p.trainLoss = state_.lastLoss;
    p.learningRate = lr;
    p.gradNorm = result.gradNorm;
    p.trainableParameters = trainableParameters_;
    p.totalParameters = totalParameters_;
    const double active = activeSeconds();
    p.elapsedSeconds = elapsedBefore_ + active;
    p.tokensPerSecond = active > 0 ? static_cast<double>(sessionTokens_) / active : 0.0;
    p.etaSeconds = static_cast<double>(total - state_.step) * active / static_cast<double>(sessionSteps_);
    return outcome;
}

double Trainer::evaluate()
{
    trainable_->setTraining(false);
    auto& network = *model_->impl().network;
    auto& batcher = *data_->validation;
    batcher.seek({0, 0});
    const uint64_t perEpoch = batcher.batchesPerEpoch();
    const uint64_t count = config_.evalBatches > 0 ? std::min<uint64_t>(config_.evalBatches, perEpoch) : perEpoch;
    double sum = 0;
    int64_t items = 0;
    for (uint64_t i = 0; i < count; ++i) {
        const auto batch = toTensors(batcher.next(), device_);
        sum += summedLossNoGrad(network, batch, config_.bf16Autocast);
        items += batch.lossItems;
    }
    trainable_->setTraining(true);
    return items > 0 ? sum / static_cast<double>(items) : 0.0;
}

}  // namespace lora::train
