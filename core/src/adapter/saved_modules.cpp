#include "adapter/saved_modules.h"

#include "lora/error.h"
#include "model/language_model.h"
#include "model/linear.h"

#include <set>

namespace lora::adapter {
namespace {

bool matchesEntry(const std::string& name, const std::string& entry)
{
    return name == entry ||
           (name.size() > entry.size() && name.compare(name.size() - entry.size(), entry.size(), entry) == 0 &&
            name[name.size() - entry.size() - 1] == '.');
}

bool inside(const std::string& name, const std::string& parent)
{
    return name == parent || name.rfind(parent + ".", 0) == 0;
}

}  // namespace

std::vector<SavedLinear> copySavedModules(model::LanguageModel& network, const std::vector<std::string>& entries)
{
    torch::NoGradGuard noGrad;
    std::vector<SavedLinear> out;
    std::set<std::string> taken;
    const auto modules = network.named_modules("", /*include_self=*/false);
    for (const auto& item : modules) {
        const std::string& name = item.key();
        bool wanted = false;
        for (const auto& e : entries)
            wanted = wanted || matchesEntry(name, e);
        if (!wanted)
            continue;
        size_t linearParams = 0;
        for (const auto& sub : modules) {
            if (!inside(sub.key(), name))
                continue;
            auto* linear = dynamic_cast<model::LinearImpl*>(sub.value().get());
            if (!linear)
                continue;
            linearParams += linear->parameters(false).size();
            if (!taken.insert(sub.key()).second)
                continue;  // inside an earlier match
            SavedLinear copy{sub.key(), linear->weight.detach().clone().set_requires_grad(true), {}};
            if (linear->hasBias())
                copy.bias = linear->bias.detach().clone().set_requires_grad(true);
            out.push_back(std::move(copy));
        }
        if (item.value()->parameters(/*recurse=*/true).size() != linearParams)
            throw Error("modules_to_save '" + name + "' is a " + item.value()->name() +
                        " with parameters outside Linear layers; LoRA Studio trains copies of Linear/Conv1D "
                        "modules only (such as a classification head)");
    }
    return out;
}

void useSavedCopy(model::LinearImpl& linear, const SavedLinear& copy)
{
    linear.weight = copy.weight;
    if (linear.hasBias())
        linear.bias = copy.bias;
}

void useRegisteredWeights(model::LinearImpl& linear)
{
    const auto own = linear.named_parameters(/*recurse=*/false);
    linear.weight = own["weight"];
    if (const auto* b = own.find("bias"))
        linear.bias = *b;
}

}  // namespace lora::adapter
