#pragma once
// The left-hand column of settings that several pages share: the given widgets stacked top-down in a vertical
// scroll area as wide as they need (never scrolling sideways), so a small window scrolls instead of clipping.
#include <QList>

class QLayout;
class QScrollArea;
class QWidget;

struct SettingsColumnItem {
    QWidget* widget = nullptr;  // one of the two
    QLayout* layout = nullptr;
};

QScrollArea* makeSettingsColumn(const QList<SettingsColumnItem>& items, int minimumWidth = 0);
