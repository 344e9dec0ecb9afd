#include "main_window.h"

#include "model_page.h"

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

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), modelPage_(new ModelPage)
{
    setWindowTitle(tr("LoRA Studio"));
    setAcceptDrops(true);

    auto* tabs = new QTabWidget;
    tabs->setDocumentMode(true);
    tabs->addTab(modelPage_, tr("&Model"));
    setCentralWidget(tabs);

    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open = file->addAction(tr("&Open Model Folder…"), this, &MainWindow::chooseModelFolder);
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Open a Hugging Face model folder (config.json, *.safetensors, tokenizer.json)"));
    recentMenu_ = file->addMenu(tr("Open &Recent"));
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

    connect(modelPage_, &ModelPage::modelLoaded, this, [this](const QString& folder) {
        rememberRecent(folder);
        statusBar()->showMessage(tr("Loaded %1").arg(QDir::toNativeSeparators(folder)), 5000);
    });
    connect(modelPage_, &ModelPage::loadFailed, this, [this](const QString&, const QString& message) {
        statusBar()->showMessage(tr("Loading failed: %1").arg(message), 10000);
    });

    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1200, 800);
    rebuildRecentMenu();
}

void MainWindow::openModelFolder(const QString& folder) { modelPage_->openFolder(folder); }

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
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (urls.size() == 1 && QFileInfo(urls.first().toLocalFile()).isDir())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    openModelFolder(event->mimeData()->urls().first().toLocalFile());
}
