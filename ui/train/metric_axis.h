#pragma once
// What training curves are plotted against, on the Train page and on the Runs page alike.
#include <QComboBox>
#include <QCoreApplication>
#include <QString>

enum class MetricAxis { Step, Epoch, Tokens, WallTime };

inline QString metricAxisTitle(MetricAxis axis)
{
    switch (axis) {
    case MetricAxis::Step: return QCoreApplication::translate("MetricAxis", "Step");
    case MetricAxis::Epoch: return QCoreApplication::translate("MetricAxis", "Epoch");
    case MetricAxis::Tokens: return QCoreApplication::translate("MetricAxis", "Tokens trained on");
    case MetricAxis::WallTime: return QCoreApplication::translate("MetricAxis", "Wall time (s)");
    }
    return {};
}

// Fills a combo box with the four axes, each item's data its MetricAxis value.
inline void addMetricAxes(QComboBox* combo)
{
    for (MetricAxis a : {MetricAxis::Step, MetricAxis::Epoch, MetricAxis::Tokens, MetricAxis::WallTime})
        combo->addItem(metricAxisTitle(a), int(a));
    combo->setToolTip(QCoreApplication::translate(
        "MetricAxis", "<b>X axis</b>: plot against optimizer steps, epochs (passes over the training split), tokens "
                      "trained on, or wall-clock seconds since the run started."));
}

inline MetricAxis metricAxisOf(const QComboBox* combo) { return MetricAxis(combo->currentData().toInt()); }
