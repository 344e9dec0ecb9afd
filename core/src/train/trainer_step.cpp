// The optimizer step and the evaluation pass of Trainer (see training.h for what they compute).
#include "train/trainer.h"

#include "engine/model_impl.h"
#include "train/batch_tensors.h"
#include "train/loss.h"

#include <ATen/autocast_mode.h>

#include <cmath>
#include <cstdio>

namespace lora::train {

namespace {

// bf16 autocast of the forward pass on CUDA, as torch.autocast("cuda", torch.bfloat16) does; thread-local.
class AutocastScope {
public:
    explicit AutocastScope(bool on) : on_(on)
    {
        if (!on_)
            return;
        wasEnabled_ = at::autocast::is_autocast_enabled(at::kCUDA);
        previous_ = at::autocast::get_autocast_dtype(at::kCUDA);
        at::autocast::set_autocast_enabled(at::kCUDA, true);
        at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
        at::autocast::increment_nesting();
    }
    ~AutocastScope()
    {
        if (!on_)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache();  // the casted weights must not outlive the step they were made for
        at::autocast::set_autocast_enabled(at::kCUDA, wasEnabled_);
        at::autocast::set_autocast_dtype(at::kCUDA, previous_);
    }
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool on_;
    bool wasEnabled_ = false;
    at::ScalarType previous_ = at::kBFloat16;
};

// The global 2-norm of all gradients, as clip_grad_norm_ computes it, without clipping.
double gradientNorm(const std::vector<torch::Tensor>& params)
{
    std::vector<torch::Tensor> norms;
    for (const auto& p : params)
        if (p.grad().defined())
            norms.push_back(p.grad().norm(2));
    if (norms.empty())
        return 0.0;
    return torch::stack(norms).norm(2).item<double>();
}

std::string number(double v)
{
    if (std::isnan(v))
        return "NaN";  // printf would say "-nan" for some NaNs, which reads like a bug in the message
    char s[32];
    std::snprintf(s, sizeof s, "%g", v);
    return s;
}

}  // namespace

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
        micro.push_back(toTensors(data_->train->next(), device_));
        items += micro.back().lossItems;
        tokens += micro.back().realTokens;
    }
    if (items == 0)
        log("step " + std::to_string(stepNumber) + ": no token of this step's batch is learned (all labels masked)");
    const double divisor = static_cast<double>(std::max<int64_t>(1, items));

    StepOutcome outcome;
    optimizer_->zeroGrad();
    auto& network = *model_->impl().network;
    double lossSum = 0;
    for (const auto& m : micro) {
        torch::Tensor summed;
        {
            AutocastScope autocast(config_.bf16Autocast);
            const auto logits = network.forward(m.inputIds, m.attentionMask);
            summed = summedLoss(logits, m);
        }
        const double value = summed.item<double>();
        if (!std::isfinite(value)) {
            outcome.error = "step " + std::to_string(stepNumber) + ": the training loss is " + number(value) +
                            "; training stopped before this step changed any weight (a learning rate too high "
                            "for the model, or data the model cannot represent?).";
            return outcome;
        }
        (summed / divisor).backward();
        lossSum += value;
    }

    const auto params = trainable_->tensors();
    const double norm = config_.maxGradNorm > 0 ? torch::nn::utils::clip_grad_norm_(params, config_.maxGradNorm)
                                                : gradientNorm(params);
    if (!std::isfinite(norm)) {
        outcome.error = "step " + std::to_string(stepNumber) + ": the gradient norm is " + number(norm) +
                        "; training stopped before this step changed any weight.";
        return outcome;
    }
    optimizer_->step(lr);
    optimizer_->zeroGrad();  // frees the gradients' memory between steps

    state_.step = stepNumber;
    state_.tokens += tokens;
    state_.data = data_->train->position();
    state_.lastLoss = lossSum / divisor;
    ++sessionSteps_;
    sessionTokens_ += tokens;

    auto& p = outcome.progress;
    p.step = state_.step;
    p.totalSteps = total;
    p.epoch = data_->epochAt(state_.data);
    p.tokens = state_.tokens;
    p.trainLoss = state_.lastLoss;
    p.learningRate = lr;
    p.gradNorm = norm;
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
    torch::NoGradGuard noGrad;  // thread-local: this is the training thread
    auto& network = *model_->impl().network;
    auto& batcher = *data_->validation;
    batcher.seek({0, 0});
    const uint64_t perEpoch = batcher.batchesPerEpoch();
    const uint64_t count = config_.evalBatches > 0 ? std::min<uint64_t>(config_.evalBatches, perEpoch) : perEpoch;
    double sum = 0;
    int64_t items = 0;
    for (uint64_t i = 0; i < count; ++i) {
        const auto batch = toTensors(batcher.next(), device_);
        AutocastScope autocast(config_.bf16Autocast);
        sum += summedLoss(network.forward(batch.inputIds, batch.attentionMask), batch).item<double>();
        items += batch.lossItems;
    }
    trainable_->setTraining(true);
    return items > 0 ? sum / static_cast<double>(items) : 0.0;
}

}  // namespace lora::train
