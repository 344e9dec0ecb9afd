#include "adapter/lora_adapter.h"

#include "adapter/pissa.h"
#include "lora/error.h"
#include "model/language_model.h"
#include "model/linear.h"
#include "model/model_description.h"

#include <cmath>

namespace lora::adapter {

model::LinearImpl& findLinear(model::LanguageModel& network, const std::string& name)
{
    for (const auto& item : network.named_modules("", /*include_self=*/false)) {
        if (item.key() != name)
            continue;
        if (auto* linear = dynamic_cast<model::LinearImpl*>(item.value().get()))
            return *linear;
        throw Error("module '" + name + "' is not a Linear or Conv1D projection");
    }
    throw Error("the model has no module named '" + name + "'");
}

std::vector<std::string> savedModuleEntries(model::LanguageModel& network, const LoraConfig& config)
{
    if (config.modulesToSave.empty() && config.taskType != "SEQ_CLS")
        return {};  // nothing to look up: skip describing the model
    return effectiveModulesToSave(model::describeModel(network), config);
}

bool weightIsShared(model::LanguageModel& network, const model::LinearImpl& linear)
{
    int uses = 0;
    for (const auto& p : network.named_parameters(/*recurse=*/true))
        uses += p.value().is_same(linear.weight) ? 1 : 0;
    return uses > 1;
}

void setBaseTrainable(model::LanguageModel& network, bool trainable)
{
    for (auto& p : network.parameters())
        p.set_requires_grad(trainable);
}

namespace {

LoraBranch makeBranch(const LoraTarget& t, const LoraConfig& config, const model::LinearImpl& base)
{
    const auto options = torch::TensorOptions().dtype(base.weight.scalar_type()).device(base.weight.device());
    return LoraBranch(t.inFeatures, t.outFeatures, t.rank, t.scaling, config.dropout, config.useDora, options);
}

void checkShape(const model::LinearImpl& base, const LoraTarget& t)
{
    if (base.inFeatures() != t.inFeatures || base.outFeatures() != t.outFeatures)
        throw Error("LoRA target '" + t.name + "' expects a " + std::to_string(t.outFeatures) + "x" +
                    std::to_string(t.inFeatures) + " projection but the model's is " +
                    std::to_string(base.outFeatures()) + "x" + std::to_string(base.inFeatures()));
}

std::string shapeText(const torch::Tensor& t)
{
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i)
        s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
}

void checkPissaPossible(model::LanguageModel& network, const LoraConfig& config, const std::vector<LoraTarget>& targets)
{
    if (config.useDora)
        throw Error("PiSSA initialisation cannot be combined with DoRA here: its adapters could not be converted "
                    "back to plain LoRA for the original base model");
    for (const auto& t : targets) {
        if (weightIsShared(network, findLinear(network, t.name)))
            throw Error("PiSSA would rewrite '" + t.name + "', whose weight is tied to another module; leave it "
                        "out of the targets");
        if (t.rank > std::min(t.inFeatures, t.outFeatures))
            throw Error("PiSSA needs a rank of at most min(in, out) features; '" + t.name + "' is " +
                        std::to_string(t.outFeatures) + "x" + std::to_string(t.inFeatures) + " and its rank is " +
                        std::to_string(t.rank));
    }
}

}  // namespace

std::shared_ptr<LoraAdapter> LoraAdapter::create(model::LanguageModel& network, const LoraConfig& config,
                                                 const std::vector<LoraTarget>& targets, uint64_t seed)
{
    auto adapter = std::make_shared<LoraAdapter>();
    adapter->config_ = config;
    adapter->targets_ = targets;
    torch::NoGradGuard noGrad;
    if (config.init == LoraInit::Pissa)
        checkPissaPossible(network, config, targets);  // before any base weight is rewritten
    // CPU generator: the same seed gives the same initial adapter on any device.
    auto generator = at::detail::createCPUGenerator(seed);
    for (const auto& t : targets) {
        auto& base = findLinear(network, t.name);
        checkShape(base, t);
        auto branch = makeBranch(t, config, base);
        const auto cpu = torch::TensorOptions().dtype(torch::kFloat32);
        torch::Tensor a;
        switch (config.init) {
        case LoraInit::Default: {
            const double bound = 1.0 / std::sqrt(static_cast<double>(t.inFeatures));
            a = torch::empty({t.rank, t.inFeatures}, cpu).uniform_(-bound, bound, generator);
            break;
        }
        case LoraInit::Gaussian:
            a = torch::empty({t.rank, t.inFeatures}, cpu).normal_(0.0, 1.0 / t.rank, generator);
            break;
        case LoraInit::Zero:
            a = torch::zeros({t.rank, t.inFeatures}, cpu);
            break;
        case LoraInit::Pissa:
            break;
        }
        if (config.init == LoraInit::Pissa) {
            auto [pa, pb] = pissaInit(base, t.rank, t.scaling);
            branch->A.copy_(pa);
            branch->B.copy_(pb);
            adapter->pissaInitial_[t.name] = {branch->A.detach().clone(), branch->B.detach().clone()};
        } else {
            branch->A.copy_(a);
            branch->B.zero_();
        }
        if (branch->dora())
            branch->magnitude.copy_(branch->weightNorm(base));
        adapter->branches_.emplace(t.name, branch);
    }
    adapter->saved_ = copySavedModules(network, savedModuleEntries(network, config));
    return adapter;
}

