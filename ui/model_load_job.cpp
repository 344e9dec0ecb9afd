#include "model_load_job.h"

#include "lora/device.h"
#include "lora/model.h"
#include "lora/tokenizer.h"

#include <QtConcurrent/QtConcurrentRun>

#include <filesystem>

namespace {

LoadedModel load(const QString& folder, const QString& device, const QString& dtype)
{
    LoadedModel result;
    try {
        lora::setComputeThreads(0);  // a pool thread is new to torch: initialise its intra-op threads
        lora::LoadOptions options;
        options.device = device.toStdString();
        options.dtype = dtype.toStdString();
        const std::filesystem::path dir = folder.toStdString();
        result.model = lora::Model::load(dir, options);
        if (std::filesystem::exists(dir / "tokenizer.json"))
            result.tokenizer = lora::Tokenizer::fromFile(dir / "tokenizer.json");
    } catch (const std::exception& e) {
        result.model.reset();
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

}  // namespace

ModelLoadJob::ModelLoadJob(QObject* parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<LoadedModel>::finished, this,
            [this] { Q_EMIT finished(folder_, watcher_.result()); });
}

void ModelLoadJob::start(const QString& folder, const QString& device, const QString& dtype)
{
    folder_ = folder;
    watcher_.setFuture(QtConcurrent::run(load, folder, device, dtype));
}

bool ModelLoadJob::isRunning() const { return watcher_.isRunning(); }
