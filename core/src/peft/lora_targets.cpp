#include "lora/lora_targets.h"

#include "common/pattern.h"
#include "lora/error.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace lora {
namespace {

bool isAdaptableType(const std::string& type) { return type == "Linear" || type == "Conv1D"; }

bool nameMatchesList(const std::string& name, const std::vector<std::string>& entries)
{
    for (const auto& e : entries)
        if (name == e || (name.size() > e.size() && name.ends_with(e) && name[name.size() - e.size() - 1] == '.'))
            return true;
    return false;
}

// The output head all-linear leaves alone: the LM head for causal LMs, the classifier for SEQ_CLS.
std::set<std::string> allLinearExclusions(const ModelDescription& model, const LoraConfig& config)
{
    std::set<std::string> names;
    if (model.task == "causal-lm")
        names.insert("lm_head");
    else if (config.taskType == "SEQ_CLS" || model.task == "sequence-classification")
        for (const char* head : {"score", "classifier"})
            names.insert(head);
    return names;
}

std::optional<int> layerIndexWithPatterns(const std::string& name, const std::vector<std::string>& patterns)
{
    if (patterns.empty()) {
        const int i = layerIndexOf(name);
        return i < 0 ? std::nullopt : std::optional<int>(i);
    }
    for (const auto& p : patterns) {
        Pattern re("(?:^|.*?\\.)" + p + "\\.(?P<idx>\\d+)\\.", "layers_pattern");
        if (auto idx = re.matchGroup(name, 1))
            return std::stoi(*idx);
    }
    return std::nullopt;
}

// PEFT's test for "this module is, or is inside, a modules_to_save entry".
bool insideModule(const std::string& name, const std::string& saved)
{
    return Pattern("(^|.*\\.)" + saved + "($|\\..*)", "modules_to_save").fullMatch(name);
}

std::string joinNames(const std::vector<const ModuleInfo*>& modules)
{
    std::set<std::string> kinds;
    for (const auto* m : modules)
        kinds.insert(moduleKind(m->name));
    std::string out;
    for (const auto& k : kinds)
        out += (out.empty() ? "" : ", ") + k;
    return out;
}

}  // namespace

int layerIndexOf(const std::string& moduleName)
{
    // PEFT: re.match(r".*?\.[^.]*\.(?P<idx>\d+)\.", key) — the first numbered segment after a named one.
    static const Pattern re(".*?\\.[^.]*\\.(?P<idx>\\d+)\\.", "layer index");
    if (auto idx = re.matchGroup(moduleName, 1))
        return std::stoi(*idx);
    return -1;
}

std::string moduleKind(const std::string& moduleName)
{
    static const Pattern re("(?:.*?\\.)?[^.]*\\.\\d+\\.(.*)", "module kind");
    if (auto rest = re.matchGroup(moduleName, 1))
        return *rest;
    return moduleName;
}

std::vector<const ModuleInfo*> adaptableModules(const ModelDescription& model)
{
    std::vector<const ModuleInfo*> out;
    for (const auto& m : model.modules)
        if (isAdaptableType(m.type))
            out.push_back(&m);
    return out;
}

std::vector<std::string> effectiveModulesToSave(const ModelDescription& model, const LoraConfig& config)
{
    std::vector<std::string> names = config.modulesToSave;
    if (config.taskType == "SEQ_CLS") {
        for (const char* head : {"classifier", "score"}) {
            const bool present = std::any_of(model.modules.begin(), model.modules.end(),
                                             [&](const ModuleInfo& m) { return m.name == head; });
            if (present && std::find(names.begin(), names.end(), head) == names.end())
                names.push_back(head);
        }
    }
    return names;
}

