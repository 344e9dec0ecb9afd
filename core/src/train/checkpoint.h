#pragma once
// Checkpoints that resume exactly. A checkpoint is a folder checkpoints/step-NNNNNN/ holding:
//   trainable.safetensors   every trainable tensor by name, in its training dtype
//   optimizer.safetensors   AdamW's "<name>.exp_avg" and "<name>.exp_avg_sq"
//   rng.safetensors         torch's default generator states ("cpu", and the device's for CUDA)
//   adapter/                (LoRA) the adapter as a PEFT folder, usable as it is
//   trainer_state.json      step, tokens, AdamW step per tensor, data position and fingerprint, timing, and the
//                           run's configuration; written last
// The folder is written under a temporary name and renamed into place, so a crash never leaves a
// half-written checkpoint under a checkpoint's name.
#include "lora/dataset.h"
#include "lora/training.h"
#include "train/adamw.h"
#include "train/trainable.h"

#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>

namespace lora::train {

struct TrainerState {
    int64_t step = 0;
    int64_t tokens = 0;
    DataPosition data;         // the next batch to train on
    uint64_t dataFingerprint = 0;
    double elapsedSeconds = 0;  // training time so far
    double lastLoss = 0;
};

// Writes checkpointsDir/step-NNNNNN and returns its path.
std::filesystem::path writeCheckpoint(const std::filesystem::path& checkpointsDir, const TrainerState& state,
                                      const Trainable& trainable, const AdamW& optimizer, const TrainingConfig& config,
                                      const torch::Device& device);

// Reads trainer_state.json only (for the CLI and checks before building anything).
TrainerState readTrainerState(const std::filesystem::path& checkpointDir);

// Loads the trainable tensors, the optimizer state and the generator states into a freshly built run and
// returns the trainer state. Throws lora::Error naming the folder when anything is missing or does not fit.
TrainerState restoreCheckpoint(const std::filesystem::path& checkpointDir, Trainable& trainable, AdamW& optimizer,
                               const torch::Device& device);

// Removes the oldest step-* folders beyond `keep` (0 keeps all).
void pruneCheckpoints(const std::filesystem::path& checkpointsDir, int64_t keep);

}  // namespace lora::train
