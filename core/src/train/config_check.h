#pragma once
#include "lora/training.h"

namespace lora::train {

// Throws lora::Error naming the first setting out of range, before anything is loaded.
void checkTrainingConfig(const TrainingConfig& config);

}  // namespace lora::train
