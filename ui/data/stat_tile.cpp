#include "data/stat_tile.h"

#include <QLabel>
#include <QVBoxLayout>

QWidget* makeStatTile(const QString& caption, QLabel* value, const QString& tip)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    auto* title = new QLabel(caption);
    QFont small = title->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    title->setFont(small);
    title->setForegroundRole(QPalette::PlaceholderText);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title);
    layout->addWidget(value);
    box->setToolTip(tip);
    return box;
}
