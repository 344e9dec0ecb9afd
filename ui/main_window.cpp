#include "main_window.h"

#include "adapter/adapter_page.h"
#include "cluster/cluster_actions.h"
#include "compare/full_comparison_dialog.h"
#include "data/data_page.h"
#include "inspect/inspect_page.h"
#include "lora/model.h"
#include "model_page.h"
#include "recent_list.h"
#include "train/train_page.h"
#include "train/training_defaults.h"
#include "tryit/try_page.h"
#include "runs/run_again.h"
#include "runs/run_database.h"
#include "runs/runs_page.h"
#include "sweep/sweep_page.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      tabs_(new QTabWidget),
      modelPage_(new ModelPage),
      dataPage_(new DataPage),
      adapterPage_(new AdapterPage),
      trainPage_(new TrainPage),
      tryPage_(new TryPage),
      runDatabase_(new RunDatabase(RunDatabase::rememberedPath(), this)),
      runsPage_(new RunsPage(runDatabase_)),
      inspectPage_(new InspectPage)
{
    setWindowTitle(tr("LoRA Studio"));
    setAcceptDrops(true);

    tabs_->setDocumentMode(true);
    tabs_->addTab(modelPage_, tr("&Model"));
    tabs_->addTab(dataPage_, tr("&Data"));
    tabs_->addTab(adapterPage_, tr("&Adapter"));
    tabs_->addTab(trainPage_, tr("&Train"));
    tabs_->addTab(tryPage_, tr("Tr&y it"));
    tabs_->addTab(inspectPage_, tr("&Inside the adapter"));
    auto* runsPage = runsPage_;
    tabs_->addTab(runsPage, tr("R&uns"));
    // Runs from this window (and from lora-cli, sharing the database) show up when the page is looked at.
    connect(trainPage_, &TrainPage::runFinished, runsPage, &RunsPage::reload);
    connect(tabs_, &QTabWidget::currentChanged, runsPage, [this, runsPage](int index) {
        if (tabs_->widget(index) == runsPage)
            runsPage->reload();
    });
    // Sweeps: the Train page's settings are every cell's base; a point of the Pareto chart opens its run.
    sweepPage_ = new SweepPage(runDatabase_->path());
    connect(runDatabase_, &RunDatabase::pathChanged, sweepPage_, &SweepPage::setDatabase);
    tabs_->addTab(sweepPage_, tr("S&weeps"));
    sweepPage_->setBaseConfigProvider([this] { return trainPage_->buildConfig(); });
    connect(sweepPage_, &SweepPage::sweepFinished, runsPage, &RunsPage::reload);
    connect(sweepPage_, &SweepPage::runClicked, this, [this, runsPage](qint64 id) {
        connect(runsPage, &RunsPage::loaded, runsPage, [runsPage, id] { runsPage->selectRuns({id}); },
                Qt::SingleShotConnection);
        if (tabs_->currentWidget() == runsPage)
            runsPage->reload();
        else
            tabs_->setCurrentWidget(runsPage);  // which reloads it
    });
    // One run database for the session: the Runs page shows it, every run (new or resumed) records into it.
    trainPage_->setRunDatabase(runDatabase_);
    connect(runsPage, &RunsPage::runAgainRequested, this, [this](const lora::RunRecord& run) {
        if (const QString problem = loadRunIntoWindow(*this, run); !problem.isEmpty())
            statusBar()->showMessage(problem, 10000);
    });
    connect(runsPage, &RunsPage::resumeRequested, this, [this](const lora::RunRecord& run) {
        tabs_->setCurrentWidget(trainPage_);
        trainPage_->resumeRecordedRun(run);
    });
    connect(trainPage_, &TrainPage::recordingFailed, this, [this, runsPage](const QString& message) {
        statusBar()->showMessage(tr("This run is not recorded: %1 (the Runs page offers a new database)").arg(message));
        runsPage->reload();
    });
    setCentralWidget(tabs_);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open Model Folder…"), this, &MainWindow::chooseModelFolder);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a Hugging Face model folder (config.json, *.safetensors, tokenizer.json)"));
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(dataPage_->openAction());  // Ctrl+Shift+O
    connect(dataPage_->openAction(), &QAction::triggered, this, [this] { tabs_->setCurrentWidget(dataPage_); });
    file->addSeparator();
    auto* openDb = file->addAction(tr("Open Run &Database…"), this, [this] {
        tabs_->setCurrentWidget(runsPage_);
        runsPage_->chooseDatabase();
    });
    openDb->setStatusTip(tr("Record runs in, and show the history of, another run database file (remembered)"));
    auto* defaultDb = file->addAction(tr("Use the De&fault Run Database"), this, [this] { runDatabase_->useDefault(); });
    defaultDb->setStatusTip(tr("Back to the run database lora-cli uses by default"));
    file->addSeparator();
    // A cluster: the configuration out as run.json + torchrun/Slurm scripts, the run folder back into the history.
    auto* cluster = new ClusterActions([this] { return trainPage_->buildConfig(); }, runDatabase_, this);
    file->addAction(cluster->exportAction());  // Ctrl+Shift+L (launch)
    file->addAction(cluster->importAction());
    connect(cluster, &ClusterActions::runImported, this, [this](qint64, const QString& message) {
        statusBar()->showMessage(message, 10000);
        runsPage_->reload();
    });
    connect(cluster, &ClusterActions::importFailed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Import Run Record"), message);
    });
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* training = menuBar()->addMenu(tr("T&raining"));
    training->addAction(trainPage_->startAction());
    training->addAction(trainPage_->pauseAction());
    training->addAction(trainPage_->stopAction());
    training->addSeparator();
    auto* compare = training->addAction(tr("Compare with &Full Fine-Tuning…"), this, &MainWindow::compareWithFull);
    compare->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    compare->setToolTip(tr("Train these settings as LoRA and as full fine-tuning, and see side by side what each "
                           "trains, costs, reaches and forgets"));
    training->setToolTipsVisible(true);
    connect(trainPage_->startAction(), &QAction::triggered, this, [this] {
        if (trainPage_->run()->isActive())
            tabs_->setCurrentWidget(trainPage_);
    });

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LoRA Studio"), this, [this] {
        QMessageBox::about(this, tr("About LoRA Studio"),
                           tr("<b>LoRA Studio</b><p>Interactive LoRA fine-tuning of language models: pick a base "
                              "model, a dataset, the layers and the rank; train on CPU or CUDA; compare runs; "
                              "export adapters for PEFT and llama.cpp.</p>"));
    });

    connect(modelPage_, &ModelPage::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(modelPage_, &ModelPage::loadFailed, this, [this](const QString&, const QString& message) {
        modelError_ = message;
        statusBar()->showMessage(tr("Loading failed: %1").arg(message), 10000);
    });
    connect(dataPage_, &DataPage::loadFailed, this, [this](const QString&, const QString& message) { dataError_ = message; });
    connect(dataPage_, &DataPage::datasetLoaded, this, [this] { dataError_.clear(); });

    // The Data page's split preview and the run use one validation fraction and one seed.
    connect(trainPage_, &TrainPage::validationFractionChanged, dataPage_, &DataPage::setValidationFraction);
    connect(trainPage_, &TrainPage::seedChanged, dataPage_, &DataPage::setSplitSeed);
    connect(dataPage_, &DataPage::splitOptionsChanged, this, [this](double fraction, quint64 seed) {
        trainPage_->setValidationFraction(fraction);
        trainPage_->setSeed(seed);
    });
    trainPage_->setInputsProvider([this] { return trainInputs(); });
    connect(trainPage_, &TrainPage::runFinished, this, [this](const lora::TrainingResult& result) {
        const QString adapter = QString::fromStdU16String(result.adapterDir.u16string());
        if (!adapter.isEmpty() && QFileInfo::exists(QDir(adapter).filePath("adapter_config.json")))
            tryPage_->setAdapterFolder(adapter, tr("trained, step %1").arg(result.finalMetrics ? result.finalMetrics->step : 0));
        if (closeAfterRun_)
            close();
        else
            statusBar()->showMessage(trainPage_->statusText(), 10000);
    });

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1200, 800);
    tabs_->setCurrentIndex(settings.value("window/tab", 0).toInt());  // back where the user left off
    rebuildRecentMenu();
    applyBundledDefaults();
    restoreChoices();
    connect(adapterPage_, &AdapterPage::configChanged, this, &MainWindow::rememberAdapterChoices);
    connect(trainPage_, &TrainPage::settingsChanged, this, [this] {
        QSettings settings;
        trainPage_->saveSettings(settings);
    });
    connect(dataPage_, &DataPage::datasetLoaded, this,
            [](const QString& file) { QSettings().setValue("data/file", file); });
}

