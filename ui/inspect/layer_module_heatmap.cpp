#include "inspect/layer_module_heatmap.h"

#include <algorithm>
#include <cmath>
#include <limits>

QString figureName(SpectrumFigure figure)
{
    switch (figure) {
    case SpectrumFigure::EffectiveRank: return QObject::tr("Effective rank");
    case SpectrumFigure::ThresholdRank: return QObject::tr("Rank above threshold");
    case SpectrumFigure::TopEnergy: return QObject::tr("Top-k energy");
    case SpectrumFigure::RelativeNorm: return QObject::tr("‖ΔW‖ / ‖W‖");
    }
    return {};
}

QString figureToolTip(SpectrumFigure figure)
{
    switch (figure) {
    case SpectrumFigure::EffectiveRank:
        return QObject::tr("<b>Effective rank</b> (Roy &amp; Vetterli): exp of the entropy of σᵢ/Σσ. It is r when "
                           "all r directions of ΔW are equally strong and 1 when one direction dominates — a module "
                           "with a low effective rank could have used a smaller r.");
    case SpectrumFigure::ThresholdRank:
        return QObject::tr("<b>Rank above threshold</b>: how many singular values exceed the threshold × the largest.");
    case SpectrumFigure::TopEnergy:
        return QObject::tr("<b>Top-k energy</b>: the share of ‖ΔW‖²_F held by the k largest singular values. Near "
                           "1 means the update is essentially rank k.");
    case SpectrumFigure::RelativeNorm:
        return QObject::tr("<b>‖ΔW‖ / ‖W‖</b> (Frobenius norms): how large the learned update is next to the "
                           "frozen weight. Modules that changed most stand out.");
    }
    return {};
}

double figureOf(const lora::ModuleSpectrum& m, SpectrumFigure figure)
{
    switch (figure) {
    case SpectrumFigure::EffectiveRank: return m.effectiveRank;
    case SpectrumFigure::ThresholdRank: return m.thresholdRank;
    case SpectrumFigure::TopEnergy: return m.topEnergy;
    case SpectrumFigure::RelativeNorm: return m.relativeNorm;
    }
    return 0;
}

LayerModuleHeatmap::LayerModuleHeatmap(QWidget* parent)
    : ThemedPlot(parent), map_(new QCPColorMap(xAxis, yAxis)), scale_(new QCPColorScale(this)),
      selection_(new QCPItemRect(this))
{
    setObjectName("layerModuleHeatmap");
    plotLayout()->addElement(0, 1, scale_);
    map_->setColorScale(scale_);
    auto gradient = QCPColorGradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);
    map_->setGradient(gradient);
    map_->setInterpolate(false);
    selection_->setPen(QPen(palette().color(QPalette::Highlight), 3));
    selection_->setVisible(false);
    yAxis->setRangeReversed(true);  // block 0 at the top, as the model runs
    xAxis->setTickLabelRotation(30);
    xAxis->setLabel(tr("module"));
    yAxis->setLabel(tr("layer"));
    setMinimumHeight(220);
    connect(this, &QCustomPlot::mousePress, this, &LayerModuleHeatmap::onMousePress);
}

void LayerModuleHeatmap::clear()
{
    layers_.clear();
    kinds_.clear();
    modules_.clear();
    selected_.clear();
    map_->data()->clear();
    selection_->setVisible(false);
    replot();
}

void LayerModuleHeatmap::setSpectra(const lora::AdapterSpectra& spectra, SpectrumFigure figure)
{
    layers_.clear();
    kinds_.clear();
    for (const auto& m : spectra.modules) {
        if (std::find(layers_.begin(), layers_.end(), m.layer) == layers_.end())
            layers_.push_back(m.layer);
        if (!kinds_.contains(QString::fromStdString(m.kind)))
            kinds_ << QString::fromStdString(m.kind);
    }
    std::sort(layers_.begin(), layers_.end());
    modules_.assign(layers_.size(), QStringList());
    for (auto& row : modules_)
        for (int c = 0; c < kinds_.size(); ++c)
            row << QString();

    auto* data = map_->data();
    data->setSize(std::max(1, columnCount()), std::max(1, rowCount()));
    data->setRange(QCPRange(0, std::max(0, columnCount() - 1)), QCPRange(0, std::max(0, rowCount() - 1)));
    data->fill(std::numeric_limits<double>::quiet_NaN());
    QCPRange range(std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest());
    for (const auto& m : spectra.modules) {
        range.lower = std::min(range.lower, figureOf(m, figure));
        range.upper = std::max(range.upper, figureOf(m, figure));
        const int row = int(std::find(layers_.begin(), layers_.end(), m.layer) - layers_.begin());
        const int col = int(kinds_.indexOf(QString::fromStdString(m.kind)));
        data->setCell(col, row, figureOf(m, figure));
        modules_[row][col] = QString::fromStdString(m.module);
    }
    auto xTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (int c = 0; c < kinds_.size(); ++c)
        xTicks->addTick(c, kinds_[c]);
    xAxis->setTicker(xTicks);
    auto yTicks = QSharedPointer<QCPAxisTickerText>::create();
    for (int r = 0; r < rowCount(); ++r)
        yTicks->addTick(r, layers_[r] < 0 ? tr("outside") : QString::number(layers_[r]));
    yAxis->setTicker(yTicks);
    scale_->axis()->setLabel(figureName(figure));
    // Set from the modules, not rescaleDataRange: the cells of absent modules are NaN.
    if (spectra.modules.empty())
        range = QCPRange(0, 1);
    else if (range.upper - range.lower < 1e-12)
        range = QCPRange(range.lower - 0.5, range.upper + 0.5);
    map_->setDataRange(range);
    xAxis->setRange(-0.5, std::max(0, columnCount() - 1) + 0.5);
    yAxis->setRange(-0.5, std::max(0, rowCount() - 1) + 0.5);
    setToolTip(figureToolTip(figure) + tr("<br>Click a cell to see that module's singular values."));
    placeSelection();
    replot();
}

double LayerModuleHeatmap::valueAt(int row, int column) const
{
    if (row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return std::numeric_limits<double>::quiet_NaN();
    return map_->data()->cell(column, row);
}

QString LayerModuleHeatmap::moduleAt(int row, int column) const
{
    if (row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return modules_[size_t(row)][column];
}

QPoint LayerModuleHeatmap::cellCenter(int row, int column) const
{
    return QPoint(int(std::lround(xAxis->coordToPixel(column))), int(std::lround(yAxis->coordToPixel(row))));
}

void LayerModuleHeatmap::selectModule(const QString& module)
{
    selected_ = module;
    placeSelection();
    replot();
}

void LayerModuleHeatmap::placeSelection()
{
    for (int r = 0; r < rowCount(); ++r)
        for (int c = 0; c < columnCount(); ++c)
            if (!selected_.isEmpty() && modules_[size_t(r)][c] == selected_) {
                selection_->topLeft->setCoords(c - 0.5, r - 0.5);
                selection_->bottomRight->setCoords(c + 0.5, r + 0.5);
                selection_->setVisible(true);
                return;
            }
    selection_->setVisible(false);
}

void LayerModuleHeatmap::onMousePress(QMouseEvent* event)
{
    const int column = int(std::lround(xAxis->pixelToCoord(event->position().x())));
    const int row = int(std::lround(yAxis->pixelToCoord(event->position().y())));
    const QString module = moduleAt(row, column);
    if (module.isEmpty())
        return;
    selectModule(module);
    Q_EMIT moduleClicked(module);
}