std::shared_ptr<LoraAdapter> LoraAdapter::fromTensors(model::LanguageModel& network, const LoraConfig& config,
                                                      const std::vector<LoraTarget>& targets,
                                                      const std::map<std::string, torch::Tensor>& tensors,
                                                      const std::string& source)
{
    auto adapter = std::make_shared<LoraAdapter>();
    adapter->config_ = config;
    adapter->targets_ = targets;
    torch::NoGradGuard noGrad;
    for (const auto& t : targets) {
        auto& base = findLinear(network, t.name);
        checkShape(base, t);
        auto branch = makeBranch(t, config, base);
        for (auto& [peftName, param] : branch->peftTensors()) {
            const std::string key = t.name + "." + peftName;
            const auto it = tensors.find(key);
            if (it == tensors.end())
                throw Error(source + ": missing tensor '" + key + "' (is this adapter for this base model?)");
            if (it->second.sizes() != param.sizes())
                throw Error(source + ": tensor '" + key + "' has shape " + shapeText(it->second) + " but the base model and rank " +
                            std::to_string(t.rank) + " need " + shapeText(param) +
                            " — the adapter was trained on a different base model or with another rank");
            param.copy_(it->second);
        }
        adapter->branches_.emplace(t.name, branch);
    }
    adapter->saved_ = copySavedModules(network, savedModuleEntries(network, config));
    for (auto& copy : adapter->saved_) {
        for (auto* param : {&copy.weight, &copy.bias}) {
            if (!param->defined())
                continue;
            const std::string key = copy.name + (param == &copy.weight ? ".weight" : ".bias");
            const auto it = tensors.find(key);
            if (it == tensors.end())
                throw Error(source + ": missing tensor '" + key + "' (modules_to_save '" + copy.name +
                            "' is trained with the adapter and must be saved with it)");
            if (it->second.sizes() != param->sizes())
                throw Error(source + ": tensor '" + key + "' has shape " + shapeText(it->second) + " but the base model's is " +
                            shapeText(*param) + " — the adapter was trained on a different base model");
            param->copy_(it->second);
        }
    }
    return adapter;
}

std::vector<std::pair<std::string, torch::Tensor>> LoraAdapter::namedTensors() const
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& t : targets_)
        for (const auto& [peftName, tensor] : branches_.at(t.name)->peftTensors())
            out.emplace_back(t.name + "." + peftName, tensor);
    for (const auto& copy : saved_) {
        out.emplace_back(copy.name + ".weight", copy.weight);
        if (copy.bias.defined())
            out.emplace_back(copy.name + ".bias", copy.bias);
    }
    return out;
}

std::vector<torch::Tensor> LoraAdapter::parameters() const
{
    std::vector<torch::Tensor> out;
    for (const auto& t : targets_)
        for (auto& p : branches_.at(t.name)->parameters())
            out.push_back(p);
    for (const auto& copy : saved_) {
        out.push_back(copy.weight);
        if (copy.bias.defined())
            out.push_back(copy.bias);
    }
    return out;
}

int64_t LoraAdapter::parameterCount() const
{
    int64_t n = 0;
    for (const auto& p : parameters())
        n += p.numel();
    return n;
}

void LoraAdapter::setScale(double multiplier)
{
    for (const auto& target : targets_)
        branches_.at(target.name)->setScaling(target.scaling * multiplier);
}

const LoraBranch& LoraAdapter::branch(const std::string& moduleName) const
{
    const auto it = branches_.find(moduleName);
    if (it == branches_.end())
        throw Error("the adapter has no LoRA branch on '" + moduleName + "'");
    return it->second;
}

void LoraAdapter::attach(model::LanguageModel& network) const
{
    detach(network);
    for (const auto& t : targets_)
        findLinear(network, t.name).attachLora(branches_.at(t.name).ptr());
    attachSavedModules(network);
}

void LoraAdapter::attachSavedModules(model::LanguageModel& network) const
{
    for (const auto& copy : saved_)
        useSavedCopy(findLinear(network, copy.name), copy);
}

void LoraAdapter::detach(model::LanguageModel& network)
{
    for (const auto& item : network.named_modules("", false))
        if (auto* linear = dynamic_cast<model::LinearImpl*>(item.value().get())) {
            linear->detachLora();
            useRegisteredWeights(*linear);
        }
}

void LoraAdapter::setTraining(bool training)
{
    for (auto& [name, branch] : branches_)
        branch->train(training);
}

}  // namespace lora::adapter
