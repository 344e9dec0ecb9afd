#pragma once
// Reads and tokenises a dataset file on a worker thread, with its statistics: large files never freeze the
// window. A newer start() supersedes a running one; only the newest result is reported.
#include "lora/dataset.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

struct LoadedDataset {
    std::shared_ptr<const lora::Dataset> dataset;  // null when loading failed
    lora::DatasetStats stats;
    QString error;  // lora::Error's message: names the file, and the line for a bad row
    quint64 serial = 0;
};

class DatasetLoadJob final : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoadJob(QObject* parent = nullptr);
    void start(const QString& file, std::shared_ptr<const lora::Tokenizer> tokenizer, const lora::DatasetOptions& options);
    // Forget a running load: its result will not be reported (the worker cannot be interrupted mid-file).
    void cancel()
    {
        ++serial_;
        pending_ = false;
    }
    bool isRunning() const { return pending_; }  // until finished() has been emitted for the newest start()

    static constexpr size_t kHistogramBins = 24;

Q_SIGNALS:
    void finished(const QString& file, const LoadedDataset& result);

private:
    QFutureWatcher<LoadedDataset> watcher_;
    QString file_;
    quint64 serial_ = 0;
    bool pending_ = false;
};
