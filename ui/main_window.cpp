#include "main_window.h"

#include "adapter/adapter_page.h"
#include "data/data_page.h"
#include "lora/model.h"
#include "model_page.h"
#include "runs/runs_page.h"

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

namespace {
constexpr int kMaxRecent = 8;
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      tabs_(new QTabWidget),
      modelPage_(new ModelPage),
      dataPage_(new DataPage),
      adapterPage_(new AdapterPage)
{
    setWindowTitle(tr("LoRA Studio"));
    setAcceptDrops(true);

    tabs_->setDocumentMode(true);
    tabs_->addTab(modelPage_, tr("&Model"));
    tabs_->addTab(dataPage_, tr("&Data"));
    tabs_->addTab(adapterPage_, tr("&Adapter"));
    tabs_->addTab(new RunsPage, tr("R&uns"));
    setCentralWidget(tabs_);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open Model Folder…"), this, &MainWindow::chooseModelFolder);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a Hugging Face model folder (config.json, *.safetensors, tokenizer.json)"));
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(dataPage_->openAction());  // Ctrl+Shift+O
    connect(dataPage_->openAction(), &QAction::triggered, this, [this] { tabs_->setCurrentWidget(dataPage_); });
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LoRA Studio"), this, [this] {
        QMessageBox::about(this, tr("About LoRA Studio"),
                           tr("<b>LoRA Studio</b><p>Interactive LoRA fine-tuning of language models: pick a base "
                              "model, a dataset, the layers and the rank; train on CPU or CUDA; compare runs; "
                              "export adapters for PEFT and llama.cpp.</p>"));
    });

    connect(modelPage_, &ModelPage::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(modelPage_, &ModelPage::loadFailed, this, [this](const QString&, const QString& message) {
        statusBar()->showMessage(tr("Loading failed: %1").arg(message), 10000);
    });

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1200, 800);
    tabs_->setCurrentIndex(settings.value("window/tab", 0).toInt());  // back where the user left off
    rebuildRecentMenu();
    restoreChoices();
    connect(adapterPage_, &AdapterPage::configChanged, this, &MainWindow::rememberAdapterChoices);
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
    dataPage_->setTokenizer(loaded.tokenizer, folder);
    adapterPage_->setModelDescription(loaded.model->description(), folder);
}

// The last rank, alpha, preset and dataset come back on the next start; a dataset waits for a model.
void MainWindow::restoreChoices()
{
    QSettings settings;
    if (settings.contains("adapter/rank"))
        adapterPage_->setRank(settings.value("adapter/rank").toInt());
    if (settings.contains("adapter/alpha"))
        adapterPage_->setAlpha(settings.value("adapter/alpha").toDouble());
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
    settings.setValue("adapter/preset", presetId(adapterPage_->preset()));
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
    QSettings settings;
    QStringList recent = settings.value("model/recent").toStringList();
    recent.removeAll(folder);
    recent.prepend(folder);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue("model/recent", recent);
    settings.setValue("model/lastFolder", folder);
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
