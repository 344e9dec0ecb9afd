#pragma once
// One live chart of the Train page: a title, a y label and a few line series that grow point by point.
// Points are appended (never the whole series re-sent), so a redraw costs the same at step 10 or 10 000.
#include "data/themed_plot.h"

class MetricPlot final : public ThemedPlot {
    Q_OBJECT
public:
    explicit MetricPlot(const QString& title, const QString& yLabel, QWidget* parent = nullptr);

    // Adds a series; `dots` draws markers without lines (sparse series such as the validation loss).
    int addSeries(const QString& name, const QColor& color, bool dots = false, qreal width = 1.5);
    void append(int series, double x, double y);
    void clearData();
    void setXLabel(const QString& label);
    void setLogY(bool log);
    void showLegend(bool show);
    // Fits the axes to the data and schedules one repaint; while the plot is hidden (another tab), the work
    // waits until it is shown.
    void redraw();

protected:
    void showEvent(QShowEvent* event) override;

private:
    bool stale_ = false;
    QCPTextElement* title_;
};
