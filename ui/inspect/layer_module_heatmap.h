#pragma once
// A layer × module heatmap of one figure of an adapter's spectra: rows are the transformer blocks (modules outside
// the blocks on a row of their own), columns the module kinds ("self_attn.q_proj", ...). Clicking a cell picks
// that module.
#include "data/themed_plot.h"
#include "lora/analysis.h"

#include <QStringList>

#include <vector>

enum class SpectrumFigure { EffectiveRank, ThresholdRank, TopEnergy, RelativeNorm };
QString figureName(SpectrumFigure figure);
QString figureToolTip(SpectrumFigure figure);
double figureOf(const lora::ModuleSpectrum& module, SpectrumFigure figure);

class LayerModuleHeatmap final : public ThemedPlot {
    Q_OBJECT
public:
    explicit LayerModuleHeatmap(QWidget* parent = nullptr);

    void setSpectra(const lora::AdapterSpectra& spectra, SpectrumFigure figure);
    void clear();

    int rowCount() const { return int(layers_.size()); }
    int columnCount() const { return int(kinds_.size()); }
    double valueAt(int row, int column) const;      // NaN where that block has no such module
    QString moduleAt(int row, int column) const;    // empty where there is none
    QPoint cellCenter(int row, int column) const;   // in widget pixels
    void selectModule(const QString& module);       // outlines it

Q_SIGNALS:
    void moduleClicked(const QString& module);

private:
    void onMousePress(QMouseEvent* event);
    void placeSelection();

    QCPColorMap* map_;
    QCPColorScale* scale_;
    QCPItemRect* selection_;
    std::vector<int> layers_;
    QStringList kinds_;
    std::vector<QStringList> modules_;  // [row][column]
    QString selected_;
};
