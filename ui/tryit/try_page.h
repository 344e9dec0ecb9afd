#pragma once
// The "Try it" page: one prompt, two answers side by side — the base model's and the same model with the
// trained adapter (or any PEFT folder loaded here) — streamed token by token from a worker thread, greedy or
// sampled, cancellable.
#include "tryit/generation_job.h"
#include "tryit/gguf_export_job.h"

#include <QWidget>

#include <memory>

class AdapterScaleSlider;
class MessageBanner;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

class TryPage final : public QWidget {
    Q_OBJECT
public:
    explicit TryPage(QWidget* parent = nullptr);

    void setModel(std::shared_ptr<lora::Model> model, std::shared_ptr<const lora::Tokenizer> tokenizer,
                  const QString& folder);
    void setAdapterFolder(const QString& folder, const QString& origin = {});  // "" clears
    QString adapterFolder() const { return adapterFolder_; }
    void chooseAdapterFolder();  // the "Load PEFT folder…" dialog
    // Writes the adapter as a llama.cpp LoRA GGUF on a worker thread; exportGgufFinished follows.
    void exportGguf(const QString& file, bool f16);
    void chooseGgufFile();  // the "Export for llama.cpp…" dialog
    bool isExporting() const { return ggufJob_.isRunning(); }

    void setPrompt(const QString& prompt);
    void setGreedy(bool greedy);
    void setMaxNewTokens(int tokens);
    void setAdapterScale(double scale);  // the slider: 0 = base, 1 = as trained
    void generate();
    void cancel();
    bool isGenerating() const { return job_.isRunning(); }

    QString baseText() const;
    QString adapterText() const;

Q_SIGNALS:
    void generationFinished();
    void exportGgufFinished(const GgufExportResult& result);

private:
    void onToken(int pane, const QString& text);
    void onPaneFinished(const GenerationSummary& summary);
    void onFinished();
    void updateControls();
    void onGgufExported(const GgufExportResult& result);

    GenerationJob job_;
    GgufExportJob ggufJob_;
    std::shared_ptr<lora::Model> model_;
    std::shared_ptr<const lora::Tokenizer> tokenizer_;
    QString modelFolder_;
    QString adapterFolder_;

    MessageBanner* banner_;
    QPlainTextEdit* prompt_;
    QPushButton* generate_;
    QPushButton* cancel_;
    QPushButton* exportGguf_;
    QSpinBox* maxTokens_;
    QCheckBox* greedy_;
    QDoubleSpinBox* temperature_;
    QSpinBox* topK_;
    QDoubleSpinBox* topP_;
    QDoubleSpinBox* repetition_;
    QSpinBox* seed_;
    AdapterScaleSlider* adapterScale_;
    QLabel* modelLabel_;
    QLabel* adapterLabel_;
    QPlainTextEdit* panes_[2];
    QLabel* paneStats_[2];
};
