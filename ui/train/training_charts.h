#pragma once
// The Train page's live view of a run: the figures (step, smoothed loss, validation loss, tokens/s), the x-axis
// choice, and four charts — loss (raw, smoothed, validation), learning rate, gradient norm, tokens/s. It draws
// the TrainingRun's history as it grows; every step is kept, so changing the x axis redraws the whole run.
#include "train/metric_axis.h"

#include <QWidget>

#include <cstddef>
#include <cstdint>

class MetricPlot;
class QComboBox;
class QLabel;
class TrainingRun;

class TrainingCharts final : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(const TrainingRun& run, QWidget* parent = nullptr);

    void reset();    // forgets what was drawn and draws the run's history from the start (a new run, a new axis)
    void drawNew();  // draws the steps that arrived since the last call

    void setXAxis(MetricAxis axis);
    MetricAxis xAxis() const;
    MetricPlot* lossPlot() const { return lossPlot_; }
    MetricPlot* learningRatePlot() const { return lrPlot_; }
    MetricPlot* gradNormPlot() const { return gradPlot_; }
    MetricPlot* throughputPlot() const { return speedPlot_; }

Q_SIGNALS:
    void validationLoss(qint64 step, double loss);  // once per evaluated step, for the log

private:
    double xOf(size_t index) const;
    void updateFigures();

    const TrainingRun& run_;
    size_t drawn_ = 0;         // history entries already in the plots
    double smoothed_ = 0;      // exponential moving average of the training loss
    double smoothWeight_ = 0;  // its debiasing weight
    int64_t lastValidationStep_ = 0;

    QLabel* stepValue_;
    QLabel* lossValue_;
    QLabel* valLossValue_;
    QLabel* speedValue_;
    QComboBox* xAxis_;
    MetricPlot* lossPlot_;
    MetricPlot* lrPlot_;
    MetricPlot* gradPlot_;
    MetricPlot* speedPlot_;
};
