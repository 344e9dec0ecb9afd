#pragma once
// The File menu's way to and from a cluster: Export for a Cluster… (the current configuration as run.json, the
// torchrun command and a Slurm script) and Import Run Record… (an output folder that came back, into the run
// database; off the GUI thread, as recording hashes the model and data files).
#include "lora/training.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QAction;
class QWidget;
class RunDatabase;

class ClusterActions final : public QObject {
    Q_OBJECT

public:
    using ConfigProvider = std::function<std::optional<lora::TrainingConfig>()>;
    ClusterActions(ConfigProvider config, RunDatabase* database, QWidget* window);

    QAction* exportAction() const { return export_; }
    QAction* importAction() const { return import_; }

    // Import Run Record without its folder dialog (the action asks for the folder, then calls this).
    void importFolder(const QString& folder);

Q_SIGNALS:
    void runImported(qint64 runId, const QString& message);
    void importFailed(const QString& message);

private:
    void exportForCluster();
    void chooseFolderToImport();

    ConfigProvider config_;
    RunDatabase* database_;
    QWidget* window_;
    QAction* export_;
    QAction* import_;
};
