#pragma once
#include <QMainWindow>

#include <functional>

class AdapterPage;
class DataPage;
class InspectPage;
class ModelPage;
class QMenu;
class QTabWidget;
class SweepPage;
class RunDatabase;
class RunsPage;
class TrainPage;
class TryPage;
struct TrainInputs;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    ModelPage* modelPage() const { return modelPage_; }
    DataPage* dataPage() const { return dataPage_; }
    AdapterPage* adapterPage() const { return adapterPage_; }
    TrainPage* trainPage() const { return trainPage_; }
    TryPage* tryPage() const { return tryPage_; }
    SweepPage* sweepPage() const { return sweepPage_; }
    RunsPage* runsPage() const { return runsPage_; }
    RunDatabase* runDatabase() const { return runDatabase_; }  // the one both the Runs page and training use
    InspectPage* inspectPage() const { return inspectPage_; }
    QTabWidget* tabs() const { return tabs_; }
    void openModelFolder(const QString& folder);
    void openDatasetFile(const QString& file);  // shows the Data tab
    // What the app opens with: the last model and dataset, else the bundled model and dataset.
    void openStartupChoices();
    // Closing while training asks first; this answers for the user (tests, scripted runs).
    void setConfirmCloseDuringTraining(std::function<bool()> confirm) { confirmClose_ = std::move(confirm); }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void chooseModelFolder();
    void compareWithFull();  // the Train page's settings as LoRA and as full fine-tuning, side by side
    void rememberRecent(const QString& folder);
    void rebuildRecentMenu();
    void onModelLoaded(const QString& folder);
    void applyBundledDefaults();
    void restoreChoices();
    void rememberAdapterChoices();
    TrainInputs trainInputs() const;

    QTabWidget* tabs_;
    ModelPage* modelPage_;
    DataPage* dataPage_;
    AdapterPage* adapterPage_;
    TrainPage* trainPage_;
    TryPage* tryPage_;
    SweepPage* sweepPage_;
    RunDatabase* runDatabase_;
    RunsPage* runsPage_;
    InspectPage* inspectPage_;
    QMenu* recentMenu_;
    QStringList bundledTargets_;  // lora_defaults.json's target_modules, applied to the first model loaded
    bool targetsPending_ = false;
    QString modelError_;
    QString dataError_;
    bool closeAfterRun_ = false;
    std::function<bool()> confirmClose_;
};
