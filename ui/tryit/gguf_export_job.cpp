#include "tryit/gguf_export_job.h"

#include "lora/adapter.h"
#include "lora/device.h"
#include "lora/gguf_export.h"
#include "lora/model.h"

#include <QtConcurrent/QtConcurrentRun>

namespace {

GgufExportResult exportFolder(std::shared_ptr<lora::Model> model, const QString& adapterFolder, const QString& file,
                              bool f16)
{
    GgufExportResult result{file, {}, {}};
    try {
        lora::setComputeThreads(0);  // a pool thread is new to torch: initialise its intra-op threads
        const auto adapter = lora::Adapter::load(*model, adapterFolder.toStdString());
        const auto s = lora::exportGguf(*adapter, file.toStdString(), {.f16 = f16});
        result.summary = QObject::tr("%1 LoRA pairs for llama.cpp's %2 architecture (alpha %3%4)")
                             .arg(s.pairs)
                             .arg(QString::fromStdString(s.architecture))
                             .arg(s.alpha)
                             .arg(s.rescaledPairs ? QObject::tr(", %1 with their scale folded in").arg(s.rescaledPairs)
                                                  : QString());
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

}  // namespace

GgufExportJob::GgufExportJob(QObject* parent) : QObject(parent)
{
    connect(&watcher_, &QFutureWatcher<GgufExportResult>::finished, this,
            [this] { Q_EMIT finished(watcher_.result()); });
}

void GgufExportJob::start(std::shared_ptr<lora::Model> model, const QString& adapterFolder, const QString& file,
                          bool f16)
{
    watcher_.setFuture(QtConcurrent::run(exportFolder, std::move(model), adapterFolder, file, f16));
}

bool GgufExportJob::isRunning() const { return watcher_.isRunning(); }