void MainWindow::openModelFolder(const QString& folder) { modelPage_->openFolder(folder); }

void MainWindow::openDatasetFile(const QString& file)
{
    tabs_->setCurrentWidget(dataPage_);
    dataPage_->openFile(file);
}

void MainWindow::onModelLoaded(const QString& folder)
{
    rememberRecent(folder);
    statusBar()->showMessage(tr("Loaded %1").arg(QDir::toNativeSeparators(folder)), 5000);
    // Both pages work from the model: the Data page tokenises with its tokenizer, the Adapter page offers its modules.
    const LoadedModel& loaded = modelPage_->loaded();
    modelError_.clear();
    dataPage_->setTokenizer(loaded.tokenizer, folder);
    adapterPage_->setModelDescription(loaded.model->description(), folder);
    sweepPage_->setModelDescription(loaded.model->description());
    if (targetsPending_ && adapterPage_->setTargetModules(bundledTargets_))
        targetsPending_ = false;  // from now on the user's (remembered) choice rules
    tryPage_->setModel(loaded.model, loaded.tokenizer, folder);
    inspectPage_->setModel(loaded.model, folder);
}

// lora_defaults.json of the bundled model: what the first run uses unless the user chose otherwise.
void MainWindow::applyBundledDefaults()
{
    const TrainingDefaults d = readTrainingDefaults(bundledModelFolder());
    if (!d.error.isEmpty())
        statusBar()->showMessage(tr("Training defaults not read: %1").arg(d.error), 10000);
    adapterPage_->setRank(d.r);
    adapterPage_->setAlpha(d.loraAlpha);
    adapterPage_->setDropout(d.loraDropout);
    dataPage_->setBlockSize(d.blockSize);
    dataPage_->setMaxLength(d.maxLength);
    trainPage_->applyDefaults(d);
    bundledTargets_ = d.targetModules;
    targetsPending_ = !bundledTargets_.isEmpty() && !QSettings().contains("adapter/preset");
}

