#include "lora/sweep_queue.h"

#include "lora/error.h"
#include "lora/run_recorder.h"

namespace lora {

SweepQueue::SweepQueue(const std::filesystem::path& database, int64_t sweepId) : store_(database), sweepId_(sweepId)
{
    auto sweep = store_.sweep(sweepId);
    if (!sweep)
        throw Error(database.string() + ": there is no sweep " + std::to_string(sweepId) + " (lora-cli sweep list)");
    // Sweeps of dead processes were marked interrupted by the open above: one still running has a live owner.
    if (sweep->status == RunStatus::Running)
        throw Error(database.string() + ": sweep " + std::to_string(sweepId) + " is being run by process " +
                    std::to_string(sweep->pid) + " on " + sweep->host + "; wait for it, or stop it first");
    store_.markSweepRunning(sweepId);
    sweep_ = *store_.sweep(sweepId);
}

size_t SweepQueue::cellCount() const { return store_.sweepRuns(sweepId_).size(); }

size_t SweepQueue::completedCount() const
{
    size_t n = 0;
    for (const auto& r : store_.sweepRuns(sweepId_))
        n += r.status == RunStatus::Completed;
    return n;
}

std::optional<SweepCellRun> SweepQueue::next()
{
    if (stopped_)
        return std::nullopt;
    for (const auto& r : store_.sweepRuns(sweepId_)) {
        // Completed cells never run again; a running one belongs to a live process (`runs resume` of it).
        if (r.status == RunStatus::Completed || r.status == RunStatus::Running || tried_.count(r.id))
            continue;
        tried_.insert(r.id);
        SweepCellRun cell;
        cell.runId = r.id;
        cell.cell = r.sweepCell.value_or(-1);
        cell.name = r.name;
        if (r.status == RunStatus::Queued) {
            cell.config = trainingConfigFromJson(r.configJson, store_.path());
        } else {
            const auto point = prepareResume(store_, r);
            cell.config = point.config;
            if (point.checkpoint)
                cell.resumeStep = point.checkpoint->step;
        }
        return cell;
    }
    return std::nullopt;
}

void SweepQueue::cellFinished(const SweepCellRun&, TrainingStatus status)
{
    stopped_ = stopped_ || status == TrainingStatus::Stopped;
    failed_ = failed_ || status == TrainingStatus::Failed;
}

void SweepQueue::stop() { stopped_ = true; }

RunStatus SweepQueue::finish()
{
    const bool all = completedCount() == cellCount();
    const RunStatus status = all ? RunStatus::Completed : stopped_ ? RunStatus::Stopped : RunStatus::Failed;
    store_.finishSweep(sweepId_, status,
                       status == RunStatus::Failed ? "some cells failed (lora-cli sweep show lists them)" : "");
    return status;
}

RunStatus runSweep(const std::filesystem::path& database, int64_t sweepId, const SweepCallbacks& callbacks)
{
    SweepQueue queue(database, sweepId);
    const size_t count = queue.cellCount();
    size_t position = queue.completedCount();
    while (true) {
        // Asked between cells too: a stop pressed as a cell ends does not start the next one.
        if (callbacks.proceed && !callbacks.proceed()) {
            queue.stop();
            break;
        }
        auto cell = queue.next();
        if (!cell)
            break;
        ++position;
        if (callbacks.cellStarted)
            callbacks.cellStarted(*cell, position, count);
        TrainingResult result;
        try {
            RecorderOptions options;
            options.database = queue.database();
            options.resumeRun = cell->runId;
            RunRecorder recorder(cell->config, options);
            if (callbacks.log)
                recorder.onWarning(callbacks.log);
            TrainingCallbacks training;
            training.progress = [&](const TrainingProgress& p) {
                recorder.progress(p);
                if (callbacks.progress)
                    callbacks.progress(p);
            };
            training.log = callbacks.log;
            training.proceed = callbacks.proceed;
            training.checkpoint = [&](const std::filesystem::path& dir, int64_t step) { recorder.checkpoint(dir, step); };
            result = runTraining(cell->config, training);
            recorder.finish(result);
        } catch (const std::exception& e) {  // the database could not record the cell: it failed, the sweep goes on
            result.status = TrainingStatus::Failed;
            result.error = e.what();
        }
        queue.cellFinished(*cell, result.status);
        if (callbacks.cellFinished)
            callbacks.cellFinished(*cell, result);
    }
    return queue.finish();
}

}  // namespace lora
