#include "sweep/pareto_chart.h"

#include <QLocale>
#include <QToolTip>

#include <cmath>
#include <set>

namespace {

constexpr double kHitPixels = 8;
constexpr size_t kLabelAllUpTo = 12;  // more points than this: only the front's are labelled

double xOf(const lora::SweepResult& r, lora::SweepCost cost)
{
    return cost == lora::SweepCost::AdapterBytes ? *r.cost / (1024.0 * 1024.0) : *r.cost;
}

}  // namespace

ParetoChart::ParetoChart(QWidget* parent) : ThemedPlot(parent), points_(addGraph()), front_(addGraph())
{
    points_->setName(tr("Runs"));
    points_->setLineStyle(QCPGraph::lsNone);
    front_->setName(tr("Pareto front"));
    // Left steps: from each front run the line holds its loss until the next, cheaper-to-better run.
    front_->setLineStyle(QCPGraph::lsStepLeft);
    xAxis->setScaleType(QCPAxis::stLogarithmic);
    xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    yAxis->setLabel(tr("Best validation loss"));
    legend->setVisible(true);
    setMouseTracking(true);
    connect(this, &QCustomPlot::mouseMove, this, &ParetoChart::onMouseMove);
    connect(this, &QCustomPlot::mousePress, this, &ParetoChart::onMousePress);
    setToolTip(tr("Each point is a run of the sweep: what it costs (x, log scale) against how well it did (y, lower is "
                  "better). The step line joins the Pareto front: runs no other run beats on both. Hover a point "
                  "for its settings; click it to open the run on the Runs page."));
    paletteChanged();
    clearResults();
}

void ParetoChart::paletteChanged()
{
    QColor dot = secondaryBarColor();
    points_->setPen(QPen(dot.darker(130)));
    points_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, dot.darker(130), dot, 7));
    front_->setPen(QPen(barColor(), 2));
    front_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, barColor(), barColor(), 9));
    for (QCPItemText* label : labels_)
        label->setColor(palette().color(QPalette::Text));
}

void ParetoChart::clearResults()
{
    plotted_.clear();
    labelPoints();
    points_->data()->clear();
    front_->data()->clear();
    xAxis->setLabel(tr("Trainable parameters"));
    xAxis->setRange(1, 10);
    yAxis->setRange(0, 1);
    replot();
}

void ParetoChart::setResults(const std::vector<lora::SweepResult>& results, lora::SweepCost cost)
{
    cost_ = cost;
    plotted_.clear();
    for (const auto& r : results)
        if (r.cost && r.quality && *r.cost > 0)
            plotted_.push_back(r);
    std::stable_sort(plotted_.begin(), plotted_.end(),
                     [](const auto& a, const auto& b) { return *a.cost < *b.cost; });
    QVector<double> x, y, fx, fy;
    for (const auto& r : plotted_) {
        x << xOf(r, cost);
        y << *r.quality;
        if (r.onFront) {
            fx << x.last();
            fy << y.last();
        }
    }
    points_->setData(x, y, true);
    front_->setData(fx, fy, true);
    xAxis->setLabel(cost == lora::SweepCost::AdapterBytes ? tr("Adapter size (MB)") : tr("Trainable parameters"));
    if (!plotted_.empty()) {
        const auto [xmin, xmax] = std::minmax_element(x.begin(), x.end());
        const auto [ymin, ymax] = std::minmax_element(y.begin(), y.end());
        xAxis->setRange(*xmin / 1.5, *xmax * 1.5);
        const double pad = std::max(1e-3, (*ymax - *ymin) * 0.1);
        yAxis->setRange(*ymin - pad, *ymax + pad);
    }
    labelPoints();
    replot();
}

// A label names what varies across the sweep's cells: the rank and targets always, the layers and the seed when
// the sweep has more than one of them.
void ParetoChart::labelPoints()
{
    for (QCPItemText* label : labels_)
        removeItem(label);
    labels_.clear();
    std::set<std::string> layerRanges;
    std::set<uint64_t> seeds;
    for (const auto& r : plotted_)
        if (r.cell) {
            layerRanges.insert(r.cell->layers.text);
            seeds.insert(r.cell->seed);
        }
    QFont font = this->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    for (const auto& r : plotted_) {
        if (!r.cell || (!r.onFront && plotted_.size() > kLabelAllUpTo))
            continue;
        QString text = QStringLiteral("r%1 %2").arg(r.cell->rank).arg(
            QString::fromStdString(lora::targetPresetId(r.cell->preset)));
        if (layerRanges.size() > 1)
            text += QStringLiteral(" L%1").arg(QString::fromStdString(r.cell->layers.text));
        if (seeds.size() > 1)
            text += QStringLiteral(" s%1").arg(r.cell->seed);
        auto* label = new QCPItemText(this);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(xOf(r, cost_), *r.quality);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(6, 0, 0, 3));
        label->setFont(font);
        label->setColor(palette().color(QPalette::Text));
        label->setText(text);
        label->setClipToAxisRect(true);
        labels_.push_back(label);
    }
}

QStringList ParetoChart::labels() const
{
    QStringList texts;
    for (const QCPItemText* label : labels_)
        texts << label->text();
    return texts;
}

std::vector<int64_t> ParetoChart::frontRunIds() const
{
    std::vector<int64_t> ids;
    for (const auto& r : plotted_)
        if (r.onFront)
            ids.push_back(r.run.id);
    return ids;
}

QPoint ParetoChart::pixelOf(int index) const
{
    const auto& r = plotted_[size_t(index)];
    return QPoint(int(std::lround(xAxis->coordToPixel(xOf(r, cost_)))), int(std::lround(yAxis->coordToPixel(*r.quality))));
}

int ParetoChart::pointAt(const QPoint& pos) const
{
    int best = -1;
    double bestDistance = kHitPixels;
    for (int i = 0; i < int(plotted_.size()); ++i) {
        const QPoint p = pixelOf(i);
        const double d = std::hypot(double(p.x() - pos.x()), double(p.y() - pos.y()));
        if (d <= bestDistance) {
            best = i;
            bestDistance = d;
        }
    }
    return best;
}

QString ParetoChart::describe(int index) const
{
    const auto& r = plotted_[size_t(index)];
    QString text = tr("<b>Run %1</b> %2").arg(r.run.id).arg(QString::fromStdString(r.run.name).toHtmlEscaped());
    if (r.cell)
        text += tr("<br>rank %1 · targets %2 · layers %3 · seed %4")
                    .arg(r.cell->rank)
                    .arg(QString::fromStdString(lora::targetPresetId(r.cell->preset)))
                    .arg(QString::fromStdString(r.cell->layers.text))
                    .arg(r.cell->seed);
    text += tr("<br>%1 trainable parameters").arg(QLocale().toString(qint64(r.run.trainableParams)));
    if (r.adapterBytes)
        text += tr(" · adapter %1 MB").arg(double(*r.adapterBytes) / (1024.0 * 1024.0), 0, 'f', 3);
    text += tr("<br>best validation loss %1").arg(*r.quality, 0, 'f', 4);
    if (r.onFront)
        text += tr("<br><i>on the Pareto front</i>");
    return text;
}

void ParetoChart::onMouseMove(QMouseEvent* event)
{
    const int i = pointAt(event->pos());
    if (i >= 0)
        QToolTip::showText(event->globalPosition().toPoint(), describe(i), this);
    else
        QToolTip::hideText();
}

void ParetoChart::onMousePress(QMouseEvent* event)
{
    const int i = pointAt(event->pos());
    if (i >= 0)
        Q_EMIT runClicked(plotted_[size_t(i)].run.id);
}
