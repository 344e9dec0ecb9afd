#pragma once
// One sweep run from the GUI: core's SweepQueue hands out the cells not completed yet (an interrupted one resumes
// from its checkpoint) and a TrainingRun trains each on its worker thread, recorded into the cell's own run row.
// start() never blocks on training; stop() ends the current cell after its step (a checkpoint is kept) and starts
// no other, so the sweep can be resumed later, from here or with `lora-cli sweep resume`.
#include "train/training_run.h"

#include "lora/sweep_queue.h"

#include <QObject>
#include <QString>

#include <filesystem>
#include <memory>
#include <optional>

class SweepSession final : public QObject {
    Q_OBJECT
public:
    explicit SweepSession(QObject* parent = nullptr);
    ~SweepSession() override;

    // Opens the sweep (marking it running, owned by this process) and starts its first cell left. False, with
    // the reason in `error`, when it cannot (no such sweep, another process runs it, the database is locked).
    bool start(const std::filesystem::path& database, int64_t sweepId, QString* error);
    void stop();
    bool isActive() const { return queue_ != nullptr; }
    int64_t sweepId() const { return sweepId_; }
    int position() const { return position_; }  // of the current cell, from 1
    int count() const { return count_; }
    const std::optional<lora::SweepCellRun>& currentCell() const { return cell_; }
    TrainingRun* run() { return &run_; }  // the current cell's training: its steps, pause, log

Q_SIGNALS:
    void cellStarted(qint64 runId, int position, int count, const QString& name);
    void cellFinished(qint64 runId, const lora::TrainingResult& result);
    void logMessage(const QString& line);
    // The sweep ended: "completed", "stopped" or "failed" (lora::runStatusName), or why it could not go on.
    void finished(const QString& status, const QString& error);

private:
    void startNext();
    void onCellFinished(const lora::TrainingResult& result);
    void end(const QString& status, const QString& error);

    TrainingRun run_;
    std::unique_ptr<lora::SweepQueue> queue_;
    std::optional<lora::SweepCellRun> cell_;
    int64_t sweepId_ = 0;
    int position_ = 0;
    int count_ = 0;
    bool stopRequested_ = false;
};
