#include "train/trainer.h"

#include "distributed/process_group_impl.h"
#include "engine/model_impl.h"
#include "lora/device.h"
#include "lora/error.h"
#include "train/config_check.h"
#include "train/out_of_memory.h"

#include <algorithm>
#include <cstdio>

namespace lora::train {

namespace {

std::string withCommas(int64_t n)
{
    const auto digits = std::to_string(n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n));
    std::string out = n < 0 ? "-" : "";
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace

Trainer::Trainer(TrainingConfig config, TrainingCallbacks callbacks, std::shared_ptr<ProcessGroup> group)
    : config_(std::move(config)), callbacks_(std::move(callbacks)), group_(std::move(group))
{
}

Trainer::~Trainer() = default;

void Trainer::log(const std::string& message) const
{
    if (callbacks_.log)
        callbacks_.log(message);
}

double Trainer::activeSeconds() const
{
    const std::chrono::duration<double> wall = Clock::now() - sessionStart_;
    return std::max(0.0, wall.count() - pausedSeconds_);
}

void Trainer::setUp()
{
    checkTrainingConfig(config_);
    setComputeThreads(config_.threads);
    model_ = Model::load(config_.modelDir, LoadOptions{config_.device, config_.dtype});
    device_ = model_->impl().device;
    const auto& description = model_->description();
    log("model: " + description.architecture + " from " + config_.modelDir.string() + " on " +
        model_->options().device + " (" + model_->options().dtype + ")");

    dataWatch_.emplace(config_.dataFile);  // stamped before reading, so an edit during the read counts too
    // Data-parallel: every rank reads the same global batches (same seed, same shuffling) and trains on its
    // shard of each, so the data stream and its fingerprint are those of one process with the global batch.
    TrainingConfig global = config_;
    global.batchSize *= worldSize();
    data_ = loadTrainingData(global, description);
    if (group_)
        log("data-parallel: rank " + std::to_string(group_->rank()) + " of " + std::to_string(worldSize()) + " (" +
            group_->backend() + "), " + std::to_string(config_.batchSize) + " examples per rank, global batch " +
            std::to_string(global.batchSize));
    log("data: " + std::to_string(data_->dataset.examples.size()) + " examples from " + config_.dataFile.string() +
        " (" + std::to_string(data_->split.train.size()) + " train, " +
        std::to_string(data_->split.validation.size()) + " validation), " +
        std::to_string(data_->train->batchesPerEpoch()) + " batches per epoch, " +
        std::to_string(data_->totalSteps) + " optimizer steps");
    for (const auto& w : data_->dataset.warnings)
        log("data warning: " + w);
    constexpr size_t kListedBadRows = 20;  // enough to see the pattern; the rest are counted in the warning
    const auto& bad = data_->dataset.badRows;
    for (size_t i = 0; i < std::min(bad.size(), kListedBadRows); ++i)
        log("skipped " + config_.dataFile.string() + ":" + std::to_string(bad[i].line) + ": " + bad[i].problem);

    // Dropout draws from torch's default generator; the adapter's initialisation has its own (seeded) one.
    torch::manual_seed(config_.seed);
    trainable_ = config_.mode == TrainingMode::Lora ? Trainable::lora(*model_, config_.lora, config_.seed)
                                                    : Trainable::full(*model_);
    const int64_t trainable = trainable_->parameterCount();
    const int64_t all = description.totalParameters + (config_.mode == TrainingMode::Lora ? trainable : 0);
    trainableParameters_ = trainable;
    totalParameters_ = all;
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.4f", 100.0 * static_cast<double>(trainable) / static_cast<double>(all));
    log("trainable params: " + withCommas(trainable) + " || all params: " + withCommas(all) +
        " || trainable%: " + percent);

    optimizer_ = std::make_unique<AdamW>(
        trainable_->tensors(), AdamWOptions{config_.beta1, config_.beta2, config_.epsilon, config_.weightDecay});
    state_.dataFingerprint = data_->train->fingerprint();

    if (!config_.resumeFrom.empty()) {
        const auto fingerprint = state_.dataFingerprint;
        state_ = restoreCheckpoint(config_.resumeFrom, *trainable_, *optimizer_, device_);
        if (state_.dataFingerprint != fingerprint)
            throwFileError(config_.resumeFrom, "was trained on another data stream (other data, split, batch size, "
                                               "seed or shuffling); resuming would not continue that run");
        data_->train->seek(state_.data);
        elapsedBefore_ = state_.elapsedSeconds;
        lastCheckpoint_ = config_.resumeFrom;
        lastCheckpointStep_ = state_.step;
        log("resumed from " + config_.resumeFrom.string() + " at step " + std::to_string(state_.step));
    } else if (config_.saveInitialAdapter && writesFiles()) {
        trainable_->save(config_.outputDir / "initial_adapter");
        log("initial adapter (step 0) saved to " + (config_.outputDir / "initial_adapter").string());
    }
    state_.data = data_->train->position();
    trainable_->setTraining(true);
}

void Trainer::checkpoint()
{
    if (config_.outputDir.empty() || !writesFiles() || lastCheckpointStep_ == state_.step)
        return;
    state_.elapsedSeconds = elapsedBefore_ + activeSeconds();
    const auto dir = config_.outputDir / "checkpoints";
    lastCheckpoint_ = writeCheckpoint(dir, state_, *trainable_, *optimizer_, config_, device_);
    lastCheckpointStep_ = state_.step;
    pruneCheckpoints(dir, config_.saveTotalLimit);
    log("checkpoint: " + lastCheckpoint_.string());
    warnIfDataChanged();
    if (callbacks_.checkpoint)
        callbacks_.checkpoint(lastCheckpoint_, state_.step);
}

void Trainer::saveOutput(TrainingResult& result)
{
    if (config_.outputDir.empty() || !writesFiles())
        return;
    trainable_->save(config_.outputDir);
    result.adapterDir = config_.outputDir;
    log(std::string(config_.mode == TrainingMode::Lora ? "adapter" : "model") + " saved to " +
        config_.outputDir.string());
}

void Trainer::warnIfDataChanged()
{
    if (dataWatch_)
        if (auto warning = dataWatch_->changed())
            log("data warning: " + *warning);
}

std::string Trainer::lastCheckpointNote() const
{
    return lastCheckpoint_.empty() ? " No checkpoint had been written."
                                   : " The last good checkpoint is kept: " + lastCheckpoint_.string() + ".";
}

TrainingResult Trainer::outOfMemory(const std::string& error, const torch::Device& device)
{
    // Nothing of the failed step reached the weights or the optimizer, so the state is a good checkpoint: the
    // user resumes exactly here once memory is free.
    std::string kept;
    const int64_t before = lastCheckpointStep_;
    try {
        if (state_.step > 0)
            checkpoint();
        if (lastCheckpointStep_ != before)
            kept = " A checkpoint of step " + std::to_string(state_.step) + " was written: " +
                   lastCheckpoint_.string() + "; resume it when more memory is free.";
    } catch (const std::exception& e) {
        kept = " The checkpoint could not be written either (" + std::string(e.what()) + ").";
    }
    if (kept.empty())
        kept = lastCheckpointNote();
    const std::string advice = device.is_cuda()
                                   ? " To need less GPU memory: a smaller batch size or max length, bf16, or fewer "
                                     "target modules (gradient accumulation keeps the effective batch)."
                                   : " To need less memory: close other programs, or use a smaller batch size or "
                                     "max length, or fewer target modules.";
    return finish(TrainingStatus::Failed, error + kept + advice);
}

TrainingResult Trainer::finish(TrainingStatus status, const std::string& error)
{
    warnIfDataChanged();
    TrainingResult result;
    result.status = status;
    result.error = error;
    result.finalMetrics = last_;
    if (status != TrainingStatus::Failed && sessionSteps_ > 0) {
        // A stopped run keeps its work: a checkpoint to resume from and the adapter as it stands.
        if (status == TrainingStatus::Stopped || config_.saveSteps > 0)
            checkpoint();
        saveOutput(result);
    } else if (status == TrainingStatus::Completed && !config_.resumeFrom.empty()) {
        saveOutput(result);  // resumed at (or past) the end: the adapter is the checkpoint's
    }
    result.lastCheckpoint = lastCheckpoint_;
    return result;
}

TrainingResult Trainer::run()
{
    sessionStart_ = Clock::now();
    const int64_t total = data_->totalSteps;
    while (state_.step < total) {
        bool go = true;
        if (callbacks_.proceed) {
            const auto before = Clock::now();
            go = callbacks_.proceed();
            pausedSeconds_ += std::chrono::duration<double>(Clock::now() - before).count();
        }
        if (group_)
            go = !group_->impl().anyRank(!go);  // a stop on any rank stops them all before the same step
        if (!go) {
            log("stopped at step " + std::to_string(state_.step));
            return finish(TrainingStatus::Stopped);
        }
        StepOutcome outcome;
        try {
            outcome = step();
        } catch (const std::exception& e) {
            return finish(TrainingStatus::Failed, "step " + std::to_string(state_.step + 1) + ": " + e.what());
        }
        // Rank 0 alone evaluates (data-parallel): the others wait for it at the next step's collective.
        const bool evalDue = !outcome.error && data_->validation && writesFiles() &&
                             ((config_.evalSteps > 0 && state_.step % config_.evalSteps == 0) || state_.step == total);
        try {
            if (evalDue)
                outcome.progress.valLoss = evaluate();
        } catch (const std::exception& e) {
            // The step itself completed, so its state is whole whichever way evaluation failed.
            outcome.error = "step " + std::to_string(state_.step) + ", evaluating: " +
                            (isOutOfMemory(e) ? "out of memory (" + outOfMemoryLine(e) + ")" : std::string(e.what()));
            outcome.outOfMemory = isOutOfMemory(e);
            if (!outcome.outOfMemory)
                return finish(TrainingStatus::Failed, *outcome.error);
        }
        if (outcome.outOfMemory)
            return outOfMemory(*outcome.error, device_);
        if (outcome.error)
            return finish(TrainingStatus::Failed, *outcome.error + lastCheckpointNote());
        last_ = outcome.progress;
        if (callbacks_.progress)
            callbacks_.progress(outcome.progress);
        if (config_.saveSteps > 0 && state_.step % config_.saveSteps == 0) {
            try {
                checkpoint();
            } catch (const std::exception& e) {
                return finish(TrainingStatus::Failed, "step " + std::to_string(state_.step) +
                                                          ": the checkpoint could not be written: " + e.what());
            }
        }
    }
    return finish(TrainingStatus::Completed);
}

}  // namespace lora::train

namespace lora {

TrainingResult runTraining(const TrainingConfig& config, const TrainingCallbacks& callbacks)
{
    return runTraining(config, callbacks, nullptr);
}

TrainingResult runTraining(const TrainingConfig& config, const TrainingCallbacks& callbacks,
                           std::shared_ptr<ProcessGroup> group)
{
    try {
        train::Trainer trainer(config, callbacks, std::move(group));
        trainer.setUp();
        return trainer.run();
    } catch (const std::exception& e) {
        TrainingResult result;
        result.status = TrainingStatus::Failed;
        result.error = e.what();
        return result;
    }
}

}  // namespace lora
