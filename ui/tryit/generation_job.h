#pragma once
// Generates the base model's and the adapter's answers to one prompt, one after the other, on a worker QThread:
// tokens stream back by queued signals; cancel() stops before the next token. The GUI thread never runs a
// forward pass. The model's adapter slot is only touched on the worker thread, and is empty again afterwards.
#include "lora/generation.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace lora {
class Adapter;
class Model;
class Tokenizer;
}

struct GenerationRequest {
    std::shared_ptr<lora::Model> model;
    std::shared_ptr<const lora::Tokenizer> tokenizer;
    QString adapterFolder;  // a PEFT folder; empty: the base model only
    QString prompt;
    double adapterScale = 1.0;        // multiplies the adapter's LoRA scaling in pane 1
    lora::GenerationOptions options;  // cancel is set by the job
};

// One pane's outcome. Pane 0 is the base model, pane 1 the model with the adapter.
struct GenerationSummary {
    int pane = 0;
    QString error;  // non-empty when this pane could not generate (for the user)
    qint64 tokens = 0;
    double tokensPerSecond = 0;
    QString stopReason;  // "eos", "max-new-tokens", "context-limit", "cancelled"
    quint64 seed = 0;
};
Q_DECLARE_METATYPE(GenerationSummary)

class GenerationWorker final : public QObject {
    Q_OBJECT
public:
    explicit GenerationWorker(std::atomic<bool>* cancel) : cancel_(cancel) {}
    void run(const GenerationRequest& request);

Q_SIGNALS:
    void token(int pane, const QString& text);
    void paneFinished(const GenerationSummary& summary);
    void finished();

private:
    GenerationSummary generateInto(int pane, const GenerationRequest& request, lora::GenerationOptions options);

    std::atomic<bool>* cancel_;
    // The adapter last loaded, kept while the same model and folder are asked for again.
    std::shared_ptr<lora::Adapter> adapter_;
    std::shared_ptr<lora::Model> adapterModel_;  // held: the adapter points into this model
    QString adapterFolder_;
};

class GenerationJob final : public QObject {
    Q_OBJECT
public:
    explicit GenerationJob(QObject* parent = nullptr);
    ~GenerationJob() override;  // cancels and waits (one token at most)

    void start(const GenerationRequest& request);  // ignored while running
    void cancel();
    bool isRunning() const { return running_; }

Q_SIGNALS:
    void token(int pane, const QString& text);
    void paneFinished(const GenerationSummary& summary);
    void finished();

private:
    QThread thread_;
    GenerationWorker* worker_;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
};
