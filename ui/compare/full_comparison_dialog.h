#pragma once
// "Compare with Full Fine-Tuning": the Train page's settings trained twice, as LoRA and as full fine-tuning, by
// `lora-cli compare-full` in a child process (each run in its own process, so each peak memory is its own), with
// its progress followed here and the two runs shown side by side at the end. The GUI thread never waits on it.
#include "lora/full_comparison.h"
#include "lora/training.h"

#include <QDialog>
#include <QProcess>

#include <filesystem>
#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

class FullComparisonDialog : public QDialog {
    Q_OBJECT

public:
    // config: what the Train page would start; database: the run database both runs are recorded in.
    FullComparisonDialog(lora::TrainingConfig config, std::filesystem::path database, QWidget* parent = nullptr);
    ~FullComparisonDialog() override;

    void setCliPath(const QString& path) { cli_ = path; }  // default: lora-cli next to this executable
    void setCorpus(const QString& file);
    QString outputFolder() const { return output_; }

    void start();   // writes the run file and starts lora-cli compare-full
    void cancel();  // both runs stop after their current step, keeping checkpoints
    bool isRunning() const { return process_.state() != QProcess::NotRunning; }

    const std::optional<lora::FullComparison>& result() const { return result_; }
    QString log() const;
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    void finished(bool ok);

private:
    void readOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void chooseCorpus();
    void fail(const QString& message);
    void closeEvent(QCloseEvent* event) override;

    lora::TrainingConfig config_;
    std::filesystem::path database_;
    QString cli_;
    QString output_;
    QProcess process_;
    QByteArray pending_;  // output after the last newline
    int side_ = -1;       // 0 while the LoRA run trains, 1 for the full one
    std::optional<lora::FullComparison> result_;

    QLineEdit* corpus_;
    QPushButton* startButton_;
    QPushButton* cancelButton_;
    QProgressBar* progress_;
    QLabel* status_;
    QPlainTextEdit* log_;
    QTableWidget* table_;
};
