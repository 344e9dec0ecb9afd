#pragma once
// Writes the Try it page's adapter (a PEFT folder) as a llama.cpp LoRA GGUF on a worker thread: loading it onto
// the base checks every tensor, and the export is torch work the GUI thread never waits on.
#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>

namespace lora {
class Model;
}

struct GgufExportResult {
    QString file;
    QString summary;  // what was written, for the user; empty on error
    QString error;    // the lora::Error message when the export was refused or failed
};
Q_DECLARE_METATYPE(GgufExportResult)

class GgufExportJob final : public QObject {
    Q_OBJECT
public:
    explicit GgufExportJob(QObject* parent = nullptr);
    void start(std::shared_ptr<lora::Model> model, const QString& adapterFolder, const QString& file, bool f16);
    bool isRunning() const;

Q_SIGNALS:
    void finished(const GgufExportResult& result);

private:
    QFutureWatcher<GgufExportResult> watcher_;
};
