#pragma once
// Loads a model folder (weights and tokenizer) on a worker thread: the GUI thread never waits on torch.
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

namespace lora {
class Model;
class Tokenizer;
}

struct LoadedModel {
    std::shared_ptr<lora::Model> model;
    std::shared_ptr<const lora::Tokenizer> tokenizer;  // null when the folder has no tokenizer.json
    QString error;                                     // non-empty when loading failed
};

class ModelLoadJob final : public QObject {
    Q_OBJECT
public:
    explicit ModelLoadJob(QObject* parent = nullptr);
    void start(const QString& folder, const QString& device, const QString& dtype = QStringLiteral("float32"));
    bool isRunning() const;

Q_SIGNALS:
    void finished(const QString& folder, const LoadedModel& result);

private:
    QFutureWatcher<LoadedModel> watcher_;
    QString folder_;
};
