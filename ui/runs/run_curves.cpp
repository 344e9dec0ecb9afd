#include "runs/run_curves.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <iterator>
#include <set>

namespace {

// Ten colours that stay apart from each other and readable on a white plot (Tableau 10, matplotlib's default
// cycle); hues stepped around the circle gave yellows that vanished on white.
QColor runColor(int i)
{
    static const QRgb kColors[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                   0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return QColor(kColors[i % std::size(kColors)]);
}

}  // namespace

RunCurves::RunCurves(QWidget* parent)
    : QWidget(parent), plot_(new ThemedPlot), metric_(new QComboBox), xAxis_(new QComboBox), log_(new QCheckBox(tr("Log scale")))
{
    addMetricAxes(xAxis_);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Metric:")));
    controls->addWidget(metric_, 1);
    controls->addWidget(new QLabel(tr("x:")));
    controls->addWidget(xAxis_);
    controls->addWidget(log_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(plot_, 1);
    plot_->legend->setVisible(true);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    connect(metric_, &QComboBox::currentIndexChanged, this, [this] { replot(); });
    connect(xAxis_, &QComboBox::currentIndexChanged, this, [this] { replot(); });
    connect(log_, &QCheckBox::toggled, this, [this] { replot(); });
    replot();
}

QStringList RunCurves::metricNames() const
{
    std::set<QString> names;
    for (const auto& r : runs_)
        for (const auto& m : r.metrics)
            names.insert(QString::fromStdString(m.split + "/" + m.name));
    return {names.begin(), names.end()};
}

void RunCurves::setRuns(std::vector<RunCurveData> runs)
{
    runs_ = std::move(runs);
    const QString current = metric_->currentText();
    const QSignalBlocker block(metric_);
    metric_->clear();
    metric_->addItems(metricNames());
    const int keep = metric_->findText(current.isEmpty() ? QStringLiteral("train/loss") : current);
    metric_->setCurrentIndex(keep >= 0 ? keep : 0);
    replot();
}

void RunCurves::setMetric(const QString& splitAndName) { metric_->setCurrentText(splitAndName); }
void RunCurves::setXAxis(MetricAxis axis) { xAxis_->setCurrentIndex(xAxis_->findData(int(axis))); }
void RunCurves::setLogScale(bool on) { log_->setChecked(on); }

void RunCurves::replot()
{
    plot_->clearGraphs();
    const auto parts = metric_->currentText().split('/');
    const auto axis = metricAxisOf(xAxis_);
    plot_->xAxis->setLabel(xAxis_->currentText());
    plot_->yAxis->setLabel(metric_->currentText());
    const bool log = log_->isChecked();
    plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log)
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    else
        plot_->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    int points = 0;
    if (parts.size() == 2) {
        int i = 0;
        for (const auto& r : runs_) {
            QVector<double> xs, ys;
            for (const auto& m : r.metrics) {
                if (QString::fromStdString(m.split) != parts[0] || QString::fromStdString(m.name) != parts[1])
                    continue;
                if (log && m.value <= 0)
                    continue;
                double x = double(m.step);
                if (axis == MetricAxis::Epoch)
                    x = m.epoch;
                else if (axis == MetricAxis::Tokens)
                    x = double(m.tokens);
                else if (axis == MetricAxis::WallTime)
                    x = m.wallSeconds;
                xs << x;
                ys << m.value;
            }
            auto* graph = plot_->addGraph();
            graph->setName(QStringLiteral("#%1 %2").arg(r.run.id).arg(QString::fromStdString(r.run.name)));
            graph->setPen(QPen(runColor(i++), 1.5));
            graph->setData(xs, ys, true);
            points += int(xs.size());
        }
    }
    if (runs_.empty())
        plot_->setEmptyMessage(tr("Select runs in the table to draw their curves here.\nCtrl+click adds a run to "
                                  "compare; Shift+click selects a range."));
    else if (points == 0)
        plot_->setEmptyMessage(tr("The selected runs recorded no %1%2.")
                                   .arg(metric_->currentText().isEmpty() ? tr("metrics") : metric_->currentText(),
                                        log ? tr(" above zero (log scale)") : QString()));
    else
        plot_->setEmptyMessage({});
    plot_->rescaleAxes();
    plot_->replot();
}
