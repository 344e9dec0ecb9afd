#include "adapter/layer_budget_chart.h"


LayerBudgetChart::LayerBudgetChart(QWidget* parent)
    : ThemedPlot(parent), layerBars_(new QCPBars(xAxis, yAxis)), outsideBars_(new QCPBars(xAxis, yAxis))
{
    layerBars_->setName(tr("Blocks"));
    outsideBars_->setName(tr("Outside the blocks"));
    layerBars_->setWidth(0.7);
    outsideBars_->setWidth(0.7);
    xAxis->setLabel(tr("Layer (block)"));
    yAxis->setLabel(tr("Trainable parameters"));
    paletteChanged();
    setToolTip(tr("Trainable LoRA parameters in each transformer block. Each adapted module adds "
                  "r × (in + out) parameters: its A and B matrices."));
}

void LayerBudgetChart::paletteChanged()
{
    QColor fill = barColor();
    fill.setAlpha(190);
    layerBars_->setBrush(fill);
    layerBars_->setPen(QPen(barColor().darker(120)));
    QColor other = secondaryBarColor();
    outsideBars_->setBrush(other);
    outsideBars_->setPen(QPen(other.darker(120)));
}

void LayerBudgetChart::setBudget(int numLayers, const std::map<int, int64_t>& perLayer)
{
    QVector<double> x, y;
    double top = 0;
    for (int layer = 0; layer < numLayers; ++layer) {
        const auto it = perLayer.find(layer);
        x << layer;
        y << double(it == perLayer.end() ? 0 : it->second);
        top = std::max(top, y.last());
    }
    layerBars_->setData(x, y, true);

    const auto outside = perLayer.find(-1);
    const bool hasOutside = outside != perLayer.end() && outside->second > 0;
    outsideBars_->data()->clear();
    if (hasOutside) {
        outsideBars_->addData(numLayers, double(outside->second));
        top = std::max(top, double(outside->second));
    }

    // Label every block when they fit, else a readable subset; "other" marks the outside bar.
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const int step = std::max(1, numLayers / 16);
    for (int layer = 0; layer < numLayers; layer += step)
        ticker->addTick(layer, QString::number(layer));
    if (hasOutside)
        ticker->addTick(numLayers, tr("other"));
    xAxis->setTicker(ticker);
    // Plain numbers while they are short; 1.2·10⁷ style once counts reach the millions of real models.
    yAxis->setNumberFormat(top < 1e6 ? "f" : "gb");
    yAxis->setNumberPrecision(top < 1e6 ? 0 : 2);
    xAxis->setRange(-0.7, numLayers - 1 + (hasOutside ? 1.7 : 0.7));
    yAxis->setRange(0, std::max(1.0, top * 1.15));
    replot();
}

void LayerBudgetChart::clearBudget()
{
    layerBars_->data()->clear();
    outsideBars_->data()->clear();
    replot();
}
