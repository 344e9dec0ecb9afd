#pragma once
// The torch-free description of a built model (lora::ModelDescription) for the UI, the CLI and LoRA target
// selection: every module by its HF name, its type and its own parameters.
#include "lora/model.h"
#include "model/language_model.h"

namespace lora::model {

ModelDescription describeModel(const LanguageModel& model);

}  // namespace lora::model
