#pragma once
// A matrix drawn cell by cell: a weight or update matrix (diverging colours, symmetric about 0) or a similarity grid
// (0 to 1). Used for W beside ΔW and for the subspace similarity φ.
#include "data/themed_plot.h"

#include <vector>

class MatrixHeatmap final : public ThemedPlot {
    Q_OBJECT
public:
    enum class Range { SymmetricAroundZero, UnitInterval };
    explicit MatrixHeatmap(const QString& objectName, QWidget* parent = nullptr);

    // values is rows × cols, row-major; row 0 is drawn at the top. Labels name the axes.
    void setMatrix(int rows, int cols, const std::vector<double>& values, Range range, const QString& title,
                   const QString& rowLabel = {}, const QString& columnLabel = {}, double firstIndex = 0);
    void clear();

    int rows() const { return rows_; }
    int cols() const { return cols_; }
    double valueAt(int row, int col) const;

private:
    void showAxes(bool shown);

    QCPColorMap* map_;
    QCPColorScale* scale_;
    QCPTextElement* title_;
    int rows_ = 0;
    int cols_ = 0;
};
