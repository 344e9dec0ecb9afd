#pragma once
// How long the dataset's examples are, in tokens: one bar per length bin of lora::computeStats.
#include "data/themed_plot.h"

#include "lora/dataset.h"

class LengthHistogram final : public ThemedPlot {
    Q_OBJECT
public:
    explicit LengthHistogram(QWidget* parent = nullptr);

    void setHistogram(const std::vector<lora::LengthBin>& bins, int64_t limit);  // limit: maxLength / blockSize
    void clearHistogram();
    QCPBars* bars() const { return bars_; }

protected:
    void paletteChanged() override;

private:
    QCPBars* bars_;
    QCPItemStraightLine* limitLine_;
    QCPItemText* emptyNote_;  // says why the plot is empty instead of showing bare axes
};
