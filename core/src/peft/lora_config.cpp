#include "lora/lora_config.h"

#include "common/json_integer.h"
#include "common/pattern.h"
#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace lora {
namespace {

// Ordered: PEFT applies rank/alpha patterns in the file's key order, and written files read naturally.
using json = nlohmann::ordered_json;

constexpr const char* kAllLinear = "all-linear";

// PEFT's get_pattern_key: the first key (in the dict's order) such that re.match(r"(.*\.)?(key)$", name).
template <typename T>
const T* patternValue(const std::vector<std::pair<std::string, T>>& pattern, const std::string& name)
{
    for (const auto& [key, value] : pattern) {
        Pattern p("(.*\\.)?(" + key + ")$", "rank_pattern/alpha_pattern key");
        if (p.matchAtStart(name))
            return &value;
    }
    return nullptr;
}

std::string initName(LoraInit init)
{
    switch (init) {
    case LoraInit::Gaussian: return "gaussian";
    case LoraInit::Pissa: return "pissa";
    default: return "";
    }
}

}  // namespace

bool LoraConfig::targetsAllLinear() const
{
    if (!targetRegex)
        return false;
    std::string lower = *targetRegex;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower == kAllLinear;
}

int LoraConfig::rankFor(const std::string& moduleName) const
{
    const int* v = patternValue(rankPattern, moduleName);
    return v ? *v : r;
}

double LoraConfig::alphaFor(const std::string& moduleName) const
{
    const double* v = patternValue(alphaPattern, moduleName);
    return v ? *v : alpha;
}

double LoraConfig::scalingFor(const std::string& moduleName) const
{
    const double rank = rankFor(moduleName);
    return alphaFor(moduleName) / (useRslora ? std::sqrt(rank) : rank);
}

std::string toAdapterConfigJson(const LoraConfig& c, bool fanInFanOut)
{
    json j;
    j["peft_type"] = "LORA";
    j["task_type"] = c.taskType;
    j["base_model_name_or_path"] = c.baseModelNameOrPath.empty() ? json(nullptr) : json(c.baseModelNameOrPath);
    j["inference_mode"] = true;
    j["r"] = c.r;
    j["lora_alpha"] = c.alpha;
    j["lora_dropout"] = c.dropout;
    if (c.targetRegex)
        j["target_modules"] = *c.targetRegex;
    else
        j["target_modules"] = c.targetModules;
    if (c.excludeRegex)
        j["exclude_modules"] = *c.excludeRegex;
    else if (!c.excludeModules.empty())
        j["exclude_modules"] = c.excludeModules;
    else
        j["exclude_modules"] = nullptr;
    j["fan_in_fan_out"] = fanInFanOut;
    j["bias"] = "none";
    j["use_rslora"] = c.useRslora;
    j["use_dora"] = c.useDora;
    if (c.init == LoraInit::Default)
        j["init_lora_weights"] = true;
    else if (c.init == LoraInit::Zero)
        j["init_lora_weights"] = false;
    else
        j["init_lora_weights"] = initName(c.init);
    j["layers_to_transform"] = c.layersToTransform.empty() ? json(nullptr) : json(c.layersToTransform);
    j["layers_pattern"] = c.layersPattern.empty() ? json(nullptr) : json(c.layersPattern);
    j["rank_pattern"] = json::object();
    for (const auto& [k, v] : c.rankPattern)
        j["rank_pattern"][k] = v;
    j["alpha_pattern"] = json::object();
    for (const auto& [k, v] : c.alphaPattern)
        j["alpha_pattern"][k] = v;
    j["modules_to_save"] = c.modulesToSave.empty() ? json(nullptr) : json(c.modulesToSave);
    return j.dump(2) + "\n";
}

