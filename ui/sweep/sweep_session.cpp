#include "sweep/sweep_session.h"

SweepSession::SweepSession(QObject* parent) : QObject(parent)
{
    connect(&run_, &TrainingRun::finished, this, &SweepSession::onCellFinished);
    connect(&run_, &TrainingRun::logMessage, this, &SweepSession::logMessage);
}

SweepSession::~SweepSession()
{
    // run_ stops and waits for its worker (one step at most); the sweep stays "running" in the file until the
    // next open finds this process gone and marks it interrupted, resumable like after a crash.
    disconnect(&run_, nullptr, this, nullptr);
}

bool SweepSession::start(const std::filesystem::path& database, int64_t sweepId, QString* error)
{
    if (isActive()) {
        *error = tr("A sweep is already running.");
        return false;
    }
    try {
        queue_ = std::make_unique<lora::SweepQueue>(database, sweepId);
        count_ = int(queue_->cellCount());
        position_ = int(queue_->completedCount());
    } catch (const std::exception& e) {
        queue_.reset();
        *error = QString::fromUtf8(e.what());
        return false;
    }
    sweepId_ = sweepId;
    stopRequested_ = false;
    startNext();
    return true;
}

void SweepSession::stop()
{
    if (!isActive())
        return;
    stopRequested_ = true;
    run_.stop();
}

void SweepSession::startNext()
{
    if (stopRequested_)
        queue_->stop();
    try {
        cell_ = queue_->next();
    } catch (const std::exception& e) {
        QString status;
        try {  // record the sweep as ended, so it can be resumed (here or by lora-cli) without waiting for this process
            status = QString::fromStdString(lora::runStatusName(queue_->finish()));
        } catch (const std::exception&) {
        }
        end(status, QString::fromUtf8(e.what()));
        return;
    }
    if (!cell_) {
        QString status, error;
        try {
            status = QString::fromStdString(lora::runStatusName(queue_->finish()));
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        end(status, error);
        return;
    }
    ++position_;
    // The cell's row exists (queued); its config already carries the checkpoint to continue from, if any.
    run_.start(cell_->config, RunRecording{queue_->database(), cell_->runId, /*resume=*/false});
    Q_EMIT cellStarted(cell_->runId, position_, count_, QString::fromStdString(cell_->name));
    if (cell_->resumeStep)
        Q_EMIT logMessage(tr("Run %1 continues from its checkpoint at step %2").arg(cell_->runId).arg(*cell_->resumeStep));
}

void SweepSession::onCellFinished(const lora::TrainingResult& result)
{
    if (!isActive() || !cell_)
        return;
    queue_->cellFinished(*cell_, result.status);
    Q_EMIT cellFinished(cell_->runId, result);
    startNext();
}

void SweepSession::end(const QString& status, const QString& error)
{
    queue_.reset();
    cell_.reset();
    Q_EMIT finished(status, error);
}