void MainWindow::openStartupChoices()
{
    if (!modelPage_->loaded().model && !modelPage_->isLoading()) {
        const QStringList recent = QSettings().value("model/recent").toStringList();
        const QString last = recent.isEmpty() ? QString() : recent.first();
        const QString folder = !last.isEmpty() && QFileInfo(last).isDir() ? last : bundledModelFolder();
        if (QFileInfo(folder).isDir())
            openModelFolder(folder);
    }
    if (dataPage_->file().isEmpty() && QFileInfo(bundledDefaultDataset()).isFile())
        dataPage_->openFile(bundledDefaultDataset());
}

// Everything the Train page needs from the other pages, or what is missing, said so the user knows what to do.
TrainInputs MainWindow::trainInputs() const
{
    TrainInputs in;
    const LoadedModel& loaded = modelPage_->loaded();
    if (modelPage_->isLoading()) {
        in.problem = tr("The model is still loading; press Start again in a moment.");
        return in;
    }
    if (!loaded.model) {
        in.problem = modelError_.isEmpty()
                         ? tr("No model is loaded. Open a model folder on the Model page (File → Open Model Folder…, Ctrl+O).")
                         : tr("No model is loaded: %1<br>Open a valid Hugging Face model folder (File → Open Model "
                              "Folder…, Ctrl+O).").arg(modelError_.toHtmlEscaped());
        return in;
    }
    in.modelFolder = modelPage_->folder();
    in.model = loaded.model->description();
    in.lora = adapterPage_->currentConfig();  // for the memory estimate even when a later check fails
    in.device = modelPage_->device();
    in.dtype = modelPage_->dtype();
    in.threads = modelPage_->threads();
    if (dataPage_->isLoading()) {
        in.problem = tr("The dataset is still being read; press Start again in a moment.");
        return in;
    }
    if (!dataPage_->dataset()) {
        in.problem = dataError_.isEmpty()
                         ? tr("No dataset is loaded. Choose one on the Data page (a bundled one, or File → Open "
                              "Dataset File…, Ctrl+Shift+O).")
                         : tr("The dataset could not be loaded: %1<br>Fix the file, or choose another on the Data "
                              "page.").arg(dataError_.toHtmlEscaped());
        return in;
    }
    in.dataFile = dataPage_->file();
    for (const auto& example : dataPage_->dataset()->examples)
        in.longestExample = std::max<qint64>(in.longestExample, qint64(example.inputIds.size()));
    in.dataset = dataPage_->options();
    if (!adapterPage_->hasValidTargets()) {
        const QString why = adapterPage_->errorMessage().isEmpty() ? tr("no module is adapted.") : adapterPage_->errorMessage();
        in.problem = tr("The adapter is not ready: %1<br>Choose the modules to adapt on the Adapter page.")
                         .arg(why.toHtmlEscaped());
        return in;
    }
    in.lora = adapterPage_->currentConfig();
    in.trainableParameters = adapterPage_->budget().trainable;
    return in;
}

