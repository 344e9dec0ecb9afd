#include "lora_options.h"

#include "lora/error.h"

#include <sstream>

namespace lora::cli {
namespace {

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

template <typename T>
std::vector<std::pair<std::string, T>> parsePattern(const std::string& text, const char* option)
{
    std::vector<std::pair<std::string, T>> out;
    for (const auto& item : splitList(text)) {
        const auto eq = item.rfind('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(std::string(option) + ": '" + item + "' is not pattern=value (e.g. q_proj=16)");
        try {
            out.emplace_back(item.substr(0, eq), static_cast<T>(std::stod(item.substr(eq + 1))));
        } catch (const std::exception&) {
            throw Error(std::string(option) + ": '" + item.substr(eq + 1) + "' is not a number");
        }
    }
    return out;
}

}  // namespace

LoraConfig LoraOptions::resolve() const
{
    LoraConfig c = config;
    c.taskType = task;
    if (targetIsRegex || targets == "all-linear") {
        c.targetRegex = targets;
        c.targetModules.clear();
    } else {
        c.targetModules = splitList(targets);
    }
    c.excludeModules = splitList(exclude);
    for (const auto& l : splitList(layers)) {
        try {
            c.layersToTransform.push_back(std::stoi(l));
        } catch (const std::exception&) {
            throw Error("--layers: '" + l + "' is not a layer index");
        }
    }
    c.rankPattern = parsePattern<int>(rankPattern, "--rank-pattern");
    c.alphaPattern = parsePattern<double>(alphaPattern, "--alpha-pattern");
    return c;
}

void addLoraOptions(CLI::App& cmd, LoraOptions& o)
{
    cmd.add_option("--targets", o.targets,
                   "Modules to adapt: comma-separated names (a module matches its full name or a '.name' "
                   "suffix), or all-linear")
        ->capture_default_str();
    cmd.add_flag("--target-regex", o.targetIsRegex, "Treat --targets as one regular expression (full match)");
    cmd.add_option("--exclude", o.exclude, "Comma-separated module names never to adapt");
    cmd.add_option("--layers", o.layers, "Only these block indices, e.g. 0,1,5 (PEFT's layers_to_transform)");
    cmd.add_option("--rank,-r", o.config.r, "LoRA rank r")->capture_default_str()->check(CLI::Range(1, 65536));
    cmd.add_option("--alpha", o.config.alpha, "LoRA alpha (scaling = alpha / r)")->capture_default_str();
    cmd.add_option("--dropout", o.config.dropout, "Dropout on the LoRA input")->capture_default_str()
        ->check(CLI::Range(0.0, 0.99));
    cmd.add_flag("--rslora", o.config.useRslora, "rsLoRA: scaling = alpha / sqrt(r)");
    cmd.add_flag("--dora", o.config.useDora, "DoRA: learn a magnitude per output row as well");
    cmd.add_option("--rank-pattern", o.rankPattern, "Per-module ranks, e.g. q_proj=16,v_proj=4");
    cmd.add_option("--alpha-pattern", o.alphaPattern, "Per-module alphas, e.g. q_proj=32");
    cmd.add_option("--task", o.task, "CAUSAL_LM or SEQ_CLS")->check(CLI::IsMember({"CAUSAL_LM", "SEQ_CLS"}))
        ->capture_default_str();
}

}  // namespace lora::cli
