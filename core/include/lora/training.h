#pragma once
// Training a LoRA adapter (or, as the baseline LoRA is compared against, the whole model) on a dataset.
// Torch-free: the UI and the CLI describe a run with TrainingConfig and watch it through callbacks.
//
// What one optimizer step computes, so runs can be compared with Hugging Face's:
//  - Causal LM loss: cross-entropy of logits[:, :-1] against labels[:, 1:], positions labelled kIgnoreIndex left
//    out, averaged over the counted tokens (transformers' ForCausalLMLoss). With gradient accumulation the
//    token count is that of all micro-batches of the step, so the step's loss and gradient equal those of one
//    batch holding every micro-batch (what transformers' Trainer does with num_items_in_batch).
//  - Sequence classification loss: cross-entropy on the class ids, averaged over the rows of the step.
//  - AdamW exactly as torch.optim.AdamW (decoupled weight decay p *= 1 - lr*wd, then Adam with bias correction),
//    over every trainable parameter (no parameter groups). Gradients are clipped to max_grad_norm over all
//    trainable parameters together (torch.nn.utils.clip_grad_norm_); the reported norm is the one before clipping.
//  - Learning rate: transformers' get_{constant,linear,cosine}_schedule_with_warmup; optimizer step k (1-based)
//    uses the factor of scheduler step k-1, so with warmup the first step has learning rate 0, as in transformers.
//  - The base model runs without its own dropout (core's architectures have none); lora_dropout applies.
#include "lora/dataset.h"
#include "lora/lora_config.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace lora {

enum class TrainingMode { Lora, Full };                    // "lora", "full"
enum class LearningRateSchedule { Constant, Linear, Cosine };  // "constant", "linear", "cosine"

struct TrainingConfig {
    std::filesystem::path modelDir;       // "model": a Hugging Face model folder
    std::filesystem::path tokenizerFile;  // "tokenizer": empty means modelDir/tokenizer.json
    std::filesystem::path dataFile;       // "data"
    DatasetOptions dataset;               // "dataset": {format, block_size, max_length, bad_rows, ...}

    TrainingMode mode = TrainingMode::Lora;  // "mode"
    LoraConfig lora;                         // "lora": adapter_config.json's keys (r, lora_alpha, target_modules...)

    int64_t maxSteps = 0;      // "max_steps": optimizer steps; 0 means from epochs
    double epochs = 1.0;       // "num_train_epochs": may be fractional; used when maxSteps is 0
    int64_t batchSize = 8;     // "per_device_train_batch_size": examples per micro-batch
    int64_t gradientAccumulation = 1;  // "gradient_accumulation_steps": micro-batches per optimizer step
    bool shuffle = true;       // "shuffle": reshuffle the training examples every epoch (seeded)

    double learningRate = 2e-4;  // "learning_rate"
    double weightDecay = 0.01;   // "weight_decay" (torch.optim.AdamW's default)
    double beta1 = 0.9;          // "adam_beta1"
    double beta2 = 0.999;        // "adam_beta2"
    double epsilon = 1e-8;       // "adam_epsilon"
    int64_t warmupSteps = 0;     // "warmup_steps"
    LearningRateSchedule schedule = LearningRateSchedule::Linear;  // "lr_scheduler_type"
    double maxGradNorm = 1.0;    // "max_grad_norm": 0 turns clipping off

    int64_t evalSteps = 0;            // "eval_steps": evaluate every N steps (and at the end); 0: only at the end
    int64_t evalBatches = 0;          // "eval_batches": batches per evaluation; 0: the whole validation split
    double validationFraction = 0.0;  // "validation_fraction": held out of training, in [0, 1)

    uint64_t seed = 42;               // "seed": adapter init, data split, shuffling, dropout
    std::string device = "cpu";       // "device": cpu, cuda, cuda:N
    std::string dtype = "float32";    // "dtype": the model's weights: float32, bfloat16, float16
    bool bf16Autocast = false;        // "bf16": bfloat16 autocast of the forward pass (CUDA only)
    int threads = 0;                  // "threads": intra-op threads of the training thread; 0 keeps the default

