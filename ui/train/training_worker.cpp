#include "train/training_worker.h"

#include "lora/device.h"
#include "lora/run_recorder.h"

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace {

// The trainer's threads give way to the GUI thread when they compete for a core (on a 2-core machine they
// always do): nice +5 on this thread, which LibTorch's OpenMP workers, created from it, inherit. Qt's
// QThread::setPriority has no effect under Linux's default scheduler, hence setpriority.
void yieldToTheGui()
{
#ifdef Q_OS_LINUX
    static thread_local bool done = false;
    if (!done) {
        setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5);
        done = true;
    }
#endif
}

}  // namespace

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<lora::TrainingResult>("lora::TrainingResult");
}

void TrainingWorker::reset()
{
    std::lock_guard lock(mutex_);
    paused_ = false;
    stop_ = false;
    announced_ = false;
    pending_.clear();
}

void TrainingWorker::pause()
{
    std::lock_guard lock(mutex_);
    paused_ = true;
}

void TrainingWorker::resume()
{
    {
        std::lock_guard lock(mutex_);
        paused_ = false;
    }
    changed_.notify_all();
}

void TrainingWorker::stop()
{
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
}

bool TrainingWorker::isPaused() const
{
    std::lock_guard lock(mutex_);
    return paused_;
}

bool TrainingWorker::stopRequested() const
{
    std::lock_guard lock(mutex_);
    return stop_;
}

std::vector<lora::TrainingProgress> TrainingWorker::takeProgress()
{
    std::lock_guard lock(mutex_);
    std::vector<lora::TrainingProgress> taken;
    taken.swap(pending_);
    announced_ = false;
    return taken;
}

void TrainingWorker::run(const lora::TrainingConfig& requested, const RunRecording& recording)
{
    lora::TrainingResult result;
    lora::TrainingConfig config = requested;
    try {
        yieldToTheGui();
        lora::RecorderOptions options;
        options.database = recording.database;
        options.resumeRun = recording.run;
        if (recording.run && recording.resume) {
            // The recorded run as it was started, from its last checkpoint; a database that cannot be read fails
            // the run with its message (there is nothing to resume without it).
            lora::RunStore store(recording.database.empty() ? lora::RunStore::defaultPath() : recording.database);
            const lora::ResumePlan plan = lora::planResume(store, *recording.run);
            config = plan.config;
            options.name = plan.name;
            Q_EMIT logMessage(plan.checkpoint ? tr("Resuming run %1 from %2 (step %3)")
                                                    .arg(*recording.run)
                                                    .arg(QString::fromStdString(plan.checkpoint->path))
                                                    .arg(plan.checkpoint->step)
                                              : tr("Run %1 has no usable checkpoint: it starts again from step 0")
                                                    .arg(*recording.run));
        }
        // LibTorch's intra-op pool and grad mode are per thread: this QThread is new to torch.
        lora::setComputeThreads(config.threads);
        // The run goes into the history the Runs page (and lora-cli) read; without a database it still trains.
        std::unique_ptr<lora::RunRecorder> recorder;
        try {
            recorder = std::make_unique<lora::RunRecorder>(config, options);
            recorder->onWarning([this](const std::string& m) { Q_EMIT logMessage(QString::fromStdString(m)); });
            Q_EMIT logMessage(tr("Run %1 recorded in %2")
                                  .arg(recorder->runId())
                                  .arg(QString::fromStdString(recorder->database().string())));
        } catch (const std::exception& e) {
            const QString message = QString::fromUtf8(e.what());
            Q_EMIT logMessage(tr("This run is not recorded in the run history: %1").arg(message));
            Q_EMIT recordingFailed(message);
        }
        lora::TrainingCallbacks callbacks;
        callbacks.progress = [this, &recorder](const lora::TrainingProgress& p) {
            if (recorder)
                recorder->progress(p);
            report(p);
        };
        callbacks.log = [this](const std::string& line) { Q_EMIT logMessage(QString::fromStdString(line)); };
        callbacks.proceed = [this] { return proceed(); };
        callbacks.checkpoint = [&recorder](const std::filesystem::path& dir, int64_t step) {
            if (recorder)
                recorder->checkpoint(dir, step);
        };
        result = lora::runTraining(config, callbacks);
        if (recorder)
            recorder->finish(result);
    } catch (const std::exception& e) {  // runTraining never throws; a callback might
        result.status = lora::TrainingStatus::Failed;
        result.error = e.what();
    }
    Q_EMIT finished(result);
}

void TrainingWorker::report(const lora::TrainingProgress& progress)
{
    bool announce = false;
    {
        std::lock_guard lock(mutex_);
        pending_.push_back(progress);
        announce = !announced_;
        announced_ = true;
    }
    if (announce)
        Q_EMIT progressAvailable();
}

bool TrainingWorker::proceed()
{
    std::unique_lock lock(mutex_);
    if (paused_ && !stop_) {
        lock.unlock();
        Q_EMIT paused();
        lock.lock();
    }
    changed_.wait(lock, [this] { return !paused_ || stop_; });
    return !stop_;
}
