#pragma once
// LoRA against full fine-tuning on the same data and settings: what each costs (trainable parameters, peak
// memory, time per step) and what each learns and forgets (validation loss; loss on the base model's own corpus
// before and after). lora-cli compare-full runs both and fills this; the GUI shows it side by side.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace lora {

struct ComparisonSide {
    std::string mode;                 // "lora" or "full"
    std::filesystem::path outputDir;  // the adapter (lora) or model folder (full), checkpoints, metrics.jsonl
    int exitCode = 0;                 // of its training process; not 0: the run failed and `error` says why
    std::string error;
    int64_t trainableParameters = 0;
    int64_t totalParameters = 0;
    double peakMemoryMiB = 0;  // the training process's peak resident memory (VmHWM)
    int64_t steps = 0;
    double secondsPerStep = 0;  // training time (pauses excluded) over the steps
    std::optional<double> finalTrainLoss, bestValLoss, finalValLoss;
    std::optional<double> corpusLossAfter;  // on the forgetting corpus, with this side's weights
};

struct FullComparison {
    std::filesystem::path config;            // the run file both sides trained from
    std::filesystem::path forgettingCorpus;  // empty: forgetting not measured
    std::optional<double> corpusLossBefore;  // the base model's loss on it
    ComparisonSide lora, full;
};

// Loss added on the forgetting corpus by fine-tuning (after − before); nullopt when either is missing.
std::optional<double> forgetting(const FullComparison& c, const ComparisonSide& side);

// Reads a run's metrics.jsonl (the trainer's per-step lines) into side's steps, time per step and losses.
// Throws lora::Error naming the file when it is missing or has no step.
void readRunMetrics(const std::filesystem::path& metricsFile, ComparisonSide& side);

std::string fullComparisonToJson(const FullComparison& c);
FullComparison fullComparisonFromJson(const std::string& text, const std::filesystem::path& file);

}  // namespace lora
