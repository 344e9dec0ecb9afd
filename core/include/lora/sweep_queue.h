#pragma once
// Running a sweep: its cells one after another, each recorded in the run it was planned as (lora/sweep.h).
// A sweep is resumable: opening it again runs the cells not completed yet, an interrupted or stopped cell from its
// last good checkpoint (its metrics past it removed), a queued one from the start; completed cells are never run
// again. lora-cli drives a SweepQueue through runSweep; the GUI drives one with its own training worker.
#include "lora/run_store.h"
#include "lora/sweep.h"
#include "lora/training.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>

namespace lora {

// A cell about to train: its run row and the configuration to train it with.
struct SweepCellRun {
    int64_t runId = 0;
    int64_t cell = 0;
    std::string name;
    TrainingConfig config;             // resumeFrom set when it continues from a checkpoint
    std::optional<int64_t> resumeStep;  // that checkpoint's step
};

class SweepQueue {
public:
    // Opens the database (runs and sweeps of dead processes become interrupted) and marks the sweep running,
    // owned by this process. Throws lora::Error when there is no such sweep, or another live process runs it.
    SweepQueue(const std::filesystem::path& database, int64_t sweepId);

    int64_t sweepId() const { return sweepId_; }
    const std::filesystem::path& database() const { return store_.path(); }
    const SweepRecord& sweep() const { return sweep_; }
    size_t cellCount() const;
    size_t completedCount() const;

    // The next cell not completed and not yet tried by this queue, prepared to train (metrics past its checkpoint
    // removed); nullopt when none is left.
    std::optional<SweepCellRun> next();
    // A cell ended. A stopped cell stops the sweep (finish() records it stopped).
    void cellFinished(const SweepCellRun& cell, TrainingStatus status);
    void stop();  // between cells: next() gives nothing more, finish() records the sweep stopped
    // Records and returns the sweep's status: completed when every cell is, stopped when a cell was stopped,
    // failed when a cell failed.
    RunStatus finish();

private:
    RunStore store_;
    int64_t sweepId_;
    SweepRecord sweep_;
    std::set<int64_t> tried_;
    bool stopped_ = false;
    bool failed_ = false;
};

struct SweepCallbacks {
    std::function<void(const SweepCellRun&, size_t position, size_t count)> cellStarted;  // position from 1
    std::function<void(const TrainingProgress&)> progress;
    std::function<void(const std::string&)> log;
    std::function<bool()> proceed;  // false stops the current cell (checkpoint kept) and the sweep
    std::function<void(const SweepCellRun&, const TrainingResult&)> cellFinished;
};

// Runs every cell left, synchronously on the calling thread, recording each run; returns the sweep's status.
RunStatus runSweep(const std::filesystem::path& database, int64_t sweepId, const SweepCallbacks& callbacks = {});

}  // namespace lora
