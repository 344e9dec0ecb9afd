#include "train/config_check.h"

#include "lora/error.h"

#include <cmath>

namespace lora::train {

namespace {

void require(bool ok, const std::string& message)
{
    if (!ok)
        throw Error("training settings: " + message);
}

}  // namespace

void checkTrainingConfig(const TrainingConfig& c)
{
    require(!c.modelDir.empty(), "no model folder given");
    require(!c.dataFile.empty(), "no data file given");
    require(c.maxSteps >= 0, "max_steps must be 0 (use epochs) or more");
    require(c.maxSteps > 0 || (std::isfinite(c.epochs) && c.epochs > 0), "num_train_epochs must be above 0 when max_steps is 0");
    require(c.batchSize >= 1, "the batch size must be at least 1");
    require(c.gradientAccumulation >= 1, "gradient_accumulation_steps must be at least 1");
    require(std::isfinite(c.learningRate) && c.learningRate >= 0, "the learning rate must be a number of at least 0");
    require(std::isfinite(c.weightDecay) && c.weightDecay >= 0, "weight_decay must be a number of at least 0");
    require(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1, "adam betas must be in [0, 1)");
    require(c.epsilon > 0, "adam_epsilon must be above 0");
    require(c.warmupSteps >= 0, "warmup_steps must be 0 or more");
    require(std::isfinite(c.maxGradNorm) && c.maxGradNorm >= 0, "max_grad_norm must be 0 (off) or more");
    require(c.evalSteps >= 0 && c.evalBatches >= 0, "eval_steps and eval_batches must be 0 or more");
    require(c.validationFraction >= 0 && c.validationFraction < 1, "validation_fraction must be in [0, 1)");
    require(c.threads >= 0, "threads must be 0 (default) or more");
    require(c.saveSteps >= 0 && c.saveTotalLimit >= 0, "save_steps and save_total_limit must be 0 or more");
    require(c.saveSteps == 0 || !c.outputDir.empty(), "save_steps needs an output folder for the checkpoints");
    require(!c.saveInitialAdapter || (!c.outputDir.empty() && c.mode == TrainingMode::Lora),
            "save_initial_adapter needs LoRA mode and an output folder");
    // bf16 autocast on a CPU without AMX/AVX512-BF16 is slower than fp32, and CPU autocast is not wired here.
    require(!c.bf16Autocast || c.device.rfind("cuda", 0) == 0, "bf16 autocast needs a CUDA device");
}

}  // namespace lora::train
