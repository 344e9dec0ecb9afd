#include "analysis/combine_config.h"

#include "lora/error.h"

#include <algorithm>

namespace lora::analysis {
namespace {

// "all-linear" becomes the set of module names it matched, as PEFT expands it before combining.
std::vector<std::string> listedTargets(const Adapter& adapter)
{
    if (!adapter.config().targetsAllLinear())
        return adapter.config().targetModules;
    std::vector<std::string> names;
    for (const auto& t : adapter.targets()) {
        const auto last = t.name.substr(t.name.rfind('.') + 1);
        if (std::find(names.begin(), names.end(), last) == names.end())
            names.push_back(last);
    }
    return names;
}

bool isRegex(const Adapter& adapter)
{
    return adapter.config().targetRegex.has_value() && !adapter.config().targetsAllLinear();
}

}  // namespace

int peftRank(const LoraConfig& config)
{
    int rank = config.r;
    for (const auto& [pattern, r] : config.rankPattern)
        rank = std::max(rank, r);
    return rank;
}

LoraConfig combinedConfig(const std::vector<WeightedAdapter>& inputs, int newRank)
{
    LoraConfig config = inputs.front().adapter->config();
    config.r = newRank;
    config.alpha = newRank;
    config.rankPattern.clear();
    config.alphaPattern.clear();
    config.useRslora = false;
    const bool regex = isRegex(*inputs.front().adapter);
    for (const auto& in : inputs)
        if (isRegex(*in.adapter) != regex)
            throw Error("cannot combine adapters whose target_modules mix a list and a regular expression (as in "
                        "PEFT); retrain one of them with the other's form");
    if (regex) {
        std::string joined;
        for (const auto& in : inputs)
            joined += (joined.empty() ? "(" : "|(") + *in.adapter->config().targetRegex + ")";
        config.targetRegex = joined;
        config.targetModules.clear();
        return config;
    }
    config.targetRegex.reset();
    config.targetModules.clear();
    for (const auto& in : inputs)
        for (const auto& name : listedTargets(*in.adapter))
            if (std::find(config.targetModules.begin(), config.targetModules.end(), name) ==
                config.targetModules.end())
                config.targetModules.push_back(name);
    return config;
}

}  // namespace lora::analysis
