#pragma once
// One training run: set up (model, data, what is trained, optimizer, resume), then the step loop with
// evaluation, checkpoints, progress, stop and pause. runTraining() wraps it and turns errors into results.
#include "lora/distributed.h"
#include "lora/model.h"
#include "lora/training.h"
#include "train/adamw.h"
#include "train/checkpoint.h"
#include "train/data_file_watch.h"
#include "train/trainable.h"
#include "train/training_data.h"

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace lora::train {

class Trainer {
public:
    // With a group of more than one rank the run is data-parallel (lora/distributed.h): config.batchSize is
    // per rank, every rank must run the same configuration, and only rank 0 writes files.
    Trainer(TrainingConfig config, TrainingCallbacks callbacks, std::shared_ptr<ProcessGroup> group = nullptr);
    ~Trainer();

    // Throws lora::Error for problems found before the first step; later problems end in a Failed result.
    void setUp();
    TrainingResult run();

private:
    struct StepOutcome {
        std::optional<std::string> error;  // a non-finite loss or gradient, or out of memory
        bool outOfMemory = false;          // the state before the step is intact: a checkpoint of it is good
        TrainingProgress progress;
    };
    StepOutcome step();                // one optimizer step over gradientAccumulation micro-batches
    double evaluate();                 // the validation loss (eval mode, no grad)
    void checkpoint();
    void warnIfDataChanged();  // logged once, at a checkpoint or the end
    // Ends the run after an out-of-memory error, with a checkpoint of the last completed step and advice.
    TrainingResult outOfMemory(const std::string& error, const torch::Device& device);
    std::string lastCheckpointNote() const;  // " The last good checkpoint is kept: …" or that there is none
    void saveOutput(TrainingResult& result);
    TrainingResult finish(TrainingStatus status, const std::string& error = {});
    void log(const std::string& message) const;
    double activeSeconds() const;  // this session's training time, pauses excluded
    bool writesFiles() const { return !group_ || group_->writesFiles(); }
    int worldSize() const { return group_ ? group_->worldSize() : 1; }

    TrainingConfig config_;
    TrainingCallbacks callbacks_;
    std::shared_ptr<ProcessGroup> group_;  // null: one process
    std::shared_ptr<Model> model_;
    std::unique_ptr<TrainingData> data_;
    std::optional<DataFileWatch> dataWatch_;
    std::unique_ptr<Trainable> trainable_;
    std::unique_ptr<AdamW> optimizer_;
    torch::Device device_ = torch::kCPU;
    TrainerState state_;
    std::filesystem::path lastCheckpoint_;
    int64_t lastCheckpointStep_ = -1;
    std::optional<TrainingProgress> last_;
    int64_t trainableParameters_ = 0;
    int64_t totalParameters_ = 0;

    using Clock = std::chrono::steady_clock;
    Clock::time_point sessionStart_;
    double pausedSeconds_ = 0;
    double elapsedBefore_ = 0;  // training time before a resume
    int64_t sessionSteps_ = 0;
    int64_t sessionTokens_ = 0;
};

}  // namespace lora::train
