#pragma once
// The Train page: training settings (with tooltips that teach each term), start / pause / resume / stop, a
// progress bar with elapsed and remaining time, the live charts (TrainingCharts), and the log.
// The run itself is a TrainingRun: a worker on its own QThread; this page only draws what it reports.
#include "train/metric_axis.h"
#include "train/training_defaults.h"
#include "train/training_run.h"

#include "lora/dataset.h"
#include "lora/lora_config.h"
#include "lora/model.h"
#include "train/training_metatypes.h"

#include <QWidget>

#include <functional>
#include <optional>

class MessageBanner;
class MetricPlot;
class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSettings;
class QSpinBox;
class RunDatabase;
class TrainingCharts;
namespace lora {
struct RunRecord;
}

// What the other pages contribute to a run, gathered by MainWindow when Start is pressed.
struct TrainInputs {
    QString modelFolder;       // the loaded model's folder (empty: none loaded)
    QString device = QStringLiteral("cpu");
    QString dtype = QStringLiteral("float32");
    int threads = 0;
    QString dataFile;          // the loaded dataset (empty: none)
    lora::DatasetOptions dataset;
    lora::LoraConfig lora;
    qint64 trainableParameters = 0;  // as the Adapter page shows it
    QString problem;           // why no run can start now, for the user (empty: ready)
    std::optional<lora::ModelDescription> model;  // the loaded model's, for the memory estimate
    qint64 longestExample = 0;  // tokens in the dataset's longest example (batches are padded to it); 0: unknown
};

class TrainPage final : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(QWidget* parent = nullptr);

    void setInputsProvider(std::function<TrainInputs()> provider) { inputs_ = std::move(provider); }
    // Runs are recorded in this database (its path when each run starts); without one, in the default.
    void setRunDatabase(RunDatabase* database) { database_ = database; }
    // Run Again: the training settings of a recorded run (`totalSteps`: its step count, for a run sized by
    // epochs). Settings this page does not show (gradient accumulation, Adam's betas, checkpoints...) are kept
    // from `config` for the next Start; the output folder goes back to automatic, so nothing is overwritten.
    void loadConfig(const lora::TrainingConfig& config, int64_t totalSteps, const QString& origin);
    bool hasLoadedConfig() const { return loaded_.has_value(); }
    // Resume: continues a recorded (interrupted, stopped or failed) run from its last checkpoint, in this page,
    // with its own settings; its metrics go on in the same run record.
    void resumeRecordedRun(const lora::RunRecord& run);
    // Bytes a run on the device can use (default: lora::availableMemoryBytes); tests inject a size.
    void setAvailableMemoryProvider(std::function<qint64(const QString& device)> provider)
    {
        availableMemory_ = std::move(provider);
    }
    // Recomputes the memory estimate shown under the settings (also done when the page is shown and the batch
    // size changes).
    void refreshMemoryEstimate();
    void applyDefaults(const TrainingDefaults& defaults);
    void restoreSettings(const QSettings& settings);  // the user's last choices (keys "train/...")
    void saveSettings(QSettings& settings) const;

    // The configuration Start would use now, or nullopt with the reason shown in the page.
    std::optional<lora::TrainingConfig> buildConfig();

    void start();
    void togglePause();
    void stop();

    TrainingRun* run() { return &run_; }
    QAction* startAction() const { return startAction_; }
    QAction* pauseAction() const { return pauseAction_; }
    QAction* stopAction() const { return stopAction_; }
    MetricPlot* lossPlot() const;
    MetricPlot* learningRatePlot() const;
    MetricPlot* gradNormPlot() const;
    MetricPlot* throughputPlot() const;
    QString statusText() const;

    void setXAxis(MetricAxis axis);
    MetricAxis xAxis() const;
    void setSteps(int steps);
    void setValidationFraction(double fraction);
    void setSeed(quint64 seed);
    void setOutputFolder(const QString& folder);

Q_SIGNALS:
    void settingsChanged();
    void validationFractionChanged(double fraction);
    void seedChanged(quint64 seed);
    void runFinished(const lora::TrainingResult& result);
    void recordingFailed(const QString& message);  // this run trains unrecorded: the run database cannot be used

private:
    QWidget* buildSettings();
    QWidget* buildMonitor();
    void onStateChanged(TrainingRun::State state);
    void onMetrics();
    void onFinished(const lora::TrainingResult& result);
    void updateProgress();
    void updateActions();
    void appendLog(const QString& line);
    void beginRun(const lora::TrainingConfig& config, const RunRecording& recording);
    bool confirmMemory(const lora::TrainingConfig& config, const TrainInputs& in);
    void showEvent(QShowEvent* event) override;

    TrainingRun run_;
    std::function<TrainInputs()> inputs_;
    RunDatabase* database_ = nullptr;
    std::optional<lora::TrainingConfig> loaded_;  // Run Again's settings, the base of the next runs' configs
    std::function<qint64(const QString&)> availableMemory_;

    QAction* startAction_;
    QAction* pauseAction_;
    QAction* stopAction_;
    QPushButton* startButton_;
    QPushButton* pauseButton_;
    QPushButton* stopButton_;

    QSpinBox* steps_;
    QSpinBox* batch_;
    QDoubleSpinBox* learningRate_;
    QComboBox* schedule_;
    QSpinBox* warmup_;
    QDoubleSpinBox* weightDecay_;
    QSpinBox* evalEvery_;
    QDoubleSpinBox* validation_;
    QSpinBox* seed_;
    QLineEdit* output_;
    QLabel* memory_;

    MessageBanner* banner_;
    QLabel* status_;
    QProgressBar* progress_;
    QLabel* timing_;
    TrainingCharts* charts_;
    QPlainTextEdit* log_;
};