std::vector<LoraTarget> selectTargets(const ModelDescription& model, const LoraConfig& config)
{
    if (config.r < 1)
        throw Error("LoRA rank r must be at least 1 (it is " + std::to_string(config.r) + ")");
    std::optional<Pattern> targetRe;
    if (config.targetRegex && !config.targetsAllLinear())
        targetRe.emplace(*config.targetRegex, "target_modules");
    std::optional<Pattern> excludeRe;
    if (config.excludeRegex)
        excludeRe.emplace(*config.excludeRegex, "exclude_modules");
    const auto allLinearSkip = allLinearExclusions(model, config);
    const auto toSave = effectiveModulesToSave(model, config);

    std::vector<LoraTarget> targets;
    for (const auto& m : model.modules) {
        if (m.name.empty())
            continue;
        if (excludeRe ? excludeRe->fullMatch(m.name) : nameMatchesList(m.name, config.excludeModules))
            continue;
        // Never adapt inside a module that is trained and saved whole (PEFT excludes these too).
        if (std::any_of(toSave.begin(), toSave.end(), [&](const std::string& saved) { return insideModule(m.name, saved); }))
            continue;

        bool found = false;
        if (config.targetsAllLinear())
            found = isAdaptableType(m.type) && !allLinearSkip.count(m.name);
        else if (targetRe)
            found = targetRe->fullMatch(m.name);
        else
            found = nameMatchesList(m.name, config.targetModules);
        if (found && !config.layersToTransform.empty() && !targetRe) {
            const auto layer = layerIndexWithPatterns(m.name, config.layersPattern);
            found = layer && std::find(config.layersToTransform.begin(), config.layersToTransform.end(), *layer) !=
                                 config.layersToTransform.end();
        }
        if (!found)
            continue;
        if (!isAdaptableType(m.type))
            throw Error("target module '" + m.name + "' is a " + m.type +
                        "; LoRA Studio adapts Linear and Conv1D modules only. Name the linear layers inside it, "
                        "e.g. " + joinNames(adaptableModules(model)));
        if (m.weightShape.size() != 2)
            throw Error("target module '" + m.name + "' has no 2-D weight");
        LoraTarget t;
        t.name = m.name;
        t.type = m.type;
        t.fanInFanOut = m.type == "Conv1D";
        t.inFeatures = t.fanInFanOut ? m.weightShape[0] : m.weightShape[1];
        t.outFeatures = t.fanInFanOut ? m.weightShape[1] : m.weightShape[0];
        t.rank = config.rankFor(m.name);
        t.alpha = config.alphaFor(m.name);
        t.scaling = config.scalingFor(m.name);
        t.layer = layerIndexOf(m.name);
        targets.push_back(t);
    }
    if (targets.empty()) {
        std::string wanted = config.targetRegex ? "'" + *config.targetRegex + "'" : std::string();
        for (const auto& t : config.targetModules)
            wanted += (wanted.empty() ? "" : ", ") + t;
        throw Error("the LoRA target modules (" + wanted + ") match no module of this " + model.architecture +
                    " model" + (config.layersToTransform.empty() ? "" : " in the chosen layers") +
                    ". Its adaptable modules are: " + joinNames(adaptableModules(model)));
    }
    return targets;
}

std::string ParameterBudget::peftSummary() const
{
    auto grouped = [](int64_t n) {
        std::string digits = std::to_string(n), out;
        for (size_t i = 0; i < digits.size(); ++i) {
            if (i && (digits.size() - i) % 3 == 0)
                out += ',';
            out += digits[i];
        }
        return out;
    };
    char pct[64];
    std::snprintf(pct, sizeof pct, "%.4f", total ? 100.0 * double(trainable) / double(total) : 0.0);
    return "trainable params: " + grouped(trainable) + " || all params: " + grouped(total) + " || trainable%: " + pct;
}

ParameterBudget computeBudget(const ModelDescription& model, const std::vector<LoraTarget>& targets,
                              const LoraConfig& config)
{
    ParameterBudget b;
    b.baseParameters = model.totalParameters;
    b.fullFineTuneParameters = model.totalParameters;
    for (const auto& t : targets) {
        const int64_t n = t.loraParameters(config.useDora);
        b.trainable += n;
        b.perModule.emplace_back(t.name, n);
        b.perLayer[t.layer] += n;
    }
    // modules_to_save: PEFT keeps the original frozen and trains a copy, so both count in "all params".
    for (const auto& saved : effectiveModulesToSave(model, config)) {
        int64_t n = 0;
        for (const auto& m : model.modules)
            if (insideModule(m.name, saved))
                n += m.parameters;
        if (n > 0) {
            b.trainable += n;
            b.perModule.emplace_back(saved, n);
            b.perLayer[-1] += n;
        }
    }
    b.total = b.baseParameters + b.trainable;
    b.adapterBytes = b.trainable * 4;
    b.trainablePercent = b.total ? 100.0 * double(b.trainable) / double(b.total) : 0.0;
    return b;
}

}  // namespace lora
