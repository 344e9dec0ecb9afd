#include "train/training_run.h"

#include "train/training_worker.h"

TrainingRun::TrainingRun(QObject* parent) : QObject(parent)
{
    thread_.setObjectName("training");
    worker_ = new TrainingWorker;
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &TrainingWorker::progressAvailable, this, &TrainingRun::collect, Qt::QueuedConnection);
    connect(worker_, &TrainingWorker::logMessage, this, &TrainingRun::logMessage, Qt::QueuedConnection);
    connect(worker_, &TrainingWorker::recordingFailed, this, &TrainingRun::recordingFailed, Qt::QueuedConnection);
    connect(worker_, &TrainingWorker::paused, this, [this] {
        if (state_ == State::Running)
            setState(State::Paused);
    }, Qt::QueuedConnection);
    connect(worker_, &TrainingWorker::finished, this, &TrainingRun::onFinished, Qt::QueuedConnection);
    flushTimer_.setSingleShot(true);
    connect(&flushTimer_, &QTimer::timeout, this, &TrainingRun::flush);
    thread_.start();
}

TrainingRun::~TrainingRun()
{
    // The trainer checks before every optimizer step, so this waits for one step at most.
    worker_->stop();
    thread_.quit();
    thread_.wait();
}

void TrainingRun::start(const lora::TrainingConfig& config, const RunRecording& recording)
{
    if (isActive())
        return;
    config_ = config;
    result_ = {};
    history_.clear();
    wall_.clear();
    flushedSteps_ = 0;
    worker_->reset();  // the worker is idle between runs: nothing from an earlier run lingers
    auto* w = worker_;
    QMetaObject::invokeMethod(w, [w, config, recording] { w->run(config, recording); }, Qt::QueuedConnection);
    clock_.start();
    sinceFlush_.invalidate();
    setState(State::Running);
}

void TrainingRun::pause()
{
    if (state_ != State::Running)
        return;
    worker_->pause();
    // The state flips to Paused when the trainer reaches its next step boundary (TrainingWorker::paused).
}

void TrainingRun::resume()
{
    if (state_ != State::Paused && !(state_ == State::Running && worker_->isPaused()))
        return;
    worker_->resume();
    if (state_ == State::Paused)
        setState(State::Running);
}

void TrainingRun::stop()
{
    if (state_ != State::Running && state_ != State::Paused)
        return;
    worker_->stop();
    setState(State::Stopping);
}

qint64 TrainingRun::wallMilliseconds() const { return clock_.isValid() ? clock_.elapsed() : 0; }

void TrainingRun::collect()
{
    const double now = clock_.isValid() ? clock_.elapsed() / 1000.0 : 0.0;
    for (auto& p : worker_->takeProgress()) {
        history_.push_back(p);
        wall_.push_back(now);
    }
    if (flushTimer_.isActive())
        return;  // a redraw is already due
    const qint64 interval = 1000 / kMaxRedrawsPerSecond;
    const qint64 since = sinceFlush_.isValid() ? sinceFlush_.elapsed() : interval;
    if (since >= interval)
        flush();
    else
        flushTimer_.start(int(interval - since));
}

void TrainingRun::flush()
{
    flushTimer_.stop();
    if (int(history_.size()) == flushedSteps_)
        return;
    flushedSteps_ = int(history_.size());
    sinceFlush_.start();
    Q_EMIT metricsUpdated(flushedSteps_);
}

void TrainingRun::onFinished(const lora::TrainingResult& result)
{
    collect();
    flush();  // the last steps are drawn before the result is announced
    result_ = result;
    setState(State::Finished);
    Q_EMIT finished(result_);
}

void TrainingRun::setState(State state)
{
    if (state_ == state)
        return;
    state_ = state;
    Q_EMIT stateChanged(state_);
}
