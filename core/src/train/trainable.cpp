#include "train/trainable.h"

#include "adapter/peft_folder.h"
#include "engine/model_impl.h"
#include "lora/error.h"
#include "lora/lora_targets.h"
#include "train/full_model_folder.h"

namespace lora::train {

std::unique_ptr<Trainable> Trainable::lora(Model& model, const LoraConfig& config, uint64_t seed)
{
    auto& network = *model.impl().network;
    LoraConfig c = config;
    if (c.baseModelNameOrPath.empty())
        c.baseModelNameOrPath = model.directory().string();
    // PEFT records the task; a classifier's adapter is SEQ_CLS whatever the default said.
    if (model.description().task == "sequence-classification" && c.taskType == "CAUSAL_LM")
        c.taskType = "SEQ_CLS";
    const auto targets = selectTargets(model.description(), c);
    adapter::setBaseTrainable(network, false);
    std::unique_ptr<Trainable> t(new Trainable(model));
    t->adapter_ = adapter::LoraAdapter::create(network, c, targets, seed);
    t->adapter_->attach(network);
    t->named_ = t->adapter_->namedTensors();
    for (auto& [name, tensor] : t->named_)
        tensor.set_requires_grad(true);
    return t;
}

std::unique_ptr<Trainable> Trainable::full(Model& model)
{
    auto& network = *model.impl().network;
    adapter::LoraAdapter::detach(network);
    adapter::setBaseTrainable(network, true);
    std::unique_ptr<Trainable> t(new Trainable(model));
    t->named_ = uniqueNamedParameters(network);
    return t;
}

Trainable::~Trainable()
{
    // The model may be used after the run (the GUI keeps it loaded): leave it as loaded, frozen, no branch.
    auto& network = *model_.impl().network;
    if (adapter_)
        adapter::LoraAdapter::detach(network);
    adapter::setBaseTrainable(network, false);
    network.eval();
}

std::vector<torch::Tensor> Trainable::tensors() const
{
    std::vector<torch::Tensor> out;
    for (const auto& [name, tensor] : named_)
        out.push_back(tensor);
    return out;
}

int64_t Trainable::parameterCount() const
{
    int64_t n = 0;
    for (const auto& [name, tensor] : named_)
        n += tensor.numel();
    return n;
}

void Trainable::setTraining(bool training)
{
    model_.impl().network->train(training);
    if (adapter_)
        adapter_->setTraining(training);
}

void Trainable::load(const std::map<std::string, torch::Tensor>& tensors, const std::string& source)
{
    torch::NoGradGuard noGrad;
    for (auto& [name, tensor] : named_) {
        const auto it = tensors.find(name);
        if (it == tensors.end())
            throw Error(source + ": the checkpoint has no tensor '" + name +
                        "' (was it written by a run with other LoRA targets or another mode?)");
        if (it->second.sizes() != tensor.sizes())
            throw Error(source + ": tensor '" + name + "' has another shape than this run's (another rank or model?)");
        tensor.copy_(it->second);
    }
}

void Trainable::save(const std::filesystem::path& dir) const
{
    if (adapter_)
        adapter::savePeftFolder(*adapter_, dir);
    else
        saveFullModelFolder(model_, dir);
}

}  // namespace lora::train
