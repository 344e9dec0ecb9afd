#pragma once
// Trainable parameters per transformer block: one bar per layer, plus one bar for the modules outside the
// blocks (an LM head, a pooler, a classifier) when any of them is trained.
#include "data/themed_plot.h"

#include <cstdint>
#include <map>

class LayerBudgetChart final : public ThemedPlot {
    Q_OBJECT
public:
    explicit LayerBudgetChart(QWidget* parent = nullptr);

    // perLayer as lora::ParameterBudget::perLayer: block index -> parameters, -1 for outside the blocks.
    void setBudget(int numLayers, const std::map<int, int64_t>& perLayer);
    void clearBudget();

    QCPBars* layerBars() const { return layerBars_; }      // exactly numLayers points, x = block index
    QCPBars* outsideBars() const { return outsideBars_; }  // one point at x = numLayers, or none

protected:
    void paletteChanged() override;

private:
    QCPBars* layerBars_;
    QCPBars* outsideBars_;
};
