#pragma once
// Overlaid curves of the selected runs: one graph per run for the chosen metric against step, epoch, tokens or
// training time, optionally on a log scale.
#include "data/themed_plot.h"
#include "lora/run_store.h"
#include "train/metric_axis.h"

#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QCheckBox;

struct RunCurveData {
    lora::RunRecord run;
    std::vector<lora::MetricRow> metrics;  // every metric of the run
};

class RunCurves final : public QWidget {
    Q_OBJECT
public:
    explicit RunCurves(QWidget* parent = nullptr);

    void setRuns(std::vector<RunCurveData> runs);
    // "train/loss", "val/loss", "train/learning_rate", ...
    void setMetric(const QString& splitAndName);
    void setXAxis(MetricAxis axis);
    void setLogScale(bool on);

    ThemedPlot* plot() const { return plot_; }
    QStringList metricNames() const;  // of the runs shown

private:
    void replot();

    ThemedPlot* plot_;
    QComboBox* metric_;
    QComboBox* xAxis_;
    QCheckBox* log_;
    std::vector<RunCurveData> runs_;
};
