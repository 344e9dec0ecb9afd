#include "data/length_histogram.h"

LengthHistogram::LengthHistogram(QWidget* parent)
    : ThemedPlot(parent),
      bars_(new QCPBars(xAxis, yAxis)),
      limitLine_(new QCPItemStraightLine(this)),
      emptyNote_(new QCPItemText(this))
{
    emptyNote_->position->setType(QCPItemPosition::ptAxisRectRatio);
    emptyNote_->position->setCoords(0.5, 0.5);
    emptyNote_->setText(tr("The lengths of the examples appear here once a dataset is loaded."));
    bars_->setName(tr("Examples"));
    bars_->setWidthType(QCPBars::wtPlotCoords);
    xAxis->setLabel(tr("Tokens per example"));
    yAxis->setLabel(tr("Examples"));
    limitLine_->setVisible(false);
    limitLine_->setClipToAxisRect(true);
    paletteChanged();
    setToolTip(tr("How many examples have how many tokens. Examples longer than the maximum length are cut to "
                  "it (the dashed line), so a pile of bars against the line means truncated data."));
}

void LengthHistogram::paletteChanged()
{
    QColor fill = barColor();
    fill.setAlpha(170);
    bars_->setBrush(fill);
    bars_->setPen(QPen(barColor().darker(120)));
    limitLine_->setPen(QPen(secondaryBarColor(), 1.5, Qt::DashLine));
    emptyNote_->setColor(palette().color(QPalette::PlaceholderText));
}

void LengthHistogram::setHistogram(const std::vector<lora::LengthBin>& bins, int64_t limit)
{
    QVector<double> centres, counts;
    double width = 1, top = 0, left = 0, right = 1;
    for (const auto& b : bins) {
        // Bins are inclusive integer ranges [min, max]: the bar spans min - 0.5 .. max + 0.5.
        centres << (b.minLength + b.maxLength) / 2.0;
        counts << double(b.count);
        top = std::max(top, double(b.count));
    }
    if (!bins.empty()) {
        left = bins.front().minLength - 0.5;
        right = bins.back().maxLength + 0.5;
        // Equal-width real bins become integer ranges of slightly different sizes; draw them all at the nominal
        // width so neighbouring bars touch, as a histogram's should.
        width = (right - left) / double(bins.size());
    }
    emptyNote_->setVisible(bins.empty());
    xAxis->setTickLabels(!bins.empty());
    yAxis->setTickLabels(!bins.empty());
    bars_->setWidth(width * 0.92);
    bars_->setData(centres, counts, true);
    const bool showLimit = limit > 0 && limit <= right + (right - left) * 0.25;
    limitLine_->setVisible(showLimit);
    if (showLimit) {
        limitLine_->point1->setCoords(double(limit), 0);
        limitLine_->point2->setCoords(double(limit), 1);
        right = std::max(right, double(limit) + 0.5);
    }
    const double pad = std::max(1.0, (right - left) * 0.04);
    xAxis->setRange(std::max(0.0, left - pad), right + pad);
    yAxis->setRange(0, std::max(1.0, top * 1.12));
    replot();
}

void LengthHistogram::clearHistogram()
{
    bars_->data()->clear();
    limitLine_->setVisible(false);
    emptyNote_->setVisible(true);
    xAxis->setTickLabels(false);
    yAxis->setTickLabels(false);
    xAxis->setRange(0, 1);
    yAxis->setRange(0, 1);
    replot();
}
