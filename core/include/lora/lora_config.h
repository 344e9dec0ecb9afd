#pragma once
// A LoRA configuration with PEFT's meaning and PEFT's adapter_config.json spelling (peft.LoraConfig).
// Torch-free, so the UI can reason about a configuration (targets, parameter budget) before building anything.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lora {

enum class LoraInit { Default, Gaussian, Pissa, Zero };  // PEFT: true, "gaussian", "pissa", false

struct LoraConfig {
    int r = 8;
    double alpha = 16.0;
    double dropout = 0.0;

    // target_modules as PEFT reads it: a list (a module matches when its full name equals an entry or ends
    // with "." + entry), or one regular expression that must match the whole name, or "all-linear".
    std::vector<std::string> targetModules = {"q_proj", "v_proj"};
    std::optional<std::string> targetRegex;  // set instead of targetModules; "all-linear" is a regex value too
    std::vector<std::string> excludeModules;
    std::optional<std::string> excludeRegex;
    std::vector<int> layersToTransform;  // empty: all layers
    std::vector<std::string> layersPattern;
    std::vector<std::pair<std::string, int>> rankPattern;      // key regex -> rank, first match wins (dict order)
    std::vector<std::pair<std::string, double>> alphaPattern;  // key regex -> alpha

    bool useRslora = false;  // scaling alpha / sqrt(r) instead of alpha / r
    bool useDora = false;
    LoraInit init = LoraInit::Default;
    std::vector<std::string> modulesToSave;  // fully trained and saved modules (e.g. a classifier head)

    std::string taskType = "CAUSAL_LM";  // or "SEQ_CLS"
    std::string baseModelNameOrPath;

    bool targetsAllLinear() const;
    int rankFor(const std::string& moduleName) const;     // rank_pattern, else r
    double alphaFor(const std::string& moduleName) const;  // alpha_pattern, else alpha
    double scalingFor(const std::string& moduleName) const;
};

// adapter_config.json as PEFT writes it (peft_type LORA, inference_mode true, bias none, ...).
// fanInFanOut is written per model: true for GPT-2's Conv1D layers, as PEFT sets it.
std::string toAdapterConfigJson(const LoraConfig& config, bool fanInFanOut);

// Reads PEFT's adapter_config.json. Unknown keys are ignored, as current PEFT does; values PEFT would
// reject or that core cannot honour (peft_type not LORA, bias other than "none", r < 1, ...) are errors
// naming the file and the key.
LoraConfig parseAdapterConfigJson(const std::string& json, const std::filesystem::path& file);
LoraConfig readAdapterConfig(const std::filesystem::path& file);

}  // namespace lora
