#pragma once
// The LoRA paper's subspace similarity φ(A₁, A₂, i, j) between the shown adapter and a second one, on one module, as
// a heatmap: do two ranks, seeds or datasets learn the same directions?
#include "inspect/inspect_tasks.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class MatrixHeatmap;
class QComboBox;
class QLabel;
class QPushButton;

class SimilarityPanel final : public QWidget {
    Q_OBJECT
public:
    explicit SimilarityPanel(QWidget* parent = nullptr);

    void setModel(std::shared_ptr<lora::Model> model);
    void setFirstAdapter(const QString& folder);
    void compareWith(const QString& secondFolder);  // computes on a pool thread; similarityReady when done
    void chooseSecondAdapter();
    void setModule(const QString& module);

    MatrixHeatmap* phiMap() const { return phi_; }
    const lora::SubspaceSimilarity& similarity() const { return last_.phi; }
    QString error() const { return last_.error; }
    bool isBusy() const { return watcher_.isRunning(); }

Q_SIGNALS:
    void similarityReady();

private:
    void start();
    void onFinished();

    std::shared_ptr<lora::Model> model_;
    QString first_;
    QString second_;
    QFutureWatcher<SimilarityOutcome> watcher_;
    SimilarityOutcome last_;
    QPushButton* choose_;
    QComboBox* module_;
    QLabel* status_;
    MatrixHeatmap* phi_;
};
