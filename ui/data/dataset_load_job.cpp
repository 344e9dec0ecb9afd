#include "data/dataset_load_job.h"

#include "lora/tokenizer.h"

#include <QtConcurrent/QtConcurrentRun>

#include <filesystem>

namespace {

LoadedDataset load(const QString& file, std::shared_ptr<const lora::Tokenizer> tokenizer,
                   const lora::DatasetOptions& options, quint64 serial)
{
    LoadedDataset result;
    result.serial = serial;
    try {
        auto dataset = std::make_shared<lora::Dataset>(
            lora::loadDataset(std::filesystem::path(file.toStdU16String()), *tokenizer, options));
        result.stats = lora::computeStats(dataset->examples, DatasetLoadJob::kHistogramBins);
        result.dataset = std::move(dataset);
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

}  // namespace

DatasetLoadJob::DatasetLoadJob(QObject* parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<LoadedDataset>::finished, this, [this] {
        const LoadedDataset result = watcher_.result();
        if (result.serial != serial_)  // an older run that finished late is not news
            return;
        pending_ = false;
        Q_EMIT finished(file_, result);
    });
}

void DatasetLoadJob::start(const QString& file, std::shared_ptr<const lora::Tokenizer> tokenizer,
                           const lora::DatasetOptions& options)
{
    file_ = file;
    pending_ = true;
    watcher_.setFuture(QtConcurrent::run(load, file, std::move(tokenizer), options, ++serial_));
}
