// Gathering what a report shows. The budget and the spectra need the run's model loaded (core's torch side); a
// model or adapter that is gone only leaves its section out, with a note saying why.
#include "lora/adapter.h"
#include "lora/atomic_file.h"
#include "lora/error.h"
#include "lora/report.h"
#include "lora/training.h"

namespace lora {
namespace {

namespace fs = std::filesystem;

void addBudgetAndSpectra(RunReport& report)
{
    const auto& run = report.run;
    TrainingConfig config;
    try {
        config = trainingConfigFromJson(run.configJson, "run " + std::to_string(run.id) + "'s configuration");
    } catch (const Error& e) {
        report.notes.push_back(std::string("No parameter budget or spectra: ") + e.what());
        return;
    }
    if (config.mode != TrainingMode::Lora) {
        report.notes.push_back("A full fine-tuning run: every base parameter trains, so there is no LoRA parameter "
                               "budget or ΔW spectrum to show.");
        return;
    }
    const fs::path modelDir = run.modelPath.empty() ? config.modelDir : fs::path(run.modelPath);
    std::shared_ptr<Model> model;
    try {
        model = Model::load(modelDir);
    } catch (const Error& e) {
        report.notes.push_back(std::string("No parameter budget or spectra: the run's model could not be loaded (") +
                               e.what() + "). Put the model folder back where it was to include them.");
        return;
    }
    try {
        const auto targets = selectTargets(model->description(), config.lora);
        report.budget = computeBudget(model->description(), targets, config.lora);
    } catch (const Error& e) {
        report.notes.push_back(std::string("No parameter budget: ") + e.what());
    }
    const fs::path adapterDir = run.outputDir;
    if (adapterDir.empty() || !fs::exists(adapterDir / "adapter_config.json")) {
        report.notes.push_back("No spectra: there is no adapter in the output folder " + adapterDir.string() +
                               " (the run has not saved one yet, or the folder was moved or deleted).");
        return;
    }
    try {
        report.spectra = analyzeAdapter(*Adapter::load(*model, adapterDir));
    } catch (const Error& e) {
        report.notes.push_back(std::string("No spectra: ") + e.what());
    }
}

}  // namespace

RunReport collectRunReport(const RunStore& store, int64_t runId)
{
    auto run = store.run(runId);
    if (!run)
        throwFileError(store.path(), "there is no run " + std::to_string(runId) +
                                         " in this database — `lora-cli runs list` shows the runs it holds");
    RunReport report;
    report.run = std::move(*run);
    report.metrics = store.metrics(runId);
    addBudgetAndSpectra(report);
    return report;
}

SweepReport collectSweepReport(const RunStore& store, int64_t sweepId, const SweepAxes& axes)
{
    auto sweep = store.sweep(sweepId);
    if (!sweep)
        throwFileError(store.path(), "there is no sweep " + std::to_string(sweepId) +
                                         " in this database — `lora-cli sweep list` shows the sweeps it holds");
    SweepReport report;
    report.sweep = std::move(*sweep);
    report.axes = axes;
    report.results = sweepResults(store, sweepId, axes);
    for (const auto& r : report.results)
        report.validationLoss[r.run.id] = store.metrics(r.run.id, "val", axes.metric.empty() ? "loss" : axes.metric);
    return report;
}

size_t writeRunReport(const RunStore& store, int64_t runId, const std::filesystem::path& out)
{
    const std::string html = runReportHtml(collectRunReport(store, runId));
    writeFileAtomically(out, html);
    return html.size();
}

size_t writeSweepReport(const RunStore& store, int64_t sweepId, const std::filesystem::path& out,
                        const SweepAxes& axes)
{
    const std::string html = sweepReportHtml(collectSweepReport(store, sweepId, axes));
    writeFileAtomically(out, html);
    return html.size();
}

}  // namespace lora
