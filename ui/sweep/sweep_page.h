#pragma once
// The Sweeps page: build a grid of runs (ranks x target presets x layer ranges x seeds) on top of the Train page's
// settings, see how many runs and parameters it makes, run it cell by cell on the training worker thread with its
// progress, and compare the runs of any sweep in the run database on a Pareto chart. A sweep that stopped or whose
// process died is resumed from here (or with lora-cli sweep resume): completed cells are never run again.
#include "lora/run_store.h"
#include "lora/sweep.h"

#include <QFutureWatcher>
#include <QWidget>

#include <filesystem>
#include <functional>
#include <optional>

class ParetoChart;
class QAction;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class ReportExport;
class QPushButton;
class SweepBuilder;
class SweepSession;

class SweepPage final : public QWidget {
    Q_OBJECT
public:
    explicit SweepPage(std::filesystem::path db = lora::RunStore::defaultPath(), QWidget* parent = nullptr);
    ~SweepPage() override;

    // The configuration every cell starts from (the Train page's), or nullopt when it cannot be built (the
    // provider says why to the user).
    void setBaseConfigProvider(std::function<std::optional<lora::TrainingConfig>()> provider)
    {
        baseConfig_ = std::move(provider);
    }
    void setModelDescription(const lora::ModelDescription& model);
    // The session's run database changed (RunDatabase): later sweeps are recorded there and the list shows it.
    void setDatabase(std::filesystem::path db);

    // Records the built sweep and starts it; false when it cannot (statusText() says why).
    bool startSweep();
    bool resumeSweep(qint64 sweepId);
    void stop();
    bool isRunning() const;

    // Reads the sweeps and the shown sweep's runs off the GUI thread; loaded() follows.
    void reload();
    void showSweep(qint64 sweepId);
    qint64 shownSweep() const;

    SweepBuilder* builder() const { return builder_; }
    ParetoChart* chart() const { return chart_; }
    SweepSession* session() const { return session_; }
    QComboBox* sweepList() const { return sweeps_; }
    QString statusText() const;
    QAction* startAction() const { return startAction_; }
    QAction* stopAction() const { return stopAction_; }
    // Export Report… (Ctrl+E): the shown sweep as one self-contained HTML file, Pareto chart included.
    QAction* exportReportAction() const { return exportReportAction_; }
    ReportExport* reportExport() const { return report_; }

Q_SIGNALS:
    void loaded();
    void runClicked(qint64 runId);  // a point of the chart: open that run
    void sweepFinished(const QString& status);

private:
    struct Snapshot {
        std::vector<lora::SweepRecord> sweeps;
        qint64 shown = 0;
        std::vector<lora::SweepResult> results;
        QString error;
    };
    static Snapshot read(const std::filesystem::path& db, qint64 wanted, lora::SweepCost cost);
    void onLoaded();
    void onCellStarted(qint64 runId, int position, int count, const QString& name);
    void onMetrics();
    void onFinished(const QString& status, const QString& error);
    void updateActions();
    void exportReport();
    void appendLog(const QString& line);
    lora::SweepCost cost() const;

    std::filesystem::path db_;
    std::function<std::optional<lora::TrainingConfig>()> baseConfig_;
    std::optional<lora::ModelDescription> model_;
    SweepSession* session_;
    SweepBuilder* builder_;
    QAction* startAction_;
    QAction* stopAction_;
    QPushButton* resume_;
    QAction* exportReportAction_;
    ReportExport* report_;
    QLabel* status_;
    QProgressBar* cells_;
    QProgressBar* steps_;
    QPlainTextEdit* log_;
    QComboBox* sweeps_;
    QComboBox* costAxis_;
    ParetoChart* chart_;
    qint64 wanted_ = 0;  // the sweep to show once loaded (0: the newest)
    QFutureWatcher<Snapshot> watcher_;
};
