#pragma once
// One training run seen from the GUI thread: owns the worker and its QThread, keeps every step's metrics,
// and tells the widgets about new metrics at most kMaxRedrawsPerSecond times a second however fast steps are.
// start() never blocks; stop() asks the trainer to end before its next optimizer step; the destructor stops
// and waits (at most one step), so a run never outlives its owner.
#include "train/training_metatypes.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <vector>

class TrainingWorker;

class TrainingRun final : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping, Finished };
    Q_ENUM(State)
    static constexpr int kMaxRedrawsPerSecond = 30;

    explicit TrainingRun(QObject* parent = nullptr);
    ~TrainingRun() override;

    // Only when not active. `recording`: where the run is recorded, or which recorded run it resumes.
    void start(const lora::TrainingConfig& config, const RunRecording& recording = {});
    void pause();
    void resume();
    void stop();

    State state() const { return state_; }
    bool isActive() const { return state_ == State::Running || state_ == State::Paused || state_ == State::Stopping; }
    const lora::TrainingConfig& config() const { return config_; }
    const std::vector<lora::TrainingProgress>& history() const { return history_; }  // every step, in order
    const lora::TrainingResult& result() const { return result_; }                   // once Finished
    qint64 wallMilliseconds() const;  // since start, pauses included
    const std::vector<double>& wallSeconds() const { return wall_; }  // per step: wall time when it arrived

Q_SIGNALS:
    void stateChanged(TrainingRun::State state);
    void metricsUpdated(int steps);  // throttled: history() grew; `steps` = its size
    void logMessage(const QString& line);
    void recordingFailed(const QString& message);
    void finished(const lora::TrainingResult& result);

private:
    void collect();  // drain the worker's queue into history_
    void flush();    // emit metricsUpdated (throttled)
    void onFinished(const lora::TrainingResult& result);
    void setState(State state);

    QThread thread_;
    TrainingWorker* worker_ = nullptr;
    State state_ = State::Idle;
    lora::TrainingConfig config_;
    lora::TrainingResult result_;
    std::vector<lora::TrainingProgress> history_;
    std::vector<double> wall_;
    QElapsedTimer clock_;
    QElapsedTimer sinceFlush_;
    QTimer flushTimer_;
    int flushedSteps_ = 0;
};
