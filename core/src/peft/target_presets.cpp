#include "lora/target_presets.h"

#include "lora/error.h"
#include "lora/lora_targets.h"

namespace lora {
namespace {

std::string firstSegment(const std::string& kind) { return kind.substr(0, kind.find('.')); }
std::string lastSegment(const std::string& kind)
{
    const auto dot = kind.rfind('.');
    return dot == std::string::npos ? kind : kind.substr(dot + 1);
}

bool oneOf(const std::string& s, std::initializer_list<const char*> names)
{
    for (const char* n : names)
        if (s == n)
            return true;
    return false;
}

}  // namespace

std::string targetPresetId(TargetPreset preset)
{
    switch (preset) {
    case TargetPreset::QueryValue: return "qv";
    case TargetPreset::Attention: return "attention";
    case TargetPreset::Mlp: return "mlp";
    case TargetPreset::AllLinear: return "all-linear";
    }
    return "qv";
}

std::optional<TargetPreset> parseTargetPreset(const std::string& id)
{
    for (auto p : allTargetPresets())
        if (targetPresetId(p) == id)
            return p;
    if (id == "q+v")
        return TargetPreset::QueryValue;
    if (id == "attn")
        return TargetPreset::Attention;
    if (id == "all")
        return TargetPreset::AllLinear;
    return std::nullopt;
}

std::vector<TargetPreset> allTargetPresets()
{
    return {TargetPreset::QueryValue, TargetPreset::Attention, TargetPreset::Mlp, TargetPreset::AllLinear};
}

// Block layouts of the supported families: Llama/Mistral/Qwen2 "self_attn.*" and "mlp.*", GPT-2 "attn.*"
// and "mlp.*", BERT "attention.self.*"/"attention.output.dense" and "intermediate.dense"/"output.dense".
bool isAttentionKind(const std::string& kind)
{
    return kind.find('.') != std::string::npos &&
           oneOf(firstSegment(kind), {"self_attn", "attn", "attention", "self_attention"});
}

bool isMlpKind(const std::string& kind)
{
    return kind.find('.') != std::string::npos &&
           oneOf(firstSegment(kind), {"mlp", "intermediate", "output", "feed_forward", "ffn"});
}

bool isQueryValueKind(const std::string& kind)
{
    return isAttentionKind(kind) &&
           oneOf(lastSegment(kind), {"q_proj", "v_proj", "query", "value", "c_attn", "qkv_proj", "query_key_value"});
}

std::set<std::string> presetModules(const ModelDescription& model, TargetPreset preset, int lastLayers)
{
    std::set<std::string> names;
    if (preset == TargetPreset::AllLinear) {
        // core's own "all-linear" decides which head is left out, so the preset always agrees with PEFT.
        LoraConfig config;
        config.targetRegex = "all-linear";
        config.taskType = model.task == "sequence-classification" ? "SEQ_CLS" : "CAUSAL_LM";
        try {
            for (const auto& t : selectTargets(model, config))
                names.insert(t.name);
        } catch (const std::exception&) {
            // A model without linear layers: nothing to adapt.
        }
    } else {
        for (const auto* m : adaptableModules(model)) {
            if (layerIndexOf(m->name) < 0)
                continue;  // attention/MLP/q+v are parts of a block
            const std::string kind = moduleKind(m->name);
            const bool wanted = preset == TargetPreset::QueryValue ? isQueryValueKind(kind)
                                : preset == TargetPreset::Attention ? isAttentionKind(kind)
                                                                     : isMlpKind(kind);
            if (wanted)
                names.insert(m->name);
        }
    }
    if (lastLayers > 0) {
        const int first = model.numLayers - lastLayers;
        std::erase_if(names, [&](const std::string& n) { return layerIndexOf(n) < first; });
    }
    return names;
}

void applyTargetPreset(LoraConfig& config, const ModelDescription& model, TargetPreset preset)
{
    if (preset == TargetPreset::AllLinear) {
        config.targetModules.clear();
        config.targetRegex = "all-linear";
        return;
    }
    std::set<std::string> kinds;
    for (const auto& name : presetModules(model, preset))
        kinds.insert(moduleKind(name));
    if (kinds.empty())
        throw Error("target preset '" + targetPresetId(preset) + "': the " + model.modelType +
                    " model has no such module (choose another preset)");
    config.targetRegex.reset();
    config.targetModules.assign(kinds.begin(), kinds.end());
}

}  // namespace lora
