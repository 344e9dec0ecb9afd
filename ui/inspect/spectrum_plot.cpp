#include "inspect/spectrum_plot.h"

#include <algorithm>

SpectrumPlot::SpectrumPlot(QWidget* parent)
    : ThemedPlot(parent), bars_(new QCPBars(xAxis, yAxis)), title_(new QCPTextElement(this))
{
    setObjectName("spectrumPlot");
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);
    xAxis->setLabel(tr("i"));
    yAxis->setLabel(tr("σᵢ of ΔW"));
    setToolTip(tr("<b>Singular values of ΔW = s·B·A</b>, computed exactly from the r×r core (QR of B and of Aᵀ), "
                  "without forming ΔW. At most r are non-zero: a LoRA update has rank ≤ r. A fast fall-off "
                  "means a few directions carry the update."));
    setMinimumHeight(180);
    paletteChanged();
}

void SpectrumPlot::paletteChanged()
{
    bars_->setBrush(barColor());
    bars_->setPen(Qt::NoPen);
}

void SpectrumPlot::clear()
{
    module_.clear();
    bars_->data()->clear();
    title_->setText({});
    replot();
}

void SpectrumPlot::setSpectrum(const QString& module, const std::vector<double>& singularValues)
{
    module_ = module;
    QVector<double> keys, values;
    for (size_t i = 0; i < singularValues.size(); ++i) {
        keys << double(i + 1);
        values << singularValues[i];
    }
    bars_->setData(keys, values, true);
    title_->setText(module);
    xAxis->setRange(0.4, double(std::max<size_t>(1, singularValues.size())) + 0.6);
    const double top = singularValues.empty() ? 1.0 : *std::max_element(singularValues.begin(), singularValues.end());
    yAxis->setRange(0, top > 0 ? top * 1.08 : 1.0);
    replot();
}

std::vector<double> SpectrumPlot::values() const
{
    std::vector<double> out;
    for (auto it = bars_->data()->constBegin(); it != bars_->data()->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}