namespace {

[[noreturn]] void bad(const std::filesystem::path& file, const std::string& key, const std::string& problem)
{
    throwFileError(file, "\"" + key + "\" " + problem);
}

// An integer setting in [lo, hi]; a float (8.0) is not an integer in PEFT's config either.
int integerIn(const json& v, const std::filesystem::path& file, const std::string& key, int lo, int hi)
{
    const auto n = jsonInteger<int>(v);
    if (!n || *n < lo || *n > hi)
        bad(file, key, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " +
                           v.dump());
    return *n;
}

double numberOr(const json& j, const std::filesystem::path& file, const std::string& key, double fallback)
{
    if (!j.contains(key) || j[key].is_null())
        return fallback;
    if (!j[key].is_number())
        bad(file, key, "must be a number, got " + j[key].dump());
    return j[key].get<double>();
}

std::vector<std::string> stringList(const json& v, const std::filesystem::path& file, const std::string& key)
{
    if (!v.is_array())
        bad(file, key, "must be a list of module names or one regular expression string");
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.is_string())
            bad(file, key, "must contain only strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

LoraConfig configFromJson(const json& j, const std::filesystem::path& file)
{
    LoraConfig c;
    const std::string peftType = j.value("peft_type", std::string("LORA"));
    if (peftType != "LORA")
        bad(file, "peft_type", "is \"" + peftType + "\"; LoRA Studio reads LORA adapters only");
    if (j.contains("task_type") && j["task_type"].is_string())
        c.taskType = j["task_type"];
    if (j.contains("base_model_name_or_path") && j["base_model_name_or_path"].is_string())
        c.baseModelNameOrPath = j["base_model_name_or_path"];
    // The largest rank any layer could use; a bigger one is a typo, and int arithmetic on it would overflow.
    constexpr int kMaxRank = 1 << 20;
    c.r = j.contains("r") && !j["r"].is_null() ? integerIn(j["r"], file, "r", 1, kMaxRank) : 8;
    c.alpha = numberOr(j, file, "lora_alpha", 8.0);
    c.dropout = numberOr(j, file, "lora_dropout", 0.0);
    c.useRslora = j.value("use_rslora", false);
    c.useDora = j.value("use_dora", false);
    if (!std::isfinite(c.alpha))
        bad(file, "lora_alpha", "must be a finite number");
    if (!(c.dropout >= 0.0 && c.dropout < 1.0))
        bad(file, "lora_dropout", "must be in [0, 1)");
    if (j.contains("bias") && j["bias"].is_string() && j["bias"] != "none")
        bad(file, "bias", "is \"" + j["bias"].get<std::string>() + "\"; only \"none\" is supported");

    if (!j.contains("target_modules") || j["target_modules"].is_null())
        bad(file, "target_modules", "is missing");
    const json& tm = j["target_modules"];
    if (tm.is_string()) {
        c.targetRegex = tm.get<std::string>();
        c.targetModules.clear();
    } else {
        c.targetModules = stringList(tm, file, "target_modules");
    }
    if (j.contains("exclude_modules") && !j["exclude_modules"].is_null()) {
        if (j["exclude_modules"].is_string())
            c.excludeRegex = j["exclude_modules"].get<std::string>();
        else
            c.excludeModules = stringList(j["exclude_modules"], file, "exclude_modules");
    }
    if (j.contains("layers_to_transform") && !j["layers_to_transform"].is_null()) {
        const json& l = j["layers_to_transform"];
        constexpr int kMaxLayer = 1 << 20;
        if (l.is_number_integer())
            c.layersToTransform = {integerIn(l, file, "layers_to_transform", 0, kMaxLayer)};
        else if (l.is_array())
            for (const auto& v : l)
                c.layersToTransform.push_back(integerIn(v, file, "layers_to_transform", 0, kMaxLayer));
        else
            bad(file, "layers_to_transform", "must be an integer or a list of integers");
    }
    if (j.contains("layers_pattern") && !j["layers_pattern"].is_null()) {
        if (j["layers_pattern"].is_string())
            c.layersPattern = {j["layers_pattern"].get<std::string>()};
        else
            c.layersPattern = stringList(j["layers_pattern"], file, "layers_pattern");
    }
    for (const char* key : {"rank_pattern", "alpha_pattern"}) {
        if (!j.contains(key) || j[key].is_null())
            continue;
        if (!j[key].is_object())
            bad(file, key, "must be an object of pattern: value");
        for (const auto& [k, v] : j[key].items()) {
            if (!v.is_number())
                bad(file, key, "values must be numbers");
            if (std::string(key) == "rank_pattern") {
                c.rankPattern.emplace_back(k, integerIn(v, file, "rank_pattern", 1, kMaxRank));
            } else {
                if (!std::isfinite(v.get<double>()))
                    bad(file, key, "values must be finite numbers");
                c.alphaPattern.emplace_back(k, v.get<double>());
            }
        }
    }
    if (j.contains("modules_to_save") && !j["modules_to_save"].is_null())
        c.modulesToSave = stringList(j["modules_to_save"], file, "modules_to_save");
    if (j.contains("init_lora_weights")) {
        const json& init = j["init_lora_weights"];
        if (init.is_boolean())
            c.init = init.get<bool>() ? LoraInit::Default : LoraInit::Zero;
        else if (init == "gaussian")
            c.init = LoraInit::Gaussian;
        else if (init.is_string() && init.get<std::string>().rfind("pissa", 0) == 0)
            c.init = LoraInit::Pissa;
        else
            bad(file, "init_lora_weights", "has a value LoRA Studio does not support: " + init.dump());
    }
    return c;
}

}  // namespace

LoraConfig parseAdapterConfigJson(const std::string& text, const std::filesystem::path& file)
{
    json j;
    try {
        j = json::parse(text, nullptr, true, false);
    } catch (const json::exception& e) {
        throwFileError(file, std::string("not valid JSON: ") + e.what());
    }
    if (!j.is_object())
        throwFileError(file, "expected a JSON object");
    try {
        return configFromJson(j, file);
    } catch (const json::exception& e) {
        // A key of the wrong JSON type (e.g. "peft_type": 8) that no check above names specifically.
        throwFileError(file, std::string("a value has the wrong type: ") + e.what());
    }
}

LoraConfig readAdapterConfig(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throwFileError(file, "cannot be opened (is this a PEFT adapter folder with adapter_config.json?)");
    std::ostringstream s;
    s << in.rdbuf();
    return parseAdapterConfigJson(s.str(), file);
}

}  // namespace lora