// The last rank, alpha, preset and dataset come back on the next start; a dataset waits for a model.
void MainWindow::restoreChoices()
{
    QSettings settings;
    if (settings.contains("adapter/rank"))
        adapterPage_->setRank(settings.value("adapter/rank").toInt());
    if (settings.contains("adapter/alpha"))
        adapterPage_->setAlpha(settings.value("adapter/alpha").toDouble());
    if (settings.contains("adapter/dropout"))
        adapterPage_->setDropout(settings.value("adapter/dropout").toDouble());
    trainPage_->restoreSettings(settings);  // its validation fraction and seed reach the Data page by signal
    if (settings.contains("adapter/preset"))
        adapterPage_->choosePreset(presetFromId(settings.value("adapter/preset").toString()));
    const QString dataset = settings.value("data/file").toString();
    if (!dataset.isEmpty() && QFileInfo(dataset).isFile())
        dataPage_->openFile(dataset);
}

void MainWindow::rememberAdapterChoices()
{
    QSettings settings;
    settings.setValue("adapter/rank", adapterPage_->rank());
    settings.setValue("adapter/alpha", adapterPage_->alpha());
    settings.setValue("adapter/dropout", adapterPage_->dropout());
    settings.setValue("adapter/preset", presetId(adapterPage_->preset()));
}

void MainWindow::compareWithFull()
{
    const auto config = trainPage_->buildConfig();
    if (!config) {  // the Train page shows why it cannot start
        tabs_->setCurrentWidget(trainPage_);
        return;
    }
    auto* dialog = new FullComparisonDialog(*config, runDatabase_->path(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::chooseModelFolder()
{
    QSettings settings;
    const QString start = settings.value("model/lastFolder", QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), start);
    if (!folder.isEmpty())
        openModelFolder(folder);
}

void MainWindow::rememberRecent(const QString& folder)
{
    rememberRecentItem("model/recent", folder);
    QSettings().setValue("model/lastFolder", folder);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = QSettings().value("model/recent").toStringList();
    for (const QString& folder : recent)
        recentMenu_->addAction(QDir::toNativeSeparators(folder), this, [this, folder] { openModelFolder(folder); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Training must end cleanly (the adapter saved, the worker finished) before the window goes: ask, stop,
    // and close when the run reports back. The event loop keeps running meanwhile; nothing freezes.
    if (trainPage_->run()->isActive()) {
        event->ignore();
        if (closeAfterRun_)
            return;  // already stopping
        const bool stop = confirmClose_
                              ? confirmClose_()
                              : QMessageBox::question(this, tr("Training is running"),
                                                      tr("A training run is in progress. Stop it after the current "
                                                         "step, save the adapter, and quit?"),
                                                      QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
        if (!stop)
            return;
        closeAfterRun_ = true;
        trainPage_->stop();
        statusBar()->showMessage(tr("Stopping after this step, then closing…"));
        return;
    }
    QSettings().setValue("window/geometry", saveGeometry());
    QSettings().setValue("window/tab", tabs_->currentIndex());
    event->accept();
}

// A dropped folder is a model, a dropped file a dataset.
void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && QFileInfo::exists(urls.first().toLocalFile()))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QString path = event->mimeData()->urls().first().toLocalFile();
    if (QFileInfo(path).isDir())
        openModelFolder(path);
    else
        openDatasetFile(path);
}
