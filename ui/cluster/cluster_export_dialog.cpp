#include "cluster/cluster_export_dialog.h"

#include "lora/error.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {
constexpr auto kFolderKey = "cluster/exportFolder";
constexpr auto kPerNodeKey = "cluster/processesPerNode";
constexpr auto kNodesKey = "cluster/nodes";
}  // namespace

ClusterExportDialog::ClusterExportDialog(lora::TrainingConfig config, QWidget* parent)
    : QDialog(parent),
      config_(std::move(config)),
      folder_(new QLineEdit),
      perNode_(new QSpinBox),
      nodes_(new QSpinBox),
      batch_(new QLabel),
      preview_(new QPlainTextEdit)
{
    setWindowTitle(tr("Export for a Cluster"));
    QSettings settings;
    folder_->setText(settings.value(kFolderKey, QDir::home().filePath("lora-cluster-run")).toString());
    folder_->setToolTip(tr("run.json (the training configuration lora-cli reads), launch.sh (the torchrun command) "
                           "and slurm.sbatch (a Slurm batch script) are written here"));
    auto* browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export Folder"), folder_->text());
        if (!dir.isEmpty())
            folder_->setText(dir);
    });
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(folder_);
    folderRow->addWidget(browse);

    perNode_->setRange(1, 256);
    perNode_->setValue(settings.value(kPerNodeKey, 2).toInt());
    perNode_->setToolTip(tr("Processes (ranks) torchrun starts on each machine: one per GPU for device cuda (each "
                            "rank takes the GPU of its LOCAL_RANK), or a few on a CPU machine"));
    nodes_->setRange(1, 4096);
    nodes_->setValue(settings.value(kNodesKey, 1).toInt());
    nodes_->setToolTip(tr("Machines the Slurm script asks for; launch.sh runs on one machine"));
    batch_->setWordWrap(true);
    batch_->setToolTip(tr("Data-parallel training splits every global batch between the ranks: the batch size of "
                          "the Train page is per rank, so more ranks mean a larger batch per optimizer step (you may "
                          "want a higher learning rate, or fewer examples per rank)"));
    preview_->setReadOnly(true);
    preview_->setLineWrapMode(QPlainTextEdit::NoWrap);
    preview_->setToolTip(tr("launch.sh as it will be written; slurm.sbatch starts the same command on every machine"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Folder:"), folderRow);
    form->addRow(tr("&Processes per machine:"), perNode_);
    form->addRow(tr("&Machines:"), nodes_);
    form->addRow(batch_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
    auto* exportButton = buttons->addButton(tr("&Export"), QDialogButtonBox::AcceptRole);
    exportButton->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (const QString problem = exportFiles(); !problem.isEmpty())
            QMessageBox::warning(this, windowTitle(), problem);
        else
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(preview_, 1);
    layout->addWidget(buttons);
    resize(760, 460);

    for (auto* box : {perNode_, nodes_})
        connect(box, &QSpinBox::valueChanged, this, &ClusterExportDialog::updatePreview);
    connect(folder_, &QLineEdit::textChanged, this, &ClusterExportDialog::updatePreview);
    updatePreview();
}

ClusterLaunch ClusterExportDialog::launch() const { return ClusterLaunch{perNode_->value(), nodes_->value()}; }

std::filesystem::path ClusterExportDialog::folder() const
{
    return std::filesystem::absolute(std::filesystem::path(folder_->text().trimmed().toStdU16String()));
}

void ClusterExportDialog::updatePreview()
{
    const auto l = launch();
    batch_->setText(tr("%1 ranks × %2 examples each: a global batch of %3 examples.")
                        .arg(l.worldSize())
                        .arg(config_.batchSize)
                        .arg(config_.batchSize * l.worldSize()));
    preview_->setPlainText(QString::fromStdString(launchScript(config_, l, folder() / "run.json")));
}

QString ClusterExportDialog::exportFiles()
{
    if (folder_->text().trimmed().isEmpty())
        return tr("Choose a folder to export into.");
    try {
        written_ = writeClusterExport(config_, launch(), folder());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    QSettings settings;
    settings.setValue(kFolderKey, folder_->text().trimmed());
    settings.setValue(kPerNodeKey, perNode_->value());
    settings.setValue(kNodesKey, nodes_->value());
    return {};
}
