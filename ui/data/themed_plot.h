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

    // For a chart with nothing to draw: axes and legend hidden and the message in the middle instead (axes around
    // no data read as a result). An empty message brings the chart back, with the legend as it was.
    void setEmptyMessage(const QString& message);
    QString emptyMessage() const;

protected:
    void changeEvent(QEvent* event) override;
    // Called after the palette changed; subclasses recolour their plottables here.
    virtual void paletteChanged() {}

private:
    void applyPalette();

    QCPItemText* emptyText_ = nullptr;  // made on first use
    bool legendShown_ = false;          // the legend's visibility before the chart went empty
};
