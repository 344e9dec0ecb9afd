#include "adapter/target_presets.h"

#include "lora/lora_targets.h"


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

QString presetId(TargetPreset preset)
{
    switch (preset) {
    case TargetPreset::Custom: return QStringLiteral("custom");
    case TargetPreset::QueryValue: return QStringLiteral("q+v");
    case TargetPreset::Attention: return QStringLiteral("attention");
    case TargetPreset::Mlp: return QStringLiteral("mlp");
    case TargetPreset::AllLinear: return QStringLiteral("all-linear");
    }
    return QStringLiteral("q+v");
}

TargetPreset presetFromId(const QString& id)
{
    for (auto p : {TargetPreset::Custom, TargetPreset::QueryValue, TargetPreset::Attention, TargetPreset::Mlp,
                   TargetPreset::AllLinear})
        if (presetId(p) == id)
            return p;
    return TargetPreset::QueryValue;
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

std::set<std::string> presetModules(const lora::ModelDescription& model, TargetPreset preset, int lastLayers)
{
    std::set<std::string> names;
    if (preset == TargetPreset::Custom)
        return names;
    if (preset == TargetPreset::AllLinear) {
        // core's own "all-linear" decides which head is left out, so the preset always agrees with PEFT.
        lora::LoraConfig config;
        config.targetRegex = "all-linear";
        config.taskType = model.task == "sequence-classification" ? "SEQ_CLS" : "CAUSAL_LM";
        try {
            for (const auto& t : lora::selectTargets(model, config))
                names.insert(t.name);
        } catch (const std::exception&) {
            // A model without linear layers: nothing to tick; the page reports "nothing selected".
        }
    } else {
        for (const auto* m : lora::adaptableModules(model)) {
            if (lora::layerIndexOf(m->name) < 0)
                continue;  // attention/MLP/q+v are parts of a block
            const std::string kind = lora::moduleKind(m->name);
            const bool wanted = preset == TargetPreset::QueryValue ? isQueryValueKind(kind)
                                : preset == TargetPreset::Attention ? isAttentionKind(kind)
                                                                     : isMlpKind(kind);
            if (wanted)
                names.insert(m->name);
        }
    }
    if (lastLayers > 0) {
        const int first = model.numLayers - lastLayers;
        std::erase_if(names, [&](const std::string& n) { return lora::layerIndexOf(n) < first; });
    }
    return names;
}
