#pragma once
// For students: the selected module's frozen weight W beside its learned update ΔW = s·B·A, as heatmaps, with what
// the rank-r structure of ΔW means in numbers. Large matrices are shown averaged down (the title says so).
#include "inspect/inspect_tasks.h"

#include <QWidget>

class MatrixHeatmap;
class QLabel;

class DeltaWeightPanel final : public QWidget {
    Q_OBJECT
public:
    explicit DeltaWeightPanel(QWidget* parent = nullptr);

    void showMatrices(const MatricesOutcome& outcome);
    void clear();

    MatrixHeatmap* weightMap() const { return weight_; }
    MatrixHeatmap* deltaMap() const { return delta_; }
    QString explanation() const;

private:
    MatrixHeatmap* weight_;
    MatrixHeatmap* delta_;
    QLabel* explanation_;
};
