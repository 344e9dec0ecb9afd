#include "adapter/rank_override_delegate.h"

#include <QSpinBox>

QWidget* RankOverrideDelegate::createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const
{
    auto* spin = new QSpinBox(parent);
    spin->setRange(0, kMaxRank);
    spin->setPrefix(tr("r = "));
    spin->setSpecialValueText(tr("default r"));
    spin->setToolTip(tr("This module's own rank (PEFT rank_pattern). \"default r\" uses the page's rank."));
    spin->setFrame(false);
    return spin;
}

void RankOverrideDelegate::setEditorData(QWidget* editor, const QModelIndex& index) const
{
    static_cast<QSpinBox*>(editor)->setValue(index.data(RankRole).toInt());
}

void RankOverrideDelegate::setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const
{
    auto* spin = static_cast<QSpinBox*>(editor);
    spin->interpretText();
    model->setData(index, spin->value(), RankRole);
}
