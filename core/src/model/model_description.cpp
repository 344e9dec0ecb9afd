#include "model/model_description.h"

#include <map>
#include <set>

namespace lora::model {
namespace {

// torch's own containers report their C++ names ("torch::nn::ModuleListImpl"); HF calls them ModuleList.
std::string moduleType(const torch::nn::Module& module)
{
    std::string type = module.name();
    const std::string ns = "torch::nn::";
    if (type.rfind(ns, 0) == 0)
        type = type.substr(ns.size());
    const std::string impl = "Impl";
    if (type.size() > impl.size() && type.compare(type.size() - impl.size(), impl.size(), impl) == 0)
        type.resize(type.size() - impl.size());
    return type;
}

}  // namespace

ModelDescription describeModel(const LanguageModel& model)
{
    const auto& c = model.config();
    ModelDescription d;
    d.modelType = c.modelType;
    d.architecture = model.architecture();
    d.task = taskName(model.task());
    d.numLayers = static_cast<int>(c.numLayers);
    d.hiddenSize = static_cast<int>(c.hiddenSize);
    d.vocabSize = static_cast<int>(c.vocabSize);
    d.numLabels = model.task() == Task::SequenceClassification ? static_cast<int>(c.numLabels) : 0;
    d.tiedEmbeddings = model.task() == Task::CausalLM && c.tieWordEmbeddings;

    // Tied weights are one tensor: counted once, and the later module records which earlier one owns it.
    std::map<const void*, std::string> owner;
    for (const auto& item : model.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
        const auto& module = *item.value();
        ModuleInfo info;
        info.name = item.key();
        info.type = moduleType(module);
        for (const auto& p : module.named_parameters(/*recurse=*/false)) {
            info.parameters += p.value().numel();
            const void* key = p.value().unsafeGetTensorImpl();
            const auto [it, fresh] = owner.emplace(key, info.name);
            if (!fresh && info.tiedTo.empty())
                info.tiedTo = it->second;
            if (p.key() == "weight")
                info.weightShape = p.value().sizes().vec();
        }
        d.modules.push_back(std::move(info));
    }

    std::set<const void*> seen;
    for (const auto& p : model.parameters(/*recurse=*/true))
        if (seen.insert(p.unsafeGetTensorImpl()).second)
            d.totalParameters += p.numel();
    return d;
}

}  // namespace lora::model
