#pragma once
// File > Export for a Cluster…: the current Train page configuration as run.json plus the torchrun command
// and a Slurm script (cluster/cluster_launch.h), into a folder the user picks. The counts and the folder are
// remembered (QSettings cluster/*).
#include "cluster/cluster_launch.h"

#include "lora/training.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

class ClusterExportDialog final : public QDialog {
    Q_OBJECT

public:
    explicit ClusterExportDialog(lora::TrainingConfig config, QWidget* parent = nullptr);

    QLineEdit* folderEdit() const { return folder_; }
    QSpinBox* processesPerNodeBox() const { return perNode_; }
    QSpinBox* nodesBox() const { return nodes_; }
    QPlainTextEdit* preview() const { return preview_; }

    // Writes the files (the Export button shows what this returns in a message box): empty when written,
    // else the reason they were not.
    QString exportFiles();
    const ClusterExportFiles& written() const { return written_; }

private:
    ClusterLaunch launch() const;
    std::filesystem::path folder() const;
    void updatePreview();

    lora::TrainingConfig config_;
    QLineEdit* folder_;
    QSpinBox* perNode_;
    QSpinBox* nodes_;
    QLabel* batch_;
    QPlainTextEdit* preview_;
    ClusterExportFiles written_;
};
