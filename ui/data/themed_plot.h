#pragma once
// A QCustomPlot that takes its colours from the widget palette, so charts follow light and dark themes
// (QCustomPlot itself draws black on white whatever the theme). Shared by the Data and Adapter pages.
#include "data/qcustomplot_include.h"

class ThemedPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit ThemedPlot(QWidget* parent = nullptr);

    // The colour series bars are drawn in: the palette's highlight, softened for fills.
    QColor barColor() const;
    QColor secondaryBarColor() const;

protected:
    void changeEvent(QEvent* event) override;
    // Called after the palette changed; subclasses recolour their plottables here.
    virtual void paletteChanged() {}

private:
    void applyPalette();
};
