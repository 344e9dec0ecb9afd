#include "cluster/run_folder_import.h"

#include "lora/error.h"
#include "lora/run_recorder.h"
#include "lora/training.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <vector>

namespace {

lora::TrainingConfig configOf(const std::filesystem::path& folder)
{
    std::vector<std::filesystem::path> checkpoints;
    if (std::filesystem::is_directory(folder / "checkpoints"))
        for (const auto& entry : std::filesystem::directory_iterator(folder / "checkpoints"))
            if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0)
                checkpoints.push_back(entry.path());
    if (!checkpoints.empty())
        return lora::readCheckpointConfig(*std::max_element(checkpoints.begin(), checkpoints.end()));
    if (std::filesystem::exists(folder / "run.json"))
        return lora::readTrainingConfig(folder / "run.json");
    lora::throwFileError(folder, "holds no checkpoint and no run.json to read the run's configuration from — copy "
                                 "the run.json you exported for the cluster into it");
}

// One line of metrics.jsonl, as lora-cli train writes it.
lora::TrainingProgress progressOf(const std::string& line, const std::filesystem::path& file, int lineNumber)
{
    try {
        const auto j = nlohmann::json::parse(line);
        lora::TrainingProgress p;
        p.step = j.at("step").get<int64_t>();
        p.totalSteps = j.value("total_steps", int64_t{0});
        p.epoch = j.value("epoch", 0.0);
        p.tokens = j.value("tokens", int64_t{0});
        p.trainLoss = j.at("train_loss").get<double>();
        if (j.contains("val_loss") && !j["val_loss"].is_null())
            p.valLoss = j["val_loss"].get<double>();
        p.learningRate = j.value("learning_rate", 0.0);
        p.gradNorm = j.value("grad_norm", 0.0);
        p.tokensPerSecond = j.value("tokens_per_second", 0.0);
        p.elapsedSeconds = j.value("elapsed_seconds", 0.0);
        return p;
    } catch (const nlohmann::json::exception& e) {
        lora::throwFileError(file, "line " + std::to_string(lineNumber) + " is not a metrics line of lora-cli train (" +
                                       e.what() + ")");
    }
}

std::vector<lora::TrainingProgress> metricsOf(const std::filesystem::path& folder)
{
    std::vector<lora::TrainingProgress> steps;
    const auto file = folder / "metrics.jsonl";
    std::ifstream in(file);
    if (!in)
        return steps;  // a run may come back without its metrics; the adapter is still worth having
    std::string line;
    for (int number = 1; std::getline(in, line); ++number)
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            steps.push_back(progressOf(line, file, number));
    return steps;
}

}  // namespace

ImportedRun importRunFolder(const std::filesystem::path& database, const std::filesystem::path& folder)
{
    if (!std::filesystem::is_directory(folder))
        lora::throwFileError(folder, "is not a folder — choose the output folder (output_dir) of the cluster run");
    if (!std::filesystem::exists(folder / "adapter_model.safetensors") ||
        !std::filesystem::exists(folder / "adapter_config.json"))
        lora::throwFileError(folder, "holds no adapter (adapter_model.safetensors and adapter_config.json) — choose "
                                     "the output folder (output_dir) that rank 0 wrote");
    const lora::TrainingConfig config = configOf(folder);
    const auto steps = metricsOf(folder);  // read whole before anything is recorded

    lora::RecorderOptions options;
    options.database = database;
    options.name = folder.filename().string();
    options.tags = {"cluster"};
    options.commitDelay = std::chrono::milliseconds(0);
    lora::RunRecorder recorder(config, options);
    ImportedRun imported;
    recorder.onWarning([&](const std::string& message) { imported.warning = message; });
    for (const auto& p : steps)
        recorder.progress(p);

    lora::TrainingResult result;
    result.status = lora::TrainingStatus::Completed;
    result.adapterDir = folder;
    if (!steps.empty())
        result.finalMetrics = steps.back();
    imported.adapterId = recorder.finish(result);
    imported.runId = recorder.runId();
    imported.steps = static_cast<int64_t>(steps.size());
    return imported;
}
