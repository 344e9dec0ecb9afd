#pragma once
// Runs lora::runTraining on the thread it was moved to. Pause, resume and stop may be called from any thread;
// they take effect before the next optimizer step. Progress is kept, every step of it, in a queue the GUI
// drains: the worker announces new records with one queued signal and announces again only after the GUI has
// taken them, so a fast trainer never floods the GUI thread's event queue.
#include "train/training_metatypes.h"

#include <QObject>
#include <QString>

#include <condition_variable>
#include <mutex>
#include <vector>



class TrainingWorker final : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(QObject* parent = nullptr);

    // Thread-safe controls.
    void reset();  // before a new run: not paused, not stopped, no records waiting
    void pause();
    void resume();
    void stop();
    bool isPaused() const;
    bool stopRequested() const;

    // Thread-safe: the records reported since the last call, in step order.
    std::vector<lora::TrainingProgress> takeProgress();

public Q_SLOTS:
    // Trains synchronously on this object's thread; emits finished() exactly once.
    void run(const lora::TrainingConfig& config, const RunRecording& recording);

Q_SIGNALS:
    void progressAvailable();  // new records wait in takeProgress(); sent once until they are taken
    void logMessage(const QString& line);
    void recordingFailed(const QString& message);  // the run trains, but the run database could not be used
    void paused();             // the trainer is now waiting before its next step
    void finished(const lora::TrainingResult& result);

private:
    bool proceed();  // on the training thread, before every optimizer step
    void report(const lora::TrainingProgress& progress);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool paused_ = false;
    bool stop_ = false;
    bool announced_ = false;
    std::vector<lora::TrainingProgress> pending_;
};
