#include "train/metric_plot.h"

#include <cmath>

MetricPlot::MetricPlot(const QString& title, const QString& yLabel, QWidget* parent) : ThemedPlot(parent)
{
    setMinimumHeight(150);
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, title, QFont(font().family(), font().pointSize(), QFont::Bold));
    title_->setTextColor(palette().color(QPalette::Text));
    plotLayout()->addElement(0, 0, title_);
    yAxis->setLabel(yLabel);
    xAxis->setLabel(tr("Step"));
    legend->setVisible(false);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    legend->setFont(small);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setNoAntialiasingOnDrag(true);
    setPlottingHints(QCP::phCacheLabels | QCP::phFastPolylines);
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
}

int MetricPlot::addSeries(const QString& name, const QColor& color, bool dots, qreal width)
{
    QCPGraph* g = addGraph();
    g->setName(name);
    g->setPen(QPen(color, width));
    g->setAdaptiveSampling(true);
    if (dots) {
        g->setLineStyle(QCPGraph::lsLine);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, color, color, 6));
    }
    return graphCount() - 1;
}

void MetricPlot::append(int series, double x, double y)
{
    if (std::isfinite(x) && std::isfinite(y))
        graph(series)->addData(x, y);
}

void MetricPlot::clearData()
{
    for (int i = 0; i < graphCount(); ++i)
        graph(i)->data()->clear();
}

void MetricPlot::setXLabel(const QString& label) { xAxis->setLabel(label); }

void MetricPlot::setLogY(bool log)
{
    yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log)
        yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
}

void MetricPlot::showLegend(bool show) { legend->setVisible(show); }

void MetricPlot::showEvent(QShowEvent* event)
{
    ThemedPlot::showEvent(event);
    if (stale_)
        redraw();
}

void MetricPlot::redraw()
{
    if (!isVisible()) {
        stale_ = true;
        return;
    }
    stale_ = false;
    bool any = false;
    for (int i = 0; i < graphCount(); ++i)
        any |= !graph(i)->data()->isEmpty();
    if (any) {
        rescaleAxes();
        // A little room above and below so a flat line is not glued to the frame.
        const QCPRange y = yAxis->range();
        const double pad = y.size() > 0 ? y.size() * 0.08 : std::max(std::abs(y.center()) * 0.05, 1e-6);
        if (yAxis->scaleType() == QCPAxis::stLinear)
            yAxis->setRange(y.lower - pad, y.upper + pad);
        if (xAxis->range().size() <= 0)
            xAxis->setRange(xAxis->range().center() - 0.5, xAxis->range().center() + 0.5);
    }
    replot(QCustomPlot::rpQueuedReplot);
}
