#pragma once
// A small caption above a large value: the figures strips of the Data and Adapter pages read like a dashboard.
#include <QString>

class QLabel;
class QWidget;

// Wraps `value` (styled large and bold, selectable) under `caption`; the tile's tooltip is `tip`.
QWidget* makeStatTile(const QString& caption, QLabel* value, const QString& tip);
