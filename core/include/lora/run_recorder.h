#pragma once
// Records a training run in the run history as it goes: the run row (config, hashes, parameters, status), every
// step's metrics (batched by MetricWriter), each checkpoint, and at the end the adapter into the library.
// lora-cli and lora-studio both train through this, so a run from either appears in the other's history.
// Call its methods from the training callbacks (the training thread). A database error never stops training:
// it is reported once through onWarning and the metrics stay wherever else the caller writes them.
#include "lora/run_store.h"
#include "lora/training.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lora {

struct RecorderOptions {
    std::filesystem::path database;  // empty: RunStore::defaultPath()
    std::string name;                // empty: the output folder's name
    std::vector<std::string> tags;
    std::optional<int64_t> resumeRun;  // record into this existing row (a resume, or a sweep's queued cell)
    std::chrono::milliseconds commitDelay{1000};  // commit waiting metrics at the first step boundary after this
};

// Resuming a recorded run: its stored config, continuing from its last checkpoint whose folder still matches its
// recorded sha256 (none: from step 0), with its metric rows past that step removed, as the resumed run writes
// them again. Throws lora::Error naming the database when the run is missing, or is running, completed or queued.
struct ResumePlan {
    TrainingConfig config;  // resumeFrom set to the checkpoint (empty without one)
    std::string name;
    std::optional<CheckpointRecord> checkpoint;
};
ResumePlan planResume(RunStore& store, int64_t runId);

class RunRecorder {
public:
    // Opens the database (throws StoreError when it is locked or corrupt, the file untouched), creates the run
    // (or takes the resumed one) and marks it running, owned by this process.
    RunRecorder(const TrainingConfig& config, const RecorderOptions& options);
    ~RunRecorder();
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    int64_t runId() const { return runId_; }
    const std::filesystem::path& database() const;

    void onWarning(std::function<void(const std::string&)> callback) { onWarning_ = std::move(callback); }
    // After each metrics commit: the last step committed and the rows in that transaction.
    void onCommit(std::function<void(int64_t step, size_t rows)> callback);

    // TrainingCallbacks::progress: the step's metrics (and, first time, the parameter counts and the run's real
    // step count: the trainer's, which for a run sized by epochs is steps per epoch x epochs / accumulation).
    void progress(const TrainingProgress& progress);
    // TrainingCallbacks::checkpoint: commits the metrics up to it first, so a resume never misses any.
    void checkpoint(const std::filesystem::path& dir, int64_t step);
    // The run's end: commits what is left, stores a completed LoRA run's adapter in the library and sets the
    // final status. Returns the stored adapter's id, if one was stored.
    std::optional<int64_t> finish(const TrainingResult& result);

private:
    void warn(const std::exception& e);

    TrainingConfig config_;
    std::unique_ptr<RunStore> store_;
    std::unique_ptr<MetricWriter> writer_;
    int64_t runId_ = 0;
    bool parametersRecorded_ = false;
    int64_t totalStepsRecorded_ = 0;
    bool warned_ = false;
    std::function<void(const std::string&)> onWarning_;
};

// How a stopped, interrupted or queued run continues: its stored configuration, resuming from its last checkpoint
// whose folder still has the recorded sha256 (metrics past it are removed from the database), else from step 0
// (its metrics removed). Throws lora::Error when the stored configuration cannot be read.
struct ResumePoint {
    TrainingConfig config;
    std::optional<CheckpointRecord> checkpoint;
};
ResumePoint prepareResume(RunStore& store, const RunRecord& run);

}  // namespace lora
