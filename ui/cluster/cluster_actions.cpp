#include "cluster/cluster_actions.h"

#include "cluster/cluster_export_dialog.h"
#include "cluster/run_folder_import.h"
#include "runs/run_database.h"

#include <QAction>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QSettings>
#include <QWidget>
#include <QtConcurrent>

namespace {
constexpr auto kImportKey = "cluster/importFolder";

// Errors travel as values: QtConcurrent would wrap a plain std::exception and lose its message.
struct ImportOutcome {
    std::optional<ImportedRun> run;
    QString error;
};
}  // namespace

ClusterActions::ClusterActions(ConfigProvider config, RunDatabase* database, QWidget* window)
    : QObject(window),
      config_(std::move(config)),
      database_(database),
      window_(window),
      export_(new QAction(tr("&Export for a Cluster…"), this)),
      import_(new QAction(tr("&Import Run Record…"), this))
{
    export_->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    export_->setStatusTip(tr("Write the Train page's configuration as run.json with the torchrun command and a Slurm "
                             "script that train it data-parallel on several processes or machines"));
    import_->setStatusTip(tr("Add a run trained elsewhere (the output folder lora-cli wrote on a cluster: adapter, "
                             "metrics.jsonl, checkpoints) to the run history, with its adapter in the library"));
    export_->setToolTip(export_->statusTip());
    import_->setToolTip(import_->statusTip());
    connect(export_, &QAction::triggered, this, &ClusterActions::exportForCluster);
    connect(import_, &QAction::triggered, this, &ClusterActions::chooseFolderToImport);
}

void ClusterActions::exportForCluster()
{
    const auto config = config_();
    if (!config) {
        QMessageBox::information(window_, tr("Export for a Cluster"),
                                 tr("The Train page cannot build a configuration yet (see the reason there): choose "
                                    "a model, data and an adapter first."));
        return;
    }
    ClusterExportDialog dialog(*config, window_);
    if (dialog.exec() == QDialog::Accepted)
        QMessageBox::information(window_, tr("Export for a Cluster"),
                                 tr("Written:\n%1\n%2\n%3")
                                     .arg(QString::fromStdString(dialog.written().config.string()),
                                          QString::fromStdString(dialog.written().launchScript.string()),
                                          QString::fromStdString(dialog.written().slurmScript.string())));
}

void ClusterActions::chooseFolderToImport()
{
    QSettings settings;
    const QString folder = QFileDialog::getExistingDirectory(window_, tr("Import Run Record: the run's output folder"),
                                                             settings.value(kImportKey).toString());
    if (folder.isEmpty())
        return;
    settings.setValue(kImportKey, folder);
    importFolder(folder);
}

void ClusterActions::importFolder(const QString& folder)
{
    import_->setEnabled(false);
    auto* watcher = new QFutureWatcher<ImportOutcome>(this);
    connect(watcher, &QFutureWatcher<ImportOutcome>::finished, this, [this, watcher] {
        const ImportOutcome outcome = watcher->result();
        watcher->deleteLater();
        import_->setEnabled(true);
        if (!outcome.run) {
            Q_EMIT importFailed(outcome.error);
            return;
        }
        QString message = tr("Imported run %1 (%2 steps)").arg(outcome.run->runId).arg(outcome.run->steps);
        if (outcome.run->adapterId)
            message += tr(", adapter %1 in the library").arg(*outcome.run->adapterId);
        if (!outcome.run->warning.empty())
            message += " — " + QString::fromStdString(outcome.run->warning);
        Q_EMIT runImported(outcome.run->runId, message);
    });
    const std::filesystem::path db = database_->path();
    const std::filesystem::path dir(folder.toStdU16String());
    watcher->setFuture(QtConcurrent::run([db, dir] {
        ImportOutcome outcome;
        try {
            outcome.run = importRunFolder(db, dir);
        } catch (const std::exception& e) {
            outcome.error = QString::fromStdString(e.what());
        }
        return outcome;
    }));
}
