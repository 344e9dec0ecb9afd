// Gathering what a report shows. The budget and the spectra need the run's model loaded (core's torch side); a
// model or adapter that is gone only leaves its section out, with a note saying why.
#include "lora/adapter.h"
#include "lora/atomic_file.h"
#include "lora/error.h"
#include "lora/report.h"
#include "lora/training.h"

#include <unistd.h>

namespace lora {
namespace {

namespace fs = std::filesystem;

void addBudgetAndSpectra(const RunStore& store, RunReport& report)
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
    try {
        if (!run.outputDir.empty() && fs::exists(fs::path(run.outputDir) / "adapter_config.json")) {
            report.spectra = analyzeAdapter(*Adapter::load(*model, run.outputDir));
            return;
        }
        // The output folder is gone or never got an adapter: the run's newest adapter in the library will do.
        for (const auto& stored : store.adapters()) {
            if (stored.runId != run.id)
                continue;
            const fs::path scratch = fs::temp_directory_path() / ("lora-studio-report-" + std::to_string(::getpid()) + "-" + std::to_string(stored.id));
            store.exportAdapter(stored.id, scratch);
            try {
                report.spectra = analyzeAdapter(*Adapter::load(*model, scratch));
            } catch (...) {
                fs::remove_all(scratch);
                throw;
            }
            fs::remove_all(scratch);
            report.spectra->source.clear();
            return;
        }
    } catch (const Error& e) {
        report.notes.push_back(std::string("No spectra: ") + e.what());
        return;
    }
    report.notes.push_back("No spectra: there is no adapter in the output folder " + run.outputDir +
                           " nor in the database's adapter library (the run has not saved one yet, or it was "
                           "deleted).");
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
    addBudgetAndSpectra(store, report);
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
