#include "lora/full_comparison.h"

#include "lora/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace lora {
namespace {

using json = nlohmann::json;

json optionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

std::optional<double> numberOrNull(const json& j, const char* key)
{
    if (!j.contains(key) || j[key].is_null())
        return std::nullopt;
    return j[key].get<double>();
}

json sideToJson(const ComparisonSide& s)
{
    return {{"mode", s.mode},
            {"output_dir", s.outputDir.string()},
            {"exit_code", s.exitCode},
            {"error", s.error},
            {"trainable_parameters", s.trainableParameters},
            {"total_parameters", s.totalParameters},
            {"peak_memory_mib", s.peakMemoryMiB},
            {"steps", s.steps},
            {"seconds_per_step", s.secondsPerStep},
            {"final_train_loss", optionalNumber(s.finalTrainLoss)},
            {"best_val_loss", optionalNumber(s.bestValLoss)},
            {"final_val_loss", optionalNumber(s.finalValLoss)},
            {"corpus_loss_after", optionalNumber(s.corpusLossAfter)}};
}

ComparisonSide sideFromJson(const json& j)
{
    ComparisonSide s;
    s.mode = j.at("mode").get<std::string>();
    s.outputDir = j.at("output_dir").get<std::string>();
    s.exitCode = j.at("exit_code").get<int>();
    s.error = j.value("error", std::string());
    s.trainableParameters = j.at("trainable_parameters").get<int64_t>();
    s.totalParameters = j.at("total_parameters").get<int64_t>();
    s.peakMemoryMiB = j.at("peak_memory_mib").get<double>();
    s.steps = j.at("steps").get<int64_t>();
    s.secondsPerStep = j.at("seconds_per_step").get<double>();
    s.finalTrainLoss = numberOrNull(j, "final_train_loss");
    s.bestValLoss = numberOrNull(j, "best_val_loss");
    s.finalValLoss = numberOrNull(j, "final_val_loss");
    s.corpusLossAfter = numberOrNull(j, "corpus_loss_after");
    return s;
}

}  // namespace

std::optional<double> forgetting(const FullComparison& c, const ComparisonSide& side)
{
    if (!c.corpusLossBefore || !side.corpusLossAfter)
        return std::nullopt;
    return *side.corpusLossAfter - *c.corpusLossBefore;
}

void readRunMetrics(const std::filesystem::path& metricsFile, ComparisonSide& side)
{
    std::ifstream in(metricsFile);
    if (!in)
        throwFileError(metricsFile, "cannot be opened (the run wrote no metrics: did it start?)");
    double lastElapsed = 0;
    int64_t lines = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        const auto j = json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.is_object() || !j.contains("step"))
            throwFileError(metricsFile, "line " + std::to_string(lines + 1) + " is not a metrics record");
        ++lines;
        side.steps = j.value("step", int64_t{0});
        lastElapsed = j.value("elapsed_seconds", 0.0);
        side.finalTrainLoss = numberOrNull(j, "train_loss");
        if (const auto val = numberOrNull(j, "val_loss")) {
            side.finalValLoss = val;
            side.bestValLoss = side.bestValLoss ? std::min(*side.bestValLoss, *val) : *val;
        }
    }
    if (lines == 0)
        throwFileError(metricsFile, "has no step: the run ended before its first optimizer step");
    side.secondsPerStep = side.steps > 0 ? lastElapsed / static_cast<double>(side.steps) : 0.0;
}

std::string fullComparisonToJson(const FullComparison& c)
{
    json j = {{"config", c.config.string()},
              {"forgetting_corpus", c.forgettingCorpus.string()},
              {"corpus_loss_before", optionalNumber(c.corpusLossBefore)},
              {"lora", sideToJson(c.lora)},
              {"full", sideToJson(c.full)}};
    return j.dump(2) + "\n";
}

FullComparison fullComparisonFromJson(const std::string& text, const std::filesystem::path& file)
{
    try {
        const auto j = json::parse(text);
        FullComparison c;
        c.config = j.at("config").get<std::string>();
        c.forgettingCorpus = j.at("forgetting_corpus").get<std::string>();
        c.corpusLossBefore = numberOrNull(j, "corpus_loss_before");
        c.lora = sideFromJson(j.at("lora"));
        c.full = sideFromJson(j.at("full"));
        return c;
    } catch (const json::exception& e) {
        throwFileError(file, std::string("is not a LoRA/full comparison: ") + e.what());
    }
}

}  // namespace lora
