#pragma once
// The singular values of one module's ΔW as bars, largest first: how many of the r directions the update uses.
#include "data/themed_plot.h"

#include <QString>

#include <vector>

class SpectrumPlot final : public ThemedPlot {
    Q_OBJECT
public:
    explicit SpectrumPlot(QWidget* parent = nullptr);

    void setSpectrum(const QString& module, const std::vector<double>& singularValues);
    void clear();

    QString module() const { return module_; }
    std::vector<double> values() const;

private:
    void paletteChanged() override;

    QCPBars* bars_;
    QCPTextElement* title_;
    QString module_;
};