    std::filesystem::path outputDir;  // "output_dir": the adapter (or model) and checkpoints/ go here
    int64_t saveSteps = 0;            // "save_steps": checkpoint every N steps; 0: only when stopped
    int64_t saveTotalLimit = 0;       // "save_total_limit": keep the newest N checkpoints; 0 keeps all
    std::filesystem::path resumeFrom;  // "resume_from_checkpoint": a checkpoint folder to continue from
    bool saveInitialAdapter = false;  // "save_initial_adapter": also write the untrained adapter (step 0) to
                                      // outputDir/initial_adapter, so other tools can start from the same A and B
};

// JSON with the keys named above (a run file for `lora-cli train --config`). Unknown keys are errors so a
// misspelt setting is never silently ignored. Throws lora::Error naming the file and the key.
std::string trainingConfigToJson(const TrainingConfig& config);
TrainingConfig trainingConfigFromJson(const std::string& json, const std::filesystem::path& file);
TrainingConfig readTrainingConfig(const std::filesystem::path& file);

// The configuration a checkpoint folder (output_dir/checkpoints/step-N) was written with.
TrainingConfig readCheckpointConfig(const std::filesystem::path& checkpointDir);

std::string scheduleName(LearningRateSchedule schedule);
LearningRateSchedule parseSchedule(const std::string& name);  // throws lora::Error listing the names
std::string trainingModeName(TrainingMode mode);
TrainingMode parseTrainingMode(const std::string& name);

// The multiplier of the base learning rate at scheduler step `step` (0-based) of `totalSteps`, exactly as
// transformers' get_*_schedule_with_warmup lambdas compute it.
double learningRateFactor(LearningRateSchedule schedule, int64_t step, int64_t warmupSteps, int64_t totalSteps);

// Reported after every optimizer step.
struct TrainingProgress {
    int64_t step = 0;        // optimizer steps done
    int64_t totalSteps = 0;
    double epoch = 0;        // fractional: micro-batches consumed / micro-batches per epoch
    int64_t tokens = 0;      // real (non-padding) input tokens trained on so far, this run and before a resume
    double trainLoss = 0;    // this step's loss
    std::optional<double> valLoss;  // set on the steps that evaluated
    double learningRate = 0;  // used by this step
    double gradNorm = 0;      // before clipping
    double tokensPerSecond = 0;  // since start (or resume), paused time excluded
    double elapsedSeconds = 0;   // training time, paused time excluded, including time before a resume
    double etaSeconds = 0;
    int64_t trainableParameters = 0;  // what the run trains (the adapter, or every weight when full)
    int64_t totalParameters = 0;      // the model's, plus the adapter's (PEFT's "all params")
};

enum class TrainingStatus { Completed, Stopped, Failed };

struct TrainingResult {
    TrainingStatus status = TrainingStatus::Failed;
    std::string error;  // Failed: what went wrong, for the user
    std::optional<TrainingProgress> finalMetrics;  // the last step's (absent when no step ran)
    std::filesystem::path adapterDir;     // the saved adapter (LoRA) or model folder (full), if one was written
    std::filesystem::path lastCheckpoint;  // the newest checkpoint written or resumed from, if any
};

std::string statusName(TrainingStatus status);  // "completed", "stopped", "failed"

// Callbacks run on the thread that trains. All are optional.
struct TrainingCallbacks {
    std::function<void(const TrainingProgress&)> progress;
    std::function<void(const std::string&)> log;
    // Asked before every optimizer step: false stops the run there (a checkpoint and the adapter are saved).
    // It may block, which pauses training; time spent in it is not counted as training time.
    std::function<bool()> proceed;
    // After a checkpoint folder was written (and renamed into place): its path and step.
    std::function<void(const std::filesystem::path&, int64_t step)> checkpoint;
};

// Trains synchronously on the calling thread. Never throws: every error becomes a Failed result. Errors in
// the configuration, the model or the data (an empty dataset included) are reported before any step runs.
// A loss or gradient that is not finite stops the run as Failed with a message naming the step; checkpoints
// already written are kept and nothing is written for the failed step.
TrainingResult runTraining(const TrainingConfig& config, const TrainingCallbacks& callbacks = {});

// Data-parallel (lora/distributed.h): every rank of `group` calls this with the same configuration; each trains
// on its shard of every global batch (batchSize × world size), the LoRA gradients and the loss are all-reduced,
// and only rank 0 writes checkpoints and the adapter (the other ranks' results have no adapterDir). A null group
// trains alone.
class ProcessGroup;
TrainingResult runTraining(const TrainingConfig& config, const TrainingCallbacks& callbacks,
                           std::shared_ptr<ProcessGroup> group);

}  // namespace lora
