#include "lora/run_recorder.h"

namespace lora {
namespace {

RunStatus runStatusOf(TrainingStatus status)
{
    switch (status) {
    case TrainingStatus::Completed: return RunStatus::Completed;
    case TrainingStatus::Stopped: return RunStatus::Stopped;
    case TrainingStatus::Failed: break;
    }
    return RunStatus::Failed;
}

}  // namespace

ResumePlan planResume(RunStore& store, int64_t runId)
{
    const auto run = store.run(runId);
    if (!run)
        throw Error(store.path().string() + ": there is no run " + std::to_string(runId) +
                    " — reload the run list; it may have been deleted");
    if (run->status == RunStatus::Running || run->status == RunStatus::Completed || run->status == RunStatus::Queued)
        throw Error(store.path().string() + ": run " + std::to_string(runId) + " is " + runStatusName(run->status) +
                    (run->status == RunStatus::Running
                         ? " (process " + std::to_string(run->pid) + " on " + run->host + ")"
                         : std::string()) +
                    " — only interrupted, stopped or failed runs are resumed");
    auto point = prepareResume(store, *run);
    return ResumePlan{std::move(point.config), run->name, std::move(point.checkpoint)};
}

RunRecorder::RunRecorder(const TrainingConfig& config, const RecorderOptions& options) : config_(config)
{
    store_ = std::make_unique<RunStore>(options.database.empty() ? RunStore::defaultPath() : options.database);
    if (options.resumeRun) {
        runId_ = *options.resumeRun;
        if (const auto run = store_->run(runId_))
            totalStepsRecorded_ = run->totalSteps;
    } else {
        NewRun run;
        run.name = options.name.empty() ? config.outputDir.filename().string() : options.name;
        run.modelPath = config.modelDir.string();
        run.datasetPath = config.dataFile.string();
        run.configJson = trainingConfigToJson(config);
        run.device = config.device;
        run.outputDir = config.outputDir.string();
        run.totalSteps = config.maxSteps;  // 0 when sized by epochs: the first step's progress brings the real count
        totalStepsRecorded_ = run.totalSteps;
        run.tags = options.tags;
        runId_ = store_->createRun(run);
    }
    store_->markRunning(runId_);
    MetricWriterOptions writerOptions;
    writerOptions.maxDelay = options.commitDelay;
    writer_ = std::make_unique<MetricWriter>(store_->path(), runId_, writerOptions);
}

RunRecorder::~RunRecorder() = default;

const std::filesystem::path& RunRecorder::database() const { return store_->path(); }

void RunRecorder::onCommit(std::function<void(int64_t, size_t)> callback) { writer_->onCommit(std::move(callback)); }

void RunRecorder::warn(const std::exception& e)
{
    if (!warned_ && onWarning_)
        onWarning_(std::string("the run database ") + store_->path().string() +
                   " could not be written (training goes on): " + e.what());
    warned_ = true;
}

void RunRecorder::progress(const TrainingProgress& p)
{
    try {
        if (!parametersRecorded_ && p.totalParameters > 0) {
            store_->setParameters(runId_, p.totalParameters, p.trainableParameters);
            parametersRecorded_ = true;
        }
        if (p.totalSteps > 0 && p.totalSteps != totalStepsRecorded_) {
            store_->setTotalSteps(runId_, p.totalSteps);
            totalStepsRecorded_ = p.totalSteps;
        }
        auto row = [&](const char* split, const char* name, double value) {
            writer_->add({p.step, p.epoch, p.tokens, p.elapsedSeconds, split, name, value});
        };
        row("train", "loss", p.trainLoss);
        row("train", "learning_rate", p.learningRate);
        row("train", "grad_norm", p.gradNorm);
        row("train", "tokens_per_second", p.tokensPerSecond);
        if (p.valLoss)
            row("val", "loss", *p.valLoss);
        writer_->endStep(p.step);
    } catch (const std::exception& e) {
        warn(e);  // the rows stay waiting and go with the next commit
    }
}

void RunRecorder::checkpoint(const std::filesystem::path& dir, int64_t step)
{
    try {
        writer_->flush();
        store_->addCheckpoint(runId_, step, dir);
    } catch (const std::exception& e) {
        warn(e);
    }
}

std::optional<int64_t> RunRecorder::finish(const TrainingResult& result)
{
    std::optional<int64_t> adapterId;
    try {
        writer_->flush();
        if (result.status == TrainingStatus::Completed && config_.mode == TrainingMode::Lora &&
            !result.adapterDir.empty()) {
            for (const auto& a : store_->adapters())  // a resumed run that had already stored its adapter
                if (a.runId == runId_)
                    store_->deleteAdapter(a.id);
            adapterId = store_->importAdapter(result.adapterDir, store_->run(runId_)->name, runId_);
        }
        RunOutcome outcome;
        outcome.status = runStatusOf(result.status);
        outcome.error = result.error;
        if (result.finalMetrics)
            outcome.trainSeconds = result.finalMetrics->elapsedSeconds;
        store_->finishRun(runId_, outcome);
    } catch (const std::exception& e) {
        warn(e);
    }
    return adapterId;
}

ResumePoint prepareResume(RunStore& store, const RunRecord& run)
{
    ResumePoint point;
    point.config = trainingConfigFromJson(run.configJson, store.path());
    point.checkpoint = store.lastGoodCheckpoint(run.id);
    point.config.resumeFrom = point.checkpoint ? std::filesystem::path(point.checkpoint->path) : std::filesystem::path();
    store.truncateMetrics(run.id, point.checkpoint ? point.checkpoint->step : 0);
    return point;
}

}  // namespace lora
