#pragma once
// modules_to_save (PEFT's ModulesToSaveWrapper): whole modules, typically a sequence-classification head, that
// an adapter trains as full copies and saves under the module's own names ("classifier.weight").
// The copies belong to the adapter. Attaching points the network's projection at them; the network's
// registered parameters are never replaced, so detaching restores the base exactly.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace lora::model {
class LanguageModel;
class LinearImpl;
}  // namespace lora::model

namespace lora::adapter {

// The trainable copy of one projection inside a saved module.
struct SavedLinear {
    std::string name;     // the projection's full HF name ("classifier")
    torch::Tensor weight;  // same layout as the base weight
    torch::Tensor bias;    // undefined when the base has none
};

// Copies of every projection inside the modules that `entries` name. An entry matches a module whose name
// equals it or ends with ".<entry>", as PEFT matches modules_to_save; entries matching nothing are skipped
// (PEFT's SEQ_CLS default lists both "classifier" and "score"). A matched module holding parameters outside a
// Linear/Conv1D is an error: only projections can be swapped without touching the base.
std::vector<SavedLinear> copySavedModules(model::LanguageModel& network, const std::vector<std::string>& entries);

// Points the projection at the adapter's copy (forward uses linear.weight/bias).
void useSavedCopy(model::LinearImpl& linear, const SavedLinear& copy);
// Points the projection back at its own registered parameters.
void useRegisteredWeights(model::LinearImpl& linear);

}  // namespace lora::adapter
