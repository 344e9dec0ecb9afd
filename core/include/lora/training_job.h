#pragma once
// A training run as a job, after KDE's KJob: start() returns at once and the run goes on its own thread;
// pause(), resume() and stop() may be called from any thread (callbacks included); exactly one result
// callback ends every started job. Torch-free, for the GUI (which marshals the callbacks to its own thread)
// and the CLI (which wait()s).
#include "lora/training.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace lora {

class TrainingJob {
public:
    explicit TrainingJob(TrainingConfig config);
    // Stops the run (as stop()) and waits for its thread: a job never outlives its object.
    ~TrainingJob();
    TrainingJob(const TrainingJob&) = delete;
    TrainingJob& operator=(const TrainingJob&) = delete;

    // Set before start(). Progress and log callbacks, and the result callback, run on the job's thread.
    void onProgress(std::function<void(const TrainingProgress&)> callback);
    void onLog(std::function<void(const std::string&)> callback);
    void onResult(std::function<void(const TrainingResult&)> callback);
    void onCheckpoint(std::function<void(const std::filesystem::path&, int64_t step)> callback);
    // Data-parallel training as one rank of `group` (see runTraining); stop() on any rank stops every rank.
    void setProcessGroup(std::shared_ptr<ProcessGroup> group);

    // Starts the worker thread; a second call does nothing.
    void start();
    // Training halts before its next optimizer step until resume() (or stop()).
    void pause();
    void resume();
    bool isPaused() const;
    // The run ends before its next optimizer step, saving a checkpoint and the adapter; result: Stopped.
    void stop();

    // Blocks until the result callback has returned; returns the result. Throws lora::Error if never started.
    TrainingResult wait();
    bool isFinished() const;  // true once the result is known (its callback may still be running)
    std::optional<TrainingResult> result() const;

private:
    bool proceed();  // on the worker thread: blocks while paused, false once stopped

    TrainingConfig config_;
    std::function<void(const TrainingProgress&)> onProgress_;
    std::function<void(const std::string&)> onLog_;
    std::function<void(const TrainingResult&)> onResult_;
    std::function<void(const std::filesystem::path&, int64_t)> onCheckpoint_;
    std::shared_ptr<ProcessGroup> group_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool started_ = false;
    bool paused_ = false;
    bool stopRequested_ = false;
    std::optional<TrainingResult> result_;
    std::thread thread_;
};

}  // namespace lora
