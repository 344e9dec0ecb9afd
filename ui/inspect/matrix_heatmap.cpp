#include "inspect/matrix_heatmap.h"

#include <algorithm>
#include <cmath>
#include <limits>

MatrixHeatmap::MatrixHeatmap(const QString& objectName, QWidget* parent)
    : ThemedPlot(parent), map_(new QCPColorMap(xAxis, yAxis)), scale_(new QCPColorScale(this)),
      title_(new QCPTextElement(this))
{
    setObjectName(objectName);
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);
    plotLayout()->addElement(1, 1, scale_);
    map_->setColorScale(scale_);
    map_->setInterpolate(false);
    yAxis->setRangeReversed(true);
    setMinimumSize(200, 180);
    showAxes(false);
}

// An empty heatmap draws nothing, not axes and a colour bar around no data, which read as a result.
void MatrixHeatmap::showAxes(bool shown)
{
    xAxis->setVisible(shown);
    yAxis->setVisible(shown);
    scale_->setVisible(shown);
    map_->setVisible(shown);
}

void MatrixHeatmap::clear()
{
    rows_ = cols_ = 0;
    map_->data()->clear();
    title_->setText({});
    showAxes(false);
    replot();
}

void MatrixHeatmap::setMatrix(int rows, int cols, const std::vector<double>& values, Range range,
                              const QString& title, const QString& rowLabel, const QString& columnLabel,
                              double firstIndex)
{
    rows_ = rows;
    cols_ = cols;
    auto* data = map_->data();
    data->setSize(std::max(1, cols), std::max(1, rows));
    data->setRange(QCPRange(firstIndex, firstIndex + std::max(0, cols - 1)),
                   QCPRange(firstIndex, firstIndex + std::max(0, rows - 1)));
    double largest = 0;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const double v = values[size_t(r) * size_t(cols) + size_t(c)];
            data->setCell(c, r, v);
            largest = std::max(largest, std::abs(v));
        }
    if (range == Range::SymmetricAroundZero) {
        map_->setGradient(QCPColorGradient(QCPColorGradient::gpPolar));
        map_->setDataRange(QCPRange(-std::max(largest, 1e-12), std::max(largest, 1e-12)));
    } else {
        map_->setGradient(QCPColorGradient(QCPColorGradient::gpThermal));
        map_->setDataRange(QCPRange(0, 1));
    }
    title_->setText(title);
    xAxis->setLabel(columnLabel);
    yAxis->setLabel(rowLabel);
    xAxis->setRange(firstIndex - 0.5, firstIndex + std::max(0, cols - 1) + 0.5);
    yAxis->setRange(firstIndex - 0.5, firstIndex + std::max(0, rows - 1) + 0.5);
    showAxes(true);
    replot();
}

double MatrixHeatmap::valueAt(int row, int col) const
{
    if (row < 0 || col < 0 || row >= rows_ || col >= cols_)
        return std::numeric_limits<double>::quiet_NaN();
    return map_->data()->cell(col, row);
}
