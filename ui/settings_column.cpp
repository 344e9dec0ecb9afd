#include "settings_column.h"

#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>

QScrollArea* makeSettingsColumn(const QList<SettingsColumnItem>& items, int minimumWidth)
{
    auto* panel = new QWidget;
    auto* column = new QVBoxLayout(panel);
    column->setContentsMargins(0, 0, 4, 0);
    for (const auto& item : items) {
        if (item.widget)
            column->addWidget(item.widget);
        else if (item.layout)
            column->addLayout(item.layout);
    }
    column->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Room for the vertical scroll bar, and a little slack before the page's main area takes the rest.
    scroll->setMinimumWidth(std::max(minimumWidth, panel->sizeHint().width() + 12));
    scroll->setMaximumWidth(std::max(minimumWidth, panel->sizeHint().width() + 60));
    return scroll;
}
