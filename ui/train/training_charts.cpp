#include "train/training_charts.h"

#include "data/stat_tile.h"
#include "train/metric_plot.h"
#include "train/training_run.h"
#include "train/training_tips.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace {

constexpr double kSmoothing = 0.8;  // TensorBoard-style exponential moving average, debiased

QString number(double v) { return QLocale().toString(v, 'g', 4); }

}  // namespace

TrainingCharts::TrainingCharts(const TrainingRun& run, QWidget* parent)
    : QWidget(parent),
      run_(run),
      stepValue_(new QLabel),
      lossValue_(new QLabel),
      valLossValue_(new QLabel),
      speedValue_(new QLabel),
      xAxis_(new QComboBox),
      lossPlot_(new MetricPlot(tr("Loss"), tr("Cross-entropy"))),
      lrPlot_(new MetricPlot(tr("Learning rate"), tr("Learning rate"))),
      gradPlot_(new MetricPlot(tr("Gradient norm"), tr("‖g‖ before clipping"))),
      speedPlot_(new MetricPlot(tr("Throughput"), tr("Tokens/s")))
{
    stepValue_->setObjectName("stepValue");
    lossValue_->setObjectName("lossValue");
    valLossValue_->setObjectName("valLossValue");
    speedValue_->setObjectName("speedValue");
    xAxis_->setObjectName("xAxisCombo");
    addMetricAxes(xAxis_);
    auto* axisBox = new QWidget;
    auto* axisLayout = new QVBoxLayout(axisBox);
    axisLayout->setContentsMargins(0, 0, 0, 0);
    axisLayout->setSpacing(1);
    auto* axisCaption = new QLabel(tr("X axis"));
    axisCaption->setForegroundRole(QPalette::PlaceholderText);
    axisLayout->addWidget(axisCaption);
    axisLayout->addWidget(xAxis_);
    auto* figures = new QHBoxLayout;
    figures->addWidget(makeStatTile(tr("Step"), stepValue_, trainTip::steps()));
    figures->addWidget(makeStatTile(tr("Loss (smoothed)"), lossValue_, trainTip::loss()));
    figures->addWidget(makeStatTile(tr("Validation loss"), valLossValue_, trainTip::evalEvery()));
    figures->addWidget(makeStatTile(tr("Tokens/s"), speedValue_, trainTip::speed()));
    figures->addWidget(axisBox);

    const QColor main = lossPlot_->barColor();
    const QColor soft = lossPlot_->secondaryBarColor();
    lossPlot_->setObjectName("lossPlot");
    lossPlot_->addSeries(tr("train (raw)"), soft, false, 1.0);
    lossPlot_->addSeries(tr("train (smoothed)"), main, false, 2.0);
    lossPlot_->addSeries(tr("validation"), QColor(220, 120, 30), true, 1.5);
    lossPlot_->showLegend(true);
    lossPlot_->setToolTip(trainTip::loss());
    lrPlot_->setObjectName("learningRatePlot");
    lrPlot_->addSeries(tr("learning rate"), main);
    lrPlot_->setToolTip(trainTip::schedule());
    gradPlot_->setObjectName("gradNormPlot");
    gradPlot_->addSeries(tr("gradient norm"), main);
    gradPlot_->setToolTip(trainTip::gradNorm());
    speedPlot_->setObjectName("throughputPlot");
    speedPlot_->addSeries(tr("tokens/s"), main);
    speedPlot_->setToolTip(trainTip::speed());
    auto* grid = new QGridLayout;
    grid->addWidget(lossPlot_, 0, 0, 1, 3);
    grid->addWidget(lrPlot_, 1, 0);
    grid->addWidget(gradPlot_, 1, 1);
    grid->addWidget(speedPlot_, 1, 2);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(figures);
    layout->addLayout(grid, 1);
    connect(xAxis_, &QComboBox::currentIndexChanged, this, &TrainingCharts::reset);
    reset();
}

void TrainingCharts::setXAxis(MetricAxis axis) { xAxis_->setCurrentIndex(xAxis_->findData(int(axis))); }
MetricAxis TrainingCharts::xAxis() const { return metricAxisOf(xAxis_); }

void TrainingCharts::reset()
{
    for (MetricPlot* p : {lossPlot_, lrPlot_, gradPlot_, speedPlot_}) {
        p->clearData();
        p->setXLabel(metricAxisTitle(xAxis()));
    }
    drawn_ = 0;
    smoothed_ = 0;
    smoothWeight_ = 0;
    if (run_.history().empty())
        lastValidationStep_ = 0;  // a new run: its evaluations are new to the log
    drawNew();
}

double TrainingCharts::xOf(size_t i) const
{
    const auto& p = run_.history()[i];
    switch (xAxis()) {
    case MetricAxis::Step: return double(p.step);
    case MetricAxis::Epoch: return p.epoch;
    case MetricAxis::Tokens: return double(p.tokens);
    case MetricAxis::WallTime: return i < run_.wallSeconds().size() ? run_.wallSeconds()[i] : p.elapsedSeconds;
    }
    return double(p.step);
}

void TrainingCharts::drawNew()
{
    const auto& h = run_.history();
    for (size_t i = drawn_; i < h.size(); ++i) {
        const auto& p = h[i];
        const double x = xOf(i);
        smoothWeight_ = smoothWeight_ * kSmoothing + (1 - kSmoothing);
        smoothed_ = smoothed_ * kSmoothing + (1 - kSmoothing) * p.trainLoss;
        lossPlot_->append(0, x, p.trainLoss);
        lossPlot_->append(1, x, smoothed_ / smoothWeight_);
        if (p.valLoss) {
            lossPlot_->append(2, x, *p.valLoss);
            if (p.step > lastValidationStep_) {
                lastValidationStep_ = p.step;
                Q_EMIT validationLoss(p.step, *p.valLoss);
            }
        }
        lrPlot_->append(0, x, p.learningRate);
        gradPlot_->append(0, x, p.gradNorm);
        speedPlot_->append(0, x, p.tokensPerSecond);
    }
    drawn_ = h.size();
    for (MetricPlot* p : {lossPlot_, lrPlot_, gradPlot_, speedPlot_})
        p->redraw();
    updateFigures();
}

void TrainingCharts::updateFigures()
{
    const auto& h = run_.history();
    if (h.empty()) {
        for (QLabel* l : {stepValue_, lossValue_, valLossValue_, speedValue_})
            l->setText(QStringLiteral("—"));
        return;
    }
    const auto& p = h.back();
    stepValue_->setText(tr("%1 / %2").arg(p.step).arg(p.totalSteps));
    lossValue_->setText(number(smoothWeight_ > 0 ? smoothed_ / smoothWeight_ : p.trainLoss));
    for (auto it = h.rbegin(); it != h.rend(); ++it)
        if (it->valLoss) {
            valLossValue_->setText(number(*it->valLoss));
            break;
        }
    speedValue_->setText(QLocale().toString(p.tokensPerSecond, 'f', 0));
}
