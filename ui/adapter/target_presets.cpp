#include "adapter/target_presets.h"

#include "lora/target_presets.h"

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

bool isAttentionKind(const std::string& kind) { return lora::isAttentionKind(kind); }
bool isMlpKind(const std::string& kind) { return lora::isMlpKind(kind); }
bool isQueryValueKind(const std::string& kind) { return lora::isQueryValueKind(kind); }

std::set<std::string> presetModules(const lora::ModelDescription& model, TargetPreset preset, int lastLayers)
{
    // The recipes live in core (a sweep's target axis uses them too); Custom is the page's own: nothing preset.
    switch (preset) {
    case TargetPreset::Custom: return {};
    case TargetPreset::QueryValue: return lora::presetModules(model, lora::TargetPreset::QueryValue, lastLayers);
    case TargetPreset::Attention: return lora::presetModules(model, lora::TargetPreset::Attention, lastLayers);
    case TargetPreset::Mlp: return lora::presetModules(model, lora::TargetPreset::Mlp, lastLayers);
    case TargetPreset::AllLinear: return lora::presetModules(model, lora::TargetPreset::AllLinear, lastLayers);
    }
    return {};
}
