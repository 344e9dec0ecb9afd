#include "lora/training_job.h"

#include "lora/device.h"
#include "lora/error.h"

namespace lora {

TrainingJob::TrainingJob(TrainingConfig config) : config_(std::move(config)) {}

TrainingJob::~TrainingJob()
{
    stop();
    if (!thread_.joinable())
        return;
    // Destroyed from its own callback: the thread cannot join itself; it finishes on its own.
    if (thread_.get_id() == std::this_thread::get_id())
        thread_.detach();
    else
        thread_.join();
}

void TrainingJob::onProgress(std::function<void(const TrainingProgress&)> callback) { onProgress_ = std::move(callback); }
void TrainingJob::onLog(std::function<void(const std::string&)> callback) { onLog_ = std::move(callback); }
void TrainingJob::onResult(std::function<void(const TrainingResult&)> callback) { onResult_ = std::move(callback); }
void TrainingJob::onCheckpoint(std::function<void(const std::filesystem::path&, int64_t)> callback)
{
    onCheckpoint_ = std::move(callback);
}

void TrainingJob::setProcessGroup(std::shared_ptr<ProcessGroup> group) { group_ = std::move(group); }

void TrainingJob::start()
{
    {
        std::lock_guard lock(mutex_);
        if (started_)
            return;
        started_ = true;
    }
    thread_ = std::thread([this] {
        // Intra-op threads and grad mode are per thread: set them up here, not in the caller's thread.
        TrainingResult result;
        try {
            setComputeThreads(config_.threads);
            TrainingCallbacks callbacks;
            callbacks.progress = onProgress_;
            callbacks.log = onLog_;
            callbacks.checkpoint = onCheckpoint_;
            callbacks.proceed = [this] { return proceed(); };
            result = runTraining(config_, callbacks, group_);
        } catch (const std::exception& e) {
            // runTraining reports its own errors; this catches only a throwing callback.
            result.status = TrainingStatus::Failed;
            result.error = e.what();
        }
        {
            std::lock_guard lock(mutex_);
            result_ = result;
        }
        if (onResult_)
            onResult_(result);
        changed_.notify_all();
    });
}

bool TrainingJob::proceed()
{
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !paused_ || stopRequested_; });
    return !stopRequested_;
}

void TrainingJob::pause()
{
    std::lock_guard lock(mutex_);
    paused_ = true;
}

void TrainingJob::resume()
{
    {
        std::lock_guard lock(mutex_);
        paused_ = false;
    }
    changed_.notify_all();
}

bool TrainingJob::isPaused() const
{
    std::lock_guard lock(mutex_);
    return paused_;
}

void TrainingJob::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopRequested_ = true;
    }
    changed_.notify_all();
}

TrainingResult TrainingJob::wait()
{
    {
        std::lock_guard lock(mutex_);
        if (!started_)
            throw Error("TrainingJob::wait() called before start()");
    }
    if (thread_.get_id() == std::this_thread::get_id())
        throw Error("TrainingJob::wait() called from the job's own thread");
    if (thread_.joinable())
        thread_.join();  // the thread ends after the result callback returned
    std::lock_guard lock(mutex_);
    return *result_;
}

bool TrainingJob::isFinished() const
{
    std::lock_guard lock(mutex_);
    return result_.has_value();
}

std::optional<TrainingResult> TrainingJob::result() const
{
    std::lock_guard lock(mutex_);
    return result_;
}

}  // namespace lora
