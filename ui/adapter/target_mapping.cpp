#include "adapter/target_mapping.h"

std::string exactModulePattern(const std::string& moduleName)
{
    // Python's re.escape set is larger; these are the characters that are special inside a pattern and may
    // appear in a module name (dots always, the rest defensively).
    static const std::string special = R"(\.^$|?*+()[]{})";
    std::string out = "^";
    for (char c : moduleName) {
        if (special.find(c) != std::string::npos)
            out += '\\';
        out += c;
    }
    return out;
}

lora::LoraConfig applyGridTargets(lora::LoraConfig base, const std::vector<std::string>& modules,
                                  const std::map<std::string, int>& rankOverrides, const std::string& regex)
{
    base.layersToTransform.clear();
    base.layersPattern.clear();
    if (regex.empty()) {
        base.targetRegex.reset();
        base.targetModules = modules;
    } else {
        base.targetRegex = regex;
        base.targetModules.clear();
    }
    base.rankPattern.clear();
    for (const auto& [name, rank] : rankOverrides)
        base.rankPattern.emplace_back(exactModulePattern(name), rank);
    return base;
}
